"""Reads a TRaSH Guides checkout into typed catalogs (file reads only, no git, no network).

Where the JSON lives is not hard-coded: `<root>/metadata.json` lists, per service, the paths of
each kind of resource (`json_paths.<service>.<kind>`), as Recyclarr reads it. A listed path may be
a folder (every `*.json` below it, recursively, in sorted order) or a single file. A listed path
that does not exist is skipped with a warning. Within one kind a later file with the same
trash_id replaces an earlier one (also warned). Every error names the file it comes from.

One bad guide file does not make the guide unusable: a file that is malformed JSON, lacks its
trash_id or does not fit its model is skipped and listed in the catalog's `broken` (with its
trash_id when it still names one); what that means for each instance is the resolver's call.
Only a missing or malformed `metadata.json` is a `GuideError`.

Local custom formats (user-written TRaSH-shaped CF JSON) are read by
`load_local_custom_formats`; see its docstring for the folder layout rule.

`load_cached` keeps the parsed catalogs of a revision on disk (a pickle in the state dir, keyed
by the revision and by the code that parses), so an unchanged guide is not parsed again; a
service's catalog is unpickled only when a run asks for it.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import pickle
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from syncd.errors import GuideError
from syncd.guides.model import (
    GuideBrokenFile,
    GuideCatalog,
    GuideCfGroup,
    GuideCustomFormat,
    GuideNaming,
    GuideQualityDefinition,
    GuideQualityProfile,
    GuideSet,
)
from syncd.logger import get_logger

_log = get_logger()

SERVICES = ("sonarr", "radarr")
_M = TypeVar("_M", bound=BaseModel)
_T = TypeVar("_T")


def load_catalogs(root: Path, *, revision: str = "") -> GuideSet:
    """Parse the checkout at `root` into one catalog per service."""
    metadata_file = root / "metadata.json"
    if not metadata_file.is_file():
        raise GuideError(f"{metadata_file}: not found; is {root} a TRaSH Guides checkout?")
    json_paths = _read_object(metadata_file).get("json_paths")
    if not isinstance(json_paths, dict):
        raise GuideError(f"{metadata_file}: no `json_paths` object")
    sonarr, radarr = (
        _load_service(root, service, _paths_of(json_paths, service, metadata_file)) for service in SERVICES
    )
    return GuideSet(revision=revision, sonarr=sonarr, radarr=radarr)


_CACHE_KEEP = 3
# The cache is only as valid as the code that parsed it: any change to the models or the
# parser makes a new key, so an upgraded syncd never reads an old shape.
_CODE_KEY = hashlib.sha256(
    Path(__file__).read_bytes() + Path(__file__).with_name("model.py").read_bytes()
).hexdigest()


def load_cached(root: Path, *, revision: str, cache_dir: Path) -> GuideSet:
    """`load_catalogs`, read from `cache_dir` when this revision was parsed before.

    Each service's catalog is pickled apart and unpickled only when first asked for (see
    `GuideSet`). The newest few revisions are kept (the daemon may fall back to an older one);
    a cache file that cannot be read is ignored and rewritten."""
    key = hashlib.sha256(f"{revision}\0{_CODE_KEY}".encode()).hexdigest()[:32]
    path = cache_dir / f"catalog-{key}.pickle"
    try:
        with path.open("rb") as cached_file:
            cached = pickle.load(cached_file)
        if isinstance(cached, _Cached) and cached.revision == revision:
            os.utime(path)
            return cached.guides()
    except FileNotFoundError:
        pass
    except (
        OSError,
        pickle.UnpicklingError,
        EOFError,
        AttributeError,
        ImportError,
        TypeError,
        ValueError,
    ) as exc:
        _log.warning("guides.cache_unreadable", path=str(path), error=str(exc))
    guides = load_catalogs(root, revision=revision)
    _store(cache_dir, path, guides)
    return guides


@dataclass(frozen=True)
class _Cached:
    """A cache file: the revision, the files broken in it, and each service's catalog pickled."""

    revision: str
    broken: tuple[GuideBrokenFile, ...]
    sonarr: bytes
    radarr: bytes

    @classmethod
    def of(cls, guides: GuideSet) -> _Cached:
        sonarr, radarr = (
            pickle.dumps(guides.for_service(s), protocol=pickle.HIGHEST_PROTOCOL) for s in SERVICES
        )
        return cls(guides.revision, guides.broken, sonarr, radarr)

    def guides(self) -> GuideSet:
        return GuideSet(
            revision=self.revision,
            sonarr=functools.partial(_unpickle_catalog, self.sonarr),
            radarr=functools.partial(_unpickle_catalog, self.radarr),
            broken=self.broken,
        )


def _unpickle_catalog(data: bytes) -> GuideCatalog:
    catalog = pickle.loads(data)
    if not isinstance(catalog, GuideCatalog):
        raise TypeError(f"the guide cache holds a {type(catalog).__name__}, not a catalog")
    return catalog


def _store(cache_dir: Path, path: Path, guides: GuideSet) -> None:
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cache_dir, prefix=".catalog-", suffix=".tmp")
        with os.fdopen(fd, "wb") as out:
            pickle.dump(_Cached.of(guides), out, protocol=pickle.HIGHEST_PROTOCOL)
        Path(tmp).replace(path)
        older = sorted(cache_dir.glob("catalog-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
        for stale in older[_CACHE_KEEP:]:
            stale.unlink(missing_ok=True)
    except OSError as exc:  # a read-only state dir costs a re-parse next time, nothing more
        _log.warning("guides.cache_unwritable", path=str(cache_dir), error=str(exc))


def load_local_custom_formats(folders: Sequence[Path], service: str) -> dict[str, GuideCustomFormat]:
    """Read user-provided custom formats for `service` from `folders`, keyed by trash_id.

    Layout rule, per folder: if it has a `sonarr/` or `radarr/` subfolder it is split by service
    and only `<folder>/<service>/**/*.json` is read; otherwise it is flat and every
    `<folder>/**/*.json` is taken to be for `service`. Later folders win on the same trash_id.
    `source` is the file's path as found under the given folder.
    """
    result: dict[str, GuideCustomFormat] = {}
    for folder in folders:
        if not folder.is_dir():
            raise GuideError(f"{folder}: local custom format folder not found")
        split = any((folder / name).is_dir() for name in SERVICES)
        base = folder / service if split else folder
        files = sorted(base.rglob("*.json")) if base.is_dir() else []
        for path in files:
            custom_format = _parse(path, str(path), GuideCustomFormat)
            result[custom_format.trash_id] = custom_format
    return result


def _paths_of(json_paths: Mapping[str, Any], service: str, metadata_file: Path) -> Mapping[str, list[str]]:
    kinds = json_paths.get(service, {})
    valid = isinstance(kinds, dict) and all(
        isinstance(paths, list) and all(isinstance(p, str) for p in paths) for paths in kinds.values()
    )
    if not valid:
        raise GuideError(f"{metadata_file}: json_paths.{service} must map each kind to a list of paths")
    checked: Mapping[str, list[str]] = kinds
    return checked


def _load_service(root: Path, service: str, paths: Mapping[str, list[str]]) -> GuideCatalog:
    broken: list[GuideBrokenFile] = []

    def files(kind: str) -> list[tuple[Path, str]]:
        return list(_json_files(root, paths.get(kind, []), f"{service}.{kind}"))

    def readable(kind: str, read: Callable[[Path, str], _T]) -> Iterator[_T]:
        for path, rel in files(kind):
            try:
                yield read(path, rel)
            except GuideError as exc:
                broken.append(_broken(path, rel, kind, exc))

    sizes: dict[str, GuideQualityDefinition] = {}
    for definition in readable("qualities", lambda path, rel: _parse(path, rel, GuideQualityDefinition)):
        sizes[definition.type] = definition
    sections: dict[str, Any] = {}
    for section in readable("naming", lambda path, _rel: _read_object(path)):
        sections.update(section)
    conflicts = tuple(
        conflict
        for found in readable("conflicts", lambda path, _rel: tuple(_conflicts(path)))
        for conflict in found
    )

    def index(kind: str, model: type[_Indexed], reshape: _Reshape | None = None) -> dict[str, _Indexed]:
        items = readable(kind, lambda path, rel: _parse(path, rel, model, reshape))
        return _index(items, service)

    catalog = GuideCatalog(
        service=service,
        custom_formats=index("custom_formats", GuideCustomFormat),
        cf_groups=index("custom_format_groups", GuideCfGroup, _flatten_group),
        quality_profiles=index("quality_profiles", GuideQualityProfile),
        quality_definitions=sizes,
        naming=GuideNaming(sections=sections),
        conflicts=conflicts,
    )
    for bad in broken:
        _log.warning("guides.broken_file", service=service, kind=bad.kind, path=bad.path, error=bad.error)
    return catalog.model_copy(update={"broken": tuple(broken)})


def _broken(path: Path, rel: str, kind: str, exc: GuideError) -> GuideBrokenFile:
    """What is known of an unreadable file: its error and, if it still names one, its trash_id."""
    error = str(exc).removeprefix(f"{path}: ")
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError):
        data = None
    trash_id = data.get("trash_id") if isinstance(data, dict) else None
    return GuideBrokenFile(
        path=rel,
        kind=kind,
        error=error,
        trash_id=trash_id if isinstance(trash_id, str) and trash_id else None,
    )


_Indexed = TypeVar("_Indexed", GuideCustomFormat, GuideCfGroup, GuideQualityProfile)
_Reshape = Callable[[dict[str, Any], Path], dict[str, Any]]


def _index(items: Iterator[_Indexed], service: str) -> dict[str, _Indexed]:
    result: dict[str, _Indexed] = {}
    for item in items:
        if item.trash_id in result:
            _log.warning(
                "guides.duplicate_trash_id",
                service=service,
                trash_id=item.trash_id,
                kept=item.source,
                dropped=result[item.trash_id].source,
            )
        result[item.trash_id] = item
    return result


def _flatten_group(data: dict[str, Any], path: Path) -> dict[str, Any]:
    """CF groups nest their profile lists: `quality_profiles: {include: {...}, exclude: {...}}`."""
    profiles = data.pop("quality_profiles", None) or {}
    if not isinstance(profiles, dict):
        raise GuideError(f"{path}: `quality_profiles` must be an object")
    data["include_profiles"] = profiles.get("include") or {}
    data["exclude_profiles"] = profiles.get("exclude") or {}
    return data


def _conflicts(path: Path) -> Iterator[tuple[str, ...]]:
    sets = _read_object(path).get("custom_formats", [])
    if not isinstance(sets, list) or not all(isinstance(s, dict) for s in sets):
        raise GuideError(f"{path}: `custom_formats` must be a list of objects keyed by trash_id")
    for conflict in sets:
        yield tuple(conflict)


def _parse(path: Path, source: str, model: type[_M], reshape: _Reshape | None = None) -> _M:
    """Read `path` into `model`, recording `source`; errors name the file."""
    data = _read_object(path)
    if reshape is not None:
        data = reshape(data, path)
    data["source"] = source
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error['loc']) or '(root)'}: {error['msg']}"
            for error in exc.errors()[:3]
        )
        raise GuideError(f"{path}: not a valid {model.__name__}: {problems}") from exc


def _read_object(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_bytes())
    except OSError as exc:
        raise GuideError(f"{path}: cannot read: {exc.strerror}") from exc
    except ValueError as exc:
        raise GuideError(f"{path}: malformed JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise GuideError(f"{path}: expected a JSON object")
    return data


def _json_files(root: Path, listed: list[str], what: str) -> Iterator[tuple[Path, str]]:
    """(path, path relative to root) of each JSON file a metadata entry points at."""
    for entry in listed:
        base = root / entry
        if base.is_file():
            yield base, entry
        elif base.is_dir():
            for path in sorted(base.rglob("*.json")):
                yield path, path.relative_to(root).as_posix()
        else:
            _log.warning("guides.path_missing", kind=what, path=entry)
