"""Reading YAML config files: positions, tags, secrets. This module owns the file I/O of config loading.

`read_yaml` returns plain Python data in which every mapping is a `YamlMap` and every sequence a
`YamlList`; both remember the `Origin` (file:line) of themselves and of each key or item, so
later errors can name where a value was written. Tags resolved here:

- `!secret NAME`: from `secrets.yml`/`secrets.yaml` beside the config file, then every file named
  by env `SECRETS_LOCATION` (comma list, globs; later files win). Loaded on first use.
- `!env NAME` (Configarr): the variable must be set and non-empty.
- `!env_var NAME [default]` (Recyclarr): the default after a space is used when unset or empty;
  a default of `""` means "empty is fine" (a Plex `token` that may be absent).
- `!file PATH`: the file's contents, trimmed; relative paths start at the YAML file's folder.

Tag values are returned as `Sensitive` strings so error messages never print them. Duplicate keys
and invalid YAML are `ConfigError`s naming file:line(:column).

Files are parsed by libyaml when PyYAML has it (ten times faster); a file it rejects is parsed
again by PyYAML's own parser, so every error is worded and placed as PyYAML reports it.

Plain scalars follow the YAML 1.2 core schema, as Recyclarr and Configarr read them: only
`true`/`false` are booleans, `017` is 17 (octal is `0o17`), `1:30` and `2024-01-01` stay text.
PyYAML implements YAML 1.1 (where `on` is true, `1:30` is 90 and dates are dates), so the
resolvers below replace its implicit ones wholesale.
"""

from __future__ import annotations

import glob
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Protocol

import yaml

from syncd.config.model import Origin
from syncd.errors import ConfigError

SECRETS_FILE_NAMES = ("secrets.yml", "secrets.yaml")


class YamlMap(dict[str, Any]):
    """A YAML mapping that knows where it and each of its keys were written."""

    def __init__(self, origin: Origin, items: Mapping[str, Any] | None = None) -> None:
        super().__init__(items or {})
        self.origin = origin
        self.key_origins: dict[str, Origin] = {}

    def origin_of(self, key: str) -> Origin:
        return self.key_origins.get(key, self.origin)


class YamlList(list[Any]):
    """A YAML sequence that knows where it and each of its items were written."""

    def __init__(self, origin: Origin) -> None:
        super().__init__()
        self.origin = origin
        self.item_origins: list[Origin] = []

    def add(self, item: Any, origin: Origin) -> None:
        self.append(item)
        self.item_origins.append(origin)

    def origin_of(self, index: int) -> Origin:
        return self.item_origins[index] if index < len(self.item_origins) else self.origin


class YamlInt(int):
    """An int that remembers how it was written: a trash_id such as `0123…` or `12e4…` must
    stay the text the user wrote, not the number YAML reads it as."""

    source: str


class YamlFloat(float):
    """A float that remembers how it was written (see `YamlInt`)."""

    source: str


def source_text(value: int | float) -> str:
    """The text a number was written as in the file, else its usual string form."""
    return getattr(value, "source", str(value))


class Sensitive(str):
    """A string that came from a tag (secret, env, file): never shown in messages."""

    __slots__ = ()


def show(value: object) -> str:
    """Render a value for an error message, hiding anything that came from a tag."""
    return "(sensitive value)" if isinstance(value, Sensitive) else repr(value)


class Secrets:
    """The `!secret` values: files are read the first time a secret is asked for."""

    def __init__(self, files: tuple[Path, ...]) -> None:
        self._files = files
        self._values: dict[str, str] | None = None

    @classmethod
    def for_config(cls, config_path: Path, env: Mapping[str, str]) -> Secrets:
        """Secrets beside `config_path`, then those named by env `SECRETS_LOCATION` (Configarr)."""
        files = [config_path.parent / n for n in SECRETS_FILE_NAMES if (config_path.parent / n).is_file()]
        for entry in (e.strip() for e in env.get("SECRETS_LOCATION", "").split(",")):
            if not entry:
                continue
            if glob.has_magic(entry):
                # Path.glob cannot take an absolute pattern, which SECRETS_LOCATION usually is.
                files.extend(Path(p) for p in sorted(glob.glob(entry)))  # noqa: PTH207
            else:
                files.append(Path(entry))
        return cls(tuple(files))

    def get(self, name: str) -> str | None:
        if self._values is None:
            self._values = {}
            for file in self._files:
                self._values.update(_read_secrets_file(file))
        return self._values.get(name)


def _read_secrets_file(path: Path) -> dict[str, str]:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_TextLoader)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read secrets file: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: secrets file is not valid YAML") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: secrets file must be a mapping of names to values")
    return {str(k): Sensitive("" if v is None else str(v)) for k, v in data.items()}


_NULL_TAG = "tag:yaml.org,2002:null"
_BOOL_TAG = "tag:yaml.org,2002:bool"
_INT_TAG = "tag:yaml.org,2002:int"
_FLOAT_TAG = "tag:yaml.org,2002:float"
_MERGE_TAG = "tag:yaml.org,2002:merge"
_CORE_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_CORE_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_CORE_INT = re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
_CORE_FLOAT = re.compile(
    r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)
_DIGITS = list("-+0123456789")


class _TextLoader(yaml.SafeLoader):
    """Every plain scalar is text except an empty one (null): for secrets files, whose values
    must reach the server exactly as written (`0123` must not become 83)."""

    yaml_implicit_resolvers: dict[str | None, list[tuple[str, re.Pattern[str]]]] = {}


_TextLoader.add_implicit_resolver(_NULL_TAG, _CORE_NULL, ["~", "n", "N", ""])


def _core_int(text: str) -> int:
    sign = -1 if text.startswith("-") else 1
    digits = text.lstrip("+-")
    if digits.startswith("0o"):
        return int(digits[2:], 8)
    if digits.startswith("0x"):
        return int(digits[2:], 16)
    return sign * int(digits, 10)


def _core_float(text: str) -> float:
    lowered = text.lower()
    if lowered.endswith(".inf"):
        return float("-inf") if lowered.startswith("-") else float("inf")
    if lowered == ".nan":
        return float("nan")
    return float(text)


class _Tagged(yaml.constructor.SafeConstructor, yaml.resolver.Resolver):
    """The safe constructor with the YAML 1.2 core schema, building YamlMap/YamlList with
    origins, rejecting duplicate keys, resolving tags: what both loaders below build with."""

    yaml_implicit_resolvers: dict[str | None, list[tuple[str, re.Pattern[str]]]] = {}
    path: Path
    env: Mapping[str, str]
    secrets: Secrets

    def origin(self, node: yaml.Node) -> Origin:
        return Origin(file=str(self.path), line=node.start_mark.line + 1)


class _Loader(_Tagged, yaml.SafeLoader):
    """On PyYAML's own parser (Python): the one whose error messages `read_yaml` reports."""


class _Reading(Protocol):
    """A loader of either parser, as `read_yaml` drives it."""

    path: Path
    env: Mapping[str, str]
    secrets: Secrets

    def get_single_data(self) -> Any: ...

    def dispose(self) -> None: ...


# libyaml's parser (C), when PyYAML was built with it (its wheels are): the same nodes and
# positions as PyYAML's own, about ten times faster (3 ms less for each config file read).
_FAST_LOADER: Callable[[str], _Reading] = _Loader
if yaml.__with_libyaml__:

    class _CLoader(_Tagged, yaml.CSafeLoader):
        """On libyaml's parser."""

    _FAST_LOADER = _CLoader


def _construct_map(loader: _Tagged, node: yaml.MappingNode) -> YamlMap:
    seen: dict[object, int] = {}
    for key_node, _ in node.value:
        if key_node.tag == _MERGE_TAG:
            continue
        key = loader.construct_object(key_node, deep=True)
        if isinstance(key, (dict, list)):
            raise ConfigError(f"{loader.origin(key_node)}: mapping keys must be plain values")
        if key in seen:
            raise ConfigError(
                f"{loader.origin(key_node)}: duplicate key {key!r} (first written at line {seen[key]})"
            )
        seen[key] = key_node.start_mark.line + 1
    loader.flatten_mapping(node)
    result = YamlMap(loader.origin(node))
    for key_node, value_node in node.value:
        key = str(loader.construct_object(key_node, deep=True))
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_origins[key] = loader.origin(key_node)
    return result


def _construct_list(loader: _Tagged, node: yaml.SequenceNode) -> YamlList:
    result = YamlList(loader.origin(node))
    for item in node.value:
        result.add(loader.construct_object(item, deep=True), loader.origin(item))
    return result


def _scalar_text(loader: _Tagged, node: yaml.Node, kind: str) -> str:
    if not isinstance(node, yaml.ScalarNode):
        raise ConfigError(f"{loader.origin(node)}: !!{kind} needs a plain value")
    return str(node.value)


def _construct_int(loader: _Tagged, node: yaml.Node) -> YamlInt:
    text = _scalar_text(loader, node, "int")
    if not _CORE_INT.match(text):
        raise ConfigError(f"{loader.origin(node)}: {text!r} is not an integer")
    number = YamlInt(_core_int(text))
    number.source = text
    return number


def _construct_float(loader: _Tagged, node: yaml.Node) -> YamlFloat:
    text = _scalar_text(loader, node, "float")
    if not (_CORE_FLOAT.match(text) or _CORE_INT.match(text)):
        raise ConfigError(f"{loader.origin(node)}: {text!r} is not a number")
    number = YamlFloat(_core_int(text) if _CORE_INT.match(text) else _core_float(text))
    number.source = text
    return number


def _tag_argument(loader: _Tagged, node: yaml.Node, tag: str) -> str:
    if not isinstance(node, yaml.ScalarNode) or not str(node.value).strip():
        raise ConfigError(f"{loader.origin(node)}: {tag} needs a name after it")
    return str(node.value).strip()


def _construct_secret(loader: _Tagged, node: yaml.Node) -> Sensitive:
    name = _tag_argument(loader, node, "!secret")
    value = loader.secrets.get(name)
    if value is None:
        raise ConfigError(f"{loader.origin(node)}: secret {name!r} is not defined in any secrets file")
    return Sensitive(value)


def _construct_env(loader: _Tagged, node: yaml.Node) -> Sensitive:
    name = _tag_argument(loader, node, "!env")
    value = loader.env.get(name, "")
    if not value:
        raise ConfigError(f"{loader.origin(node)}: environment variable {name!r} is not set or empty")
    return Sensitive(value)


def _construct_env_var(loader: _Tagged, node: yaml.Node) -> Sensitive:
    name, _, default = _tag_argument(loader, node, "!env_var").partition(" ")
    if default.strip() in ('""', "''"):
        return Sensitive(loader.env.get(name, ""))
    value = loader.env.get(name, "") or default.strip()
    if not value:
        raise ConfigError(
            f"{loader.origin(node)}: environment variable {name!r} is not set and has no default"
        )
    return Sensitive(value)


def _construct_file(loader: _Tagged, node: yaml.Node) -> Sensitive:
    target = Path(_tag_argument(loader, node, "!file")).expanduser()
    if not target.is_absolute():
        target = loader.path.parent / target
    try:
        return Sensitive(target.read_text(encoding="utf-8").strip())
    except OSError as exc:
        raise ConfigError(f"{loader.origin(node)}: !file {target}: {exc.strerror}") from exc


# The YAML 1.2 core schema's implicit types; int before float, since `17` matches both.
_Tagged.add_implicit_resolver(_NULL_TAG, _CORE_NULL, ["~", "n", "N", ""])
_Tagged.add_implicit_resolver(_BOOL_TAG, _CORE_BOOL, list("tTfF"))
_Tagged.add_implicit_resolver(_INT_TAG, _CORE_INT, _DIGITS)
_Tagged.add_implicit_resolver(_FLOAT_TAG, _CORE_FLOAT, [*_DIGITS, "."])
_Tagged.add_implicit_resolver(_MERGE_TAG, re.compile(r"^(?:<<)$"), ["<"])
_Tagged.yaml_constructors = {
    **_Tagged.yaml_constructors,
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG: _construct_map,
    yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG: _construct_list,
    _INT_TAG: _construct_int,
    _FLOAT_TAG: _construct_float,
    "!secret": _construct_secret,
    "!env": _construct_env,
    "!env_var": _construct_env_var,
    "!file": _construct_file,
}


def read_yaml(path: Path, *, env: Mapping[str, str], secrets: Secrets) -> Any:
    """Parse one YAML file into YamlMap/YamlList/scalars with every tag resolved."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config file: {exc.strerror}") from exc
    try:
        return _load(_FAST_LOADER, text, path=path, env=env, secrets=secrets)
    except yaml.YAMLError:
        pass  # read again below, for the error as PyYAML's own parser words and places it
    try:
        return _load(_Loader, text, path=path, env=env, secrets=secrets)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        raise ConfigError(f"{where}: invalid YAML: {exc.problem or exc.context}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: invalid YAML: {exc}") from exc


def _load(
    loader_type: Callable[[str], _Reading],
    text: str,
    *,
    path: Path,
    env: Mapping[str, str],
    secrets: Secrets,
) -> Any:
    loader = loader_type(text)
    loader.path, loader.env, loader.secrets = path, env, secrets
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()
