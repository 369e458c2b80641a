"""The three config dialects (syncd, Recyclarr, Configarr) and the typed node readers they share.

Each dialect module turns parsed YAML (`YamlMap`s from `syncd.config.yamlfile`) into the
normalized models of `syncd.config.model`, following that tool's meaning of each key. The readers
here check types and raise `ConfigError`s naming file:line; they never print a value that came
from a secret. Pure: no file I/O.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from syncd.config.model import (
    GuidesConfig,
    Mode,
    NotifyConfig,
    Origin,
    PlexConfig,
    ProwlarrConfig,
    QbittorrentConfig,
    ScheduleConfig,
    Service,
    TrashRef,
)
from syncd.config.yamlfile import YamlList, YamlMap, show, source_text
from syncd.errors import ConfigError
from syncd.logger import get_logger

log = get_logger(__name__)

SERVICES: tuple[Service, ...] = ("sonarr", "radarr")
UNSUPPORTED_SERVICES = ("whisparr", "readarr", "lidarr")


@dataclass(frozen=True)
class InstanceNode:
    """One instance as written: its service, name and (after includes) its merged mapping."""

    service: Service
    name: str
    node: YamlMap


@dataclass(frozen=True)
class Document:
    """The top level of a config file, before includes are applied to its instances."""

    instances: tuple[InstanceNode, ...]
    guides: GuidesConfig = field(default_factory=GuidesConfig)
    state_dir: Path | None = None
    schedule: ScheduleConfig = field(default_factory=ScheduleConfig)
    qbittorrent: tuple[QbittorrentConfig, ...] = ()
    prowlarr: tuple[ProwlarrConfig, ...] = ()
    plex: tuple[PlexConfig, ...] = ()
    mode: Mode = Mode.APPLY
    notify: NotifyConfig = field(default_factory=NotifyConfig)


def fail(origin: Origin, message: str) -> NoReturn:
    raise ConfigError(f"{origin}: {message}")


def type_name(value: object) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"{show(value)}"


def check_keys(node: YamlMap, allowed: Iterable[str], *, strict: bool, where: str) -> None:
    """Unknown keys are errors when `strict` (syncd, Recyclarr), else warnings (Configarr)."""
    known = set(allowed)
    for key in node:
        if key in known:
            continue
        if strict:
            fail(node.origin_of(key), f"unknown key {key!r} in {where}")
        log.warning("config.key.ignored", key=key, where=where, origin=str(node.origin_of(key)))


def as_map(value: Any, origin: Origin, what: str) -> YamlMap:
    """`value` as a mapping; an empty value (`key:` with nothing after it) is an empty mapping."""
    if value is None:
        return YamlMap(origin)
    if not isinstance(value, YamlMap):
        fail(origin, f"{what} must be a mapping, got {type_name(value)}")
    return value


def as_list(value: Any, origin: Origin, what: str) -> YamlList:
    if value is None:
        return YamlList(origin)
    if not isinstance(value, YamlList):
        fail(origin, f"{what} must be a list, got {type_name(value)}")
    return value


def get_map(node: YamlMap, key: str) -> YamlMap | None:
    if node.get(key) is None:
        return None
    return as_map(node[key], node.origin_of(key), key)


def get_list(node: YamlMap, key: str) -> YamlList:
    return as_list(node.get(key), node.origin_of(key), key)


def list_maps(items: YamlList, what: str) -> list[YamlMap]:
    """Every item of `items` as a mapping."""
    return [as_map(item, items.origin_of(i), f"each {what} entry") for i, item in enumerate(items)]


def scalar_str(value: Any, origin: Origin, what: str) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        fail(origin, f"{what} must be a text value, got {type_name(value)}")
    return value if isinstance(value, str) else source_text(value)


def get_str(node: YamlMap, key: str) -> str | None:
    value = node.get(key)
    return None if value is None else scalar_str(value, node.origin_of(key), key)


def require_str(node: YamlMap, key: str, where: str) -> str:
    value = get_str(node, key)
    if not value:
        fail(node.origin, f"{where} needs {key!r}")
    return value


def get_bool(node: YamlMap, key: str) -> bool | None:
    value = node.get(key)
    if value is None or isinstance(value, bool):
        return value
    fail(node.origin_of(key), f"{key} must be true or false, got {type_name(value)}")


def get_int(node: YamlMap, key: str) -> int | None:
    value = node.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        fail(node.origin_of(key), f"{key} must be a whole number, got {type_name(value)}")
    return value


def get_float(node: YamlMap, key: str) -> float | None:
    value = node.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        fail(node.origin_of(key), f"{key} must be a number, got {type_name(value)}")
    return float(value)


def get_str_list(node: YamlMap, key: str) -> tuple[str, ...]:
    items = get_list(node, key)
    return tuple(scalar_str(v, items.origin_of(i), f"each {key} entry") for i, v in enumerate(items))


def get_trash_refs(node: YamlMap, key: str) -> tuple[TrashRef, ...]:
    items = get_list(node, key)
    return tuple(
        TrashRef(trash_id=scalar_str(v, items.origin_of(i), f"each {key} entry"), origin=items.origin_of(i))
        for i, v in enumerate(items)
        if v is not None
    )


def to_plain(node: YamlMap) -> dict[str, Any]:
    """A raw API passthrough map as plain dicts and lists (positions dropped)."""

    def convert(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: convert(v) for k, v in value.items()}
        if isinstance(value, list):
            return [convert(v) for v in value]
        return value

    return {k: convert(v) for k, v in node.items()}


def warn_unsupported_services(document: YamlMap) -> None:
    for service in UNSUPPORTED_SERVICES:
        if service in document:
            log.warning(
                "config.service.unsupported", service=service, origin=str(document.origin_of(service))
            )


def instance_nodes(document: YamlMap, service: Service) -> list[tuple[str, YamlMap]]:
    """The `name: {...}` instances under one service key."""
    instances = as_map(document.get(service), document.origin_of(service), service)
    return [
        (name, as_map(value, instances.origin_of(name), f"{service} instance {name!r}"))
        for name, value in instances.items()
    ]
