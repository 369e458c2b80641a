"""Loading a config file of any dialect into the normalized `Config`: the entry point of `syncd.config`.

`load_config` reads the file (tags and secrets resolved by `yamlfile`), decides the dialect
(`detect`), resolves each instance's `include:` entries (Recyclarr `template`/`config`,
Configarr `template` with optional `source`, syncd `preset`), merges them (`merge`), hands the
result to the dialect's parser, and finally applies the `SYNCD_*` environment overrides. It
does not check trash_ids against the guides; `syncd.desired` does that.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from pydantic import SecretStr

from syncd.config import detect, merge, presets, references
from syncd.config.dialects import Document, InstanceNode, as_list, check_keys, fail, get_str, list_maps
from syncd.config.dialects import configarr as cfg_dialect
from syncd.config.dialects import recyclarr as rec_dialect
from syncd.config.dialects import syncd as syncd_dialect
from syncd.config.model import (
    Config,
    Dialect,
    GuidesConfig,
    GuideSource,
    InstanceConfig,
    Mode,
    NotifyConfig,
    NotifyLevel,
    Origin,
    PlexConfig,
    ProwlarrConfig,
    QbittorrentConfig,
)
from syncd.config.yamlfile import Secrets, YamlMap, read_yaml
from syncd.errors import ConfigError
from syncd.logger import get_logger

log = get_logger(__name__)

DEFAULT_STATE_DIR_NAME = ".syncd"
INCLUDE_FORBIDDEN_KEYS = ("base_url", "api_key", "include")
TEMPLATE_SUFFIXES = (".yml", ".yaml")


class TemplateLookup(Protocol):
    """Finds include templates in the config-templates repo (`syncd.guides.templates.TemplateIndex`)."""

    def include_path(self, service: str, template_id: str) -> Path | None:
        """The file of include `template_id` (Recyclarr id or Configarr file name), if any."""
        ...


@dataclass(frozen=True)
class GuideSettings:
    """Where the guides come from and where state lives, known before any include is resolved."""

    dialect: Dialect
    guides: GuidesConfig
    state_dir: Path


RECYCLARR_MAIN_FILES = ("recyclarr.yml", "recyclarr.yaml")


def config_files(path: Path) -> tuple[Path, ...]:
    """The files a config path stands for: the file itself, or for a folder Recyclarr's layout,
    `recyclarr.yml` then every `configs/*.yml` in name order."""
    if not path.is_dir():
        return (path,)
    main = [path / name for name in RECYCLARR_MAIN_FILES if (path / name).is_file()]
    configs = path / "configs"
    extra = sorted(p for p in configs.iterdir() if p.suffix in TEMPLATE_SUFFIXES) if configs.is_dir() else []
    files = tuple(main + [p for p in extra if p.is_file()])
    if not files:
        raise ConfigError(f"{path}: a config folder needs recyclarr.yml or configs/*.yml")
    return files


def _anchor(path: Path) -> Path:
    """A file path whose folder is the config folder: secrets, includes and state hang off it."""
    return path / RECYCLARR_MAIN_FILES[0] if path.is_dir() else path


def peek_guides(path: Path, *, env: Mapping[str, str], dialect: Dialect | None = None) -> GuideSettings:
    """The guide sources and state dir of `path` (env overrides applied), without resolving includes.

    The caller needs these to fetch the templates repo that `load_config` may then consult.
    For a folder, the first file decides.
    """
    first = config_files(path)[0]
    chosen, document, _ = _read_document(first, env, dialect, secrets_beside=_anchor(path))
    return _guide_settings(chosen, document, _anchor(path), env)


def load_config(
    path: Path,
    *,
    env: Mapping[str, str],
    templates: TemplateLookup | None = None,
    dialect: Dialect | None = None,
) -> Config:
    """Read `path` into a `Config`. `templates=None` means no templates repo is available.

    `path` is one file, or a folder laid out as Recyclarr's config folder (`recyclarr.yml` plus
    `configs/*.yml`): its files are read alike, their instances must have unique names (and,
    in Recyclarr's dialect, unique base_urls) across all of them, and the first file's guide
    sources, schedule, mode and notify settings apply. Secrets and `includes/` are looked up in the folder.
    """
    anchor = _anchor(path)
    settings = peek_guides(path, env=env, dialect=dialect)
    instances: list[InstanceConfig] = []
    torrents: list[QbittorrentConfig] = []
    prowlarrs: list[ProwlarrConfig] = []
    plexes: list[PlexConfig] = []
    first_document: Document | None = None
    for file in config_files(path):
        chosen, document, secrets = _read_document(file, env, dialect, secrets_beside=anchor)
        if chosen is not settings.dialect:
            raise ConfigError(
                f"{file}: reads as a {chosen.value} file, but {config_files(path)[0]} is {settings.dialect.value}; "
                "a config folder holds one format"
            )
        first_document = first_document or document
        includes = _Includes(chosen, anchor.parent, env, secrets, templates, document.guides.local_templates)
        instances.extend(
            _parse_instance(chosen, InstanceNode(inst.service, inst.name, includes.merged(inst)), secrets)
            for inst in document.instances
        )
        torrents.extend(document.qbittorrent)
        prowlarrs.extend(document.prowlarr)
        plexes.extend(document.plex)
    assert first_document is not None
    if settings.dialect is Dialect.RECYCLARR:
        _check_unique(tuple(instances))
    config = Config(
        dialect=settings.dialect,
        path=path,
        guides=settings.guides,
        state_dir=settings.state_dir,
        schedule=first_document.schedule,
        mode=_mode_with_env(first_document.mode, env),
        notify=_notify_with_env(first_document.notify, env),
        instances=tuple(instances),
        qbittorrent=tuple(torrents),
        prowlarr=tuple(prowlarrs),
        plex=tuple(plexes),
    )
    references.check(config)
    return config


def _read_document(
    path: Path, env: Mapping[str, str], dialect: Dialect | None, *, secrets_beside: Path
) -> tuple[Dialect, Document, Secrets]:
    secrets = Secrets.for_config(secrets_beside, env)
    raw = read_yaml(path, env=env, secrets=secrets)
    if raw is None:
        raw = YamlMap(Origin(file=str(path), line=1))
    if not isinstance(raw, YamlMap):
        fail(Origin(file=str(path), line=1), "a config file must be a mapping at the top level")
    chosen = detect.detect_dialect(raw, override=dialect)
    log.debug("config.dialect", dialect=chosen.value, path=str(path))
    if chosen is Dialect.SYNCD:
        return chosen, syncd_dialect.read_document(raw, config_dir=path.parent), secrets
    if chosen is Dialect.CONFIGARR:
        return chosen, cfg_dialect.read_document(raw, config_dir=path.parent), secrets
    return chosen, rec_dialect.read_document(raw), secrets


def _guide_settings(
    dialect: Dialect, document: Document, path: Path, env: Mapping[str, str]
) -> GuideSettings:
    state_dir = env.get("SYNCD_STATE_DIR")
    return GuideSettings(
        dialect=dialect,
        guides=_guides_with_env(document.guides, env),
        state_dir=Path(state_dir)
        if state_dir
        else document.state_dir or path.parent / DEFAULT_STATE_DIR_NAME,
    )


def default_guide_settings(*, env: Mapping[str, str], cwd: Path) -> GuideSettings:
    """The guide sources and state dir when there is no config: the defaults, env overrides
    applied, state in `.syncd` under `cwd` (or `SYNCD_STATE_DIR`)."""
    state_dir = env.get("SYNCD_STATE_DIR")
    return GuideSettings(
        dialect=Dialect.SYNCD,
        guides=_guides_with_env(GuidesConfig(), env),
        state_dir=Path(state_dir) if state_dir else cwd / DEFAULT_STATE_DIR_NAME,
    )


def _parse_instance(dialect: Dialect, inst: InstanceNode, secrets: Secrets) -> InstanceConfig:
    if dialect is Dialect.SYNCD:
        return syncd_dialect.parse_instance(inst, secret=secrets.get)
    if dialect is Dialect.CONFIGARR:
        return cfg_dialect.parse_instance(inst)
    return rec_dialect.parse_instance(inst, secret=secrets.get)


def _guides_with_env(guides: GuidesConfig, env: Mapping[str, str]) -> GuidesConfig:
    def source(current: GuideSource, url_var: str, ref_var: str) -> GuideSource:
        return GuideSource(url=env.get(url_var) or current.url, ref=env.get(ref_var) or current.ref)

    return guides.model_copy(
        update={
            "trash": source(guides.trash, "SYNCD_TRASH_GUIDES_URL", "SYNCD_TRASH_GUIDES_REF"),
            "templates": source(guides.templates, "SYNCD_TEMPLATES_URL", "SYNCD_TEMPLATES_REF"),
        }
    )


def _mode_with_env(mode: Mode, env: Mapping[str, str]) -> Mode:
    value = env.get("SYNCD_MODE", "").strip()
    if not value:
        return mode
    try:
        return Mode(value)
    except ValueError:
        raise ConfigError(f"SYNCD_MODE must be 'apply' or 'plan', got {value!r}") from None


def _notify_with_env(notify: NotifyConfig, env: Mapping[str, str]) -> NotifyConfig:
    """`SYNCD_NOTIFY_URLS` (space- or comma-separated) replaces `notify.urls`; `SYNCD_NOTIFY_LEVEL`
    the level. They give Recyclarr and Configarr files, which have no `notify:`, notifications."""
    urls = [u for u in re.split(r"[\s,]+", env.get("SYNCD_NOTIFY_URLS", "")) if u]
    level = env.get("SYNCD_NOTIFY_LEVEL", "").strip()
    update: dict[str, object] = {}
    if urls:
        update["urls"] = tuple(SecretStr(u) for u in urls)
    if level:
        try:
            update["level"] = NotifyLevel(level)
        except ValueError:
            allowed = ", ".join(repr(c.value) for c in NotifyLevel)
            raise ConfigError(f"SYNCD_NOTIFY_LEVEL must be one of {allowed}, got {level!r}") from None
    return notify.model_copy(update=update) if update else notify


def _check_unique(instances: tuple[InstanceConfig, ...]) -> None:
    """Recyclarr refuses duplicate instance names and two instances on one base_url."""
    names: dict[str, InstanceConfig] = {}
    urls: dict[str, InstanceConfig] = {}
    for inst in instances:
        first = names.setdefault(inst.name.lower(), inst)
        if first is not inst:
            fail(
                inst.origin, f"instance name {inst.name!r} is also used by {first.address} at {first.origin}"
            )
        first = urls.setdefault(inst.base_url.lower(), inst)
        if first is not inst:
            fail(
                inst.origin,
                f"{inst.address} and {first.address} (at {first.origin}) use the same base_url; "
                "split instances are not allowed",
            )


class _Includes:
    """Resolves one dialect's `include:` entries to fragments and merges them into the instance."""

    def __init__(
        self,
        dialect: Dialect,
        config_dir: Path,
        env: Mapping[str, str],
        secrets: Secrets,
        templates: TemplateLookup | None,
        local_templates: Path | None,
    ) -> None:
        self.dialect = dialect
        self.config_dir = config_dir
        self.env = env
        self.secrets = secrets
        self.templates = templates
        self.local_templates = local_templates

    def merged(self, inst: InstanceNode) -> YamlMap:
        entries = list_maps(
            as_list(inst.node.get("include"), inst.node.origin_of("include"), "include"), "include"
        )
        fragments = [f for f in (self._fragment(inst, entry) for entry in entries) if f is not None]
        return merge.merge_instance(fragments, inst.node)

    def _fragment(self, inst: InstanceNode, entry: YamlMap) -> YamlMap | None:
        if self.dialect is Dialect.CONFIGARR:
            return self._configarr_fragment(inst, entry)
        forms = ("template", "config", "preset") if self.dialect is Dialect.SYNCD else ("template", "config")
        check_keys(entry, forms, strict=True, where="an include entry")
        if len(entry) != 1:
            fail(entry.origin, f"an include entry takes exactly one of: {', '.join(forms)}")
        form = next(iter(entry))
        value = get_str(entry, form) or fail(entry.origin, f"include {form!r} needs a value")
        origin = entry.origin_of(form)
        if form == "template":
            return self._read(self._template(inst, value, origin), origin)
        if form == "preset":
            try:
                return self._read(presets.preset_path(value), origin)
            except ConfigError as exc:
                raise ConfigError(f"{origin}: {exc}") from exc
        return self._read(self._config_file(value, origin), origin)

    def _configarr_fragment(self, inst: InstanceNode, entry: YamlMap) -> YamlMap | None:
        check_keys(entry, ("template", "source", "preferred_ratio"), strict=False, where="an include entry")
        name = get_str(entry, "template") or fail(entry.origin, "an include entry needs 'template'")
        source = (get_str(entry, "source") or "").upper()
        origin = entry.origin_of("template")
        if source == "TRASH":
            return cfg_dialect.trash_include_fragment(entry, inst.service)
        if source not in ("", "RECYCLARR"):
            fail(entry.origin_of("source"), "include source must be TRASH or RECYCLARR")
        if name.startswith(("http://", "https://")):
            log.warning("config.include.url_unsupported", origin=str(origin))
            return None
        if not source and self.local_templates is not None:
            for suffix in TEMPLATE_SUFFIXES:
                local = self.local_templates / f"{name}{suffix}"
                if local.is_file():
                    return self._read(local, origin)
        return self._read(self._template(inst, name, origin), origin)

    def _template(self, inst: InstanceNode, template_id: str, origin: Origin) -> Path:
        if self.templates is None:
            fail(
                origin, f"include template {template_id!r} cannot be resolved: no templates repo is available"
            )
        found = self.templates.include_path(inst.service, template_id)
        if found is None:
            fail(
                origin,
                f"include template {template_id!r} is not in the {inst.service} templates of the templates repo",
            )
        return found

    def _config_file(self, value: str, origin: Origin) -> Path:
        written = Path(value).expanduser()
        candidates = (
            [written]
            if written.is_absolute()
            else [self.config_dir / written, self.config_dir / "includes" / written]
        )
        for candidate in candidates:
            if candidate.is_file():
                return candidate
        return fail(
            origin, f"include config file {value!r} not found (looked at {', '.join(map(str, candidates))})"
        )

    def _read(self, path: Path, origin: Origin) -> YamlMap:
        fragment = read_yaml(path, env=self.env, secrets=self.secrets)
        if fragment is None:
            return YamlMap(Origin(file=str(path), line=1))
        if not isinstance(fragment, YamlMap):
            fail(origin, f"included file {path} must be a mapping of instance keys")
        for key in INCLUDE_FORBIDDEN_KEYS:
            if key in fragment:
                fail(
                    fragment.origin_of(key), f"an included file may not set {key!r} (included from {origin})"
                )
        return fragment
