"""syncd's own dialect: Recyclarr v8 shapes plus syncd's top level and extras. Pure: no I/O.

Top level: `syncd: 1`, `state_dir`, `guides`, `schedule`, `mode`, `notify`, `sonarr`, `radarr`,
`qbittorrent`, `prowlarr`, `plex`.
Instances take Recyclarr's keys except `delete_old_custom_formats`, which is replaced by the
`delete:` map, and add profile `language`, `quality_definition.ratio_mode`, and raw `api` maps in
`media_naming` and `media_management`, and `peer_url` (how the other services reach the instance,
default `base_url`). qBittorrent instances (`base_url`, `peer_url`, optional `username` and
`password`, `preferences` of raw WebUI API keys) exist only in this dialect, and so do Prowlarr
instances (`base_url`, `api_key`, `peer_url`, the sections of `PROWLARR_SECTIONS`, `delete:`,
`http:`) and Plex instances (`base_url`, `peer_url`, `token`, `libraries`, `delete:`, `http:`). Every unknown key is
an error naming file:line (see docs/configuration.md); unknown preference keys are found at plan
time, against the keys the server returns.
"""

from __future__ import annotations

import re
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal, TypeVar, cast

from pydantic import SecretStr

from syncd.config.dialects import (
    SERVICES,
    Document,
    InstanceNode,
    as_map,
    check_keys,
    fail,
    get_bool,
    get_int,
    get_list,
    get_map,
    get_str,
    get_str_list,
    instance_nodes,
    list_maps,
    require_str,
    to_plain,
    type_name,
)
from syncd.config.dialects import recyclarr as rec
from syncd.config.model import (
    DEFAULT_REF,
    DEFAULT_TEMPLATES_URL,
    DEFAULT_TRASH_GUIDES_URL,
    PLEX_SECTIONS,
    PROWLARR_SECTIONS,
    QBITTORRENT_DELETES,
    RESOURCE_SECTIONS,
    DeletePolicy,
    GuidesConfig,
    GuideSource,
    HttpConfig,
    InstanceConfig,
    Mode,
    NotifyConfig,
    NotifyLevel,
    PlexConfig,
    ProwlarrConfig,
    QbittorrentConfig,
    ResourceEntry,
    ScheduleConfig,
)
from syncd.config.yamlfile import YamlMap

FORMAT_VERSION = 1
TOP_LEVEL_KEYS = (
    "syncd",
    "state_dir",
    "guides",
    "schedule",
    "mode",
    "notify",
    *SERVICES,
    "qbittorrent",
    "prowlarr",
    "plex",
)
# Sonarr/Radarr take every kind section but those only Prowlarr or Plex have.
NOT_SERVARR_SECTIONS = frozenset({"applications", "indexer_proxies", *PLEX_SECTIONS})
SERVARR_SECTIONS = tuple(s for s in RESOURCE_SECTIONS if s not in NOT_SERVARR_SECTIONS)
INSTANCE_KEYS = (rec.INSTANCE_KEYS - {"delete_old_custom_formats"}) | {
    "delete",
    "http",
    "peer_url",
    *SERVARR_SECTIONS,
}
PROWLARR_KEYS = ("base_url", "api_key", "peer_url", "delete", "http", *PROWLARR_SECTIONS)
PLEX_KEYS = ("base_url", "peer_url", "token", "delete", "http", *PLEX_SECTIONS)
QBITTORRENT_KEYS = (
    "base_url",
    "peer_url",
    "username",
    "password",
    "preferences",
    "categories",
    "delete",
    "http",
)
# The qBittorrent sections `delete:` speaks of (preferences are never deleted).
QBITTORRENT_DELETE_SECTIONS = ("categories",)
NO_DELETES = DeletePolicy()
HTTP_KEYS = ("connect_timeout", "read_timeout", "retries", "max_retry_wait", "deadline", "max_writes")
# Preferences syncd cannot keep: qBittorrent never returns the first, and ignores writes of the
# second, so either would show as a change on every plan.
UNMANAGEABLE_PREFERENCES = {
    "web_ui_password": (
        "web_ui_password is write-only (qBittorrent never returns it), so syncd cannot tell whether it "
        "differs; set the WebUI password in qBittorrent itself (or pre-seed WebUI\\Password_PBKDF2 in "
        "qBittorrent.conf) and give syncd the same credentials as 'username' and 'password'"
    ),
    "current_interface_name": (
        "current_interface_name is read-only (qBittorrent derives it); set current_network_interface instead"
    ),
}
_Choice = TypeVar("_Choice", bound=StrEnum)
_DURATION = re.compile(r"^\s*(\d+)\s*([smhd]?)\s*$")
_UNIT_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}
_SECONDS = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smh]?)\s*$")


def read_document(document: YamlMap, *, config_dir: Path) -> Document:
    """Top-level settings and instances; relative paths are relative to `config_dir`."""
    check_keys(document, TOP_LEVEL_KEYS, strict=True, where="the top level")
    version = document.get("syncd", FORMAT_VERSION)
    if version != FORMAT_VERSION:
        fail(
            document.origin_of("syncd"),
            f"unsupported config version {type_name(version)}; this syncd reads 1",
        )
    state_dir = get_str(document, "state_dir")
    return Document(
        instances=tuple(
            InstanceNode(service, name, node)
            for service in SERVICES
            for name, node in instance_nodes(document, service)
        ),
        guides=_guides(document, config_dir),
        state_dir=config_dir / Path(state_dir).expanduser() if state_dir else None,
        schedule=_schedule(document),
        qbittorrent=_qbittorrent(document),
        prowlarr=tuple(_prowlarr_instance(name, node) for name, node in _instances(document, "prowlarr")),
        plex=tuple(_plex_instance(name, node) for name, node in _instances(document, "plex")),
        mode=_choice(document, "mode", Mode, Mode.APPLY),
        notify=_notify(document),
    )


def _choice(node: YamlMap, key: str, choices: type[_Choice], default: _Choice) -> _Choice:
    value = get_str(node, key)
    if value is None:
        return default
    try:
        return choices(value)
    except ValueError:
        allowed = ", ".join(repr(c.value) for c in choices)
        fail(node.origin_of(key), f"{key} must be one of {allowed}, got {type_name(value)}")


def _notify(document: YamlMap) -> NotifyConfig:
    notify = get_map(document, "notify")
    if notify is None:
        return NotifyConfig()
    check_keys(notify, ("urls", "level"), strict=True, where="notify")
    urls = get_str_list(notify, "urls")
    if any(not url.strip() for url in urls):
        fail(notify.origin_of("urls"), "notify.urls has an empty entry (an unset !env variable?)")
    return NotifyConfig(
        urls=tuple(SecretStr(url.strip()) for url in urls),
        level=_choice(notify, "level", NotifyLevel, NotifyLevel.CHANGES),
    )


def _qbittorrent(document: YamlMap) -> tuple[QbittorrentConfig, ...]:
    instances = as_map(document.get("qbittorrent"), document.origin_of("qbittorrent"), "qbittorrent")
    return tuple(
        _qbittorrent_instance(name, as_map(node, instances.origin_of(name), f"qbittorrent instance {name!r}"))
        for name, node in instances.items()
    )


def _qbittorrent_instance(name: str, node: YamlMap) -> QbittorrentConfig:
    where = f"qbittorrent instance {name!r}"
    check_keys(node, QBITTORRENT_KEYS, strict=True, where=where)
    username, password = get_str(node, "username"), get_str(node, "password")
    if (username is None) != (password is None):
        fail(
            node.origin,
            f"{where} needs both 'username' and 'password', or neither "
            "(then qBittorrent's WebUI auth subnet whitelist must cover syncd)",
        )
    preferences = get_map(node, "preferences") or YamlMap(node.origin)
    settings = []
    for key, value in preferences.items():
        origin = preferences.origin_of(key)
        if key in UNMANAGEABLE_PREFERENCES:
            fail(origin, UNMANAGEABLE_PREFERENCES[key])
        if value is None:
            fail(origin, f"preference {key!r} needs a value")
        plain = to_plain(YamlMap(origin, {key: value}))[key]
        settings.append(ResourceEntry(value={"key": key, "value": plain}, origin=origin))
    resources = {"preferences": tuple(settings)} if settings else {}
    categories = get_map(node, "categories")
    if categories is not None:
        resources["categories"] = tuple(
            ResourceEntry(
                value={"name": str(key), "save_path": _plain(path)}, origin=categories.origin_of(key)
            )
            for key, path in categories.items()
        )
    return QbittorrentConfig(
        name=name,
        base_url=require_str(node, "base_url", where).rstrip("/"),
        peer_url=_peer_url(node),
        username=username,
        password=None if password is None else SecretStr(password),
        resources=resources,
        delete=_kind_deletes(node, QBITTORRENT_DELETE_SECTIONS, QBITTORRENT_DELETES),
        http=_http(node),
        origin=node.origin,
    )


def _instances(document: YamlMap, service: str) -> list[tuple[str, YamlMap]]:
    instances = as_map(document.get(service), document.origin_of(service), service)
    return [
        (name, as_map(node, instances.origin_of(name), f"{service} instance {name!r}"))
        for name, node in instances.items()
    ]


def _prowlarr_instance(name: str, node: YamlMap) -> ProwlarrConfig:
    where = f"prowlarr instance {name!r}"
    check_keys(node, PROWLARR_KEYS, strict=True, where=where)
    return ProwlarrConfig(
        name=name,
        base_url=require_str(node, "base_url", where).rstrip("/"),
        api_key=SecretStr(require_str(node, "api_key", where)),
        peer_url=_peer_url(node),
        resources=_resources(node, PROWLARR_SECTIONS),
        delete=_kind_deletes(node, PROWLARR_SECTIONS),
        http=_http(node),
        origin=node.origin,
    )


def _plex_instance(name: str, node: YamlMap) -> PlexConfig:
    where = f"plex instance {name!r}"
    check_keys(node, PLEX_KEYS, strict=True, where=where)
    token = get_str(node, "token")
    return PlexConfig(
        name=name,
        base_url=require_str(node, "base_url", where).rstrip("/"),
        # An empty token is no token: the Plex kinds are skipped with a warning.
        token=SecretStr(token) if token and token.strip() else None,
        peer_url=_peer_url(node),
        resources=_resources(node, PLEX_SECTIONS),
        delete=_kind_deletes(node, PLEX_SECTIONS),
        http=_http(node),
        origin=node.origin,
    )


def _kind_deletes(
    node: YamlMap, sections: tuple[str, ...], default: DeletePolicy = NO_DELETES
) -> DeletePolicy:
    """`delete: {<section>: bool, unmanaged_<section>: {enabled, ignore}, max_deletes}`; a section
    left out keeps what `default` says of it (for qBittorrent: categories syncd made go)."""
    delete = get_map(node, "delete")
    if delete is None:
        return default
    unmanaged_keys = tuple(f"unmanaged_{s}" for s in sections)
    check_keys(delete, (*sections, *unmanaged_keys, "max_deletes"), strict=True, where="delete")
    max_deletes = _max_deletes(delete)
    owned, unmanaged = _section_deletes(delete, sections, default.owned)
    return DeletePolicy(owned=owned, unmanaged=unmanaged, max_deletes=max_deletes)


def _max_deletes(delete: YamlMap) -> int | None:
    max_deletes = get_int(delete, "max_deletes")
    if max_deletes is not None and max_deletes < 0:
        fail(delete.origin_of("max_deletes"), "delete.max_deletes must be 0 or more")
    return max_deletes


def _section_deletes(
    delete: YamlMap, sections: tuple[str, ...], owned_by_default: tuple[str, ...] = ()
) -> tuple[tuple[str, ...], dict[str, tuple[str, ...]]]:
    """The sections of `delete` whose owned objects may go (a section not written: those of
    `owned_by_default`), and those whose unmanaged objects may go, with the names they keep."""
    owned: list[str] = []
    unmanaged: dict[str, tuple[str, ...]] = {}
    for section in sections:
        enabled, ignore = _unmanaged(delete, f"unmanaged_{section}")
        if enabled:
            unmanaged[section] = ignore
        written = get_bool(delete, section)
        if (section in owned_by_default) if written is None else written:
            owned.append(section)
    return tuple(owned), unmanaged


def _guides(document: YamlMap, config_dir: Path) -> GuidesConfig:
    guides = get_map(document, "guides")
    if guides is None:
        return GuidesConfig()
    check_keys(guides, ("trash", "templates", "local_custom_formats"), strict=True, where="guides")
    return GuidesConfig(
        trash=_source(guides, "trash", DEFAULT_TRASH_GUIDES_URL),
        templates=_source(guides, "templates", DEFAULT_TEMPLATES_URL),
        local_custom_formats=tuple(
            config_dir / Path(p).expanduser() for p in get_str_list(guides, "local_custom_formats")
        ),
    )


def _source(guides: YamlMap, key: str, default_url: str) -> GuideSource:
    source = get_map(guides, key) or YamlMap(guides.origin)
    check_keys(source, ("url", "ref"), strict=True, where=f"guides.{key}")
    return GuideSource(url=get_str(source, "url") or default_url, ref=get_str(source, "ref") or DEFAULT_REF)


def _schedule(document: YamlMap) -> ScheduleConfig:
    schedule = get_map(document, "schedule")
    if schedule is None:
        return ScheduleConfig()
    check_keys(schedule, ("cron", "interval", "jitter"), strict=True, where="schedule")
    cron = get_str(schedule, "cron")
    interval = _duration(schedule, "interval")
    if cron and interval is not None:
        fail(schedule.origin, "schedule takes either 'cron' or 'interval', not both")
    jitter = _duration(schedule, "jitter")
    return ScheduleConfig(
        cron=cron,
        interval_seconds=interval,
        jitter_seconds=ScheduleConfig().jitter_seconds if jitter is None else jitter,
    )


def _duration(node: YamlMap, key: str) -> int | None:
    """`3600`, `"3600s"`, `"30m"`, `"1h"`, `"1d"` as seconds."""
    value = node.get(key)
    if value is None:
        return None
    match = None if isinstance(value, bool) else _DURATION.match(str(value))
    if match is None:
        fail(
            node.origin_of(key), f"{key} must be a duration like 3600, '30m' or '1h', got {type_name(value)}"
        )
    return int(match.group(1)) * _UNIT_SECONDS[match.group(2)]


def parse_instance(inst: InstanceNode, *, secret: rec.SecretLookup) -> InstanceConfig:
    """One merged syncd instance (includes and presets already applied)."""
    node = inst.node
    check_keys(node, INSTANCE_KEYS, strict=True, where=f"{inst.service} instance {inst.name!r}")
    base_url, api_key = rec.connection(inst, secret=secret)
    language_key = ("language",) if inst.service == "radarr" else ()
    profiles = []
    for profile in list_maps(get_list(node, "quality_profiles"), "quality_profiles"):
        parsed = rec.quality_profile(profile, extra_keys=language_key)
        profiles.append(parsed.model_copy(update={"language": get_str(profile, "language")}))
    definition = rec.quality_definition(node, allowed_extra=("ratio_mode",))
    if definition is not None:
        ratio_mode = _ratio_mode(get_map(node, "quality_definition") or YamlMap(node.origin))
        definition = definition.model_copy(update={"ratio_mode": ratio_mode})
    naming = rec.media_naming(node, inst.service, allowed_extra=("api",))
    management = rec.media_management(node, allowed_extra=("api",))
    return InstanceConfig(
        service=inst.service,
        name=inst.name,
        base_url=base_url,
        api_key=api_key,
        peer_url=_peer_url(node),
        custom_formats=rec.custom_formats(node),
        custom_format_groups=rec.custom_format_groups(node),
        quality_profiles=tuple(profiles),
        quality_definition=definition,
        media_naming=naming and naming.model_copy(update={"api": _with_api(get_map(node, "media_naming"))}),
        media_management=management
        and management.model_copy(update={"api": _with_api(get_map(node, "media_management"))}),
        delete=_delete(node),
        resources=_resources(node, SERVARR_SECTIONS),
        http=_http(node),
        origin=node.origin,
    )


def _peer_url(node: YamlMap) -> str | None:
    """`peer_url`: how the other services reach this instance (`http://sonarr:8989`)."""
    url = get_str(node, "peer_url")
    if url is None:
        return None
    if not re.match(r"^https?://[^/\s]+", url):
        fail(
            node.origin_of("peer_url"),
            f"peer_url must be an http(s) URL like http://sonarr:8989, got {url!r}",
        )
    return url.rstrip("/")


def _resources(node: YamlMap, keys: tuple[str, ...]) -> dict[str, tuple[ResourceEntry, ...]]:
    """The resource kinds' sections as plain entries with their lines; kinds validate them.
    A mapping (a singleton's settings) gives one entry per key, so each keeps its own line."""
    sections: dict[str, tuple[ResourceEntry, ...]] = {}
    for key in keys:
        if key not in node:
            continue
        settings = node[key]
        if isinstance(settings, YamlMap):
            sections[key] = tuple(
                ResourceEntry(value={name: _plain(value)}, origin=settings.origin_of(name))
                for name, value in settings.items()
            )
            continue
        items = get_list(node, key)
        sections[key] = tuple(
            ResourceEntry(value=_plain(item), origin=items.origin_of(index))
            for index, item in enumerate(items)
        )
    return sections


def _plain(value: Any) -> Any:
    return to_plain(value) if isinstance(value, YamlMap) else value


def _http(node: YamlMap) -> HttpConfig:
    """`http: {connect_timeout, read_timeout, retries, max_retry_wait, deadline, max_writes}`;
    durations are seconds (`2.5`) or `30s`/`2m`."""
    section = get_map(node, "http")
    if section is None:
        return HttpConfig()
    check_keys(section, HTTP_KEYS, strict=True, where="http")
    values: dict[str, float | int] = {}
    for key in HTTP_KEYS:
        value = section.get(key)
        if value is None:
            continue
        if key in ("retries", "max_writes"):
            least = 0 if key == "retries" else 1
            if isinstance(value, bool) or not isinstance(value, int) or value < least:
                fail(section.origin_of(key), f"http.{key} must be a whole number >= {least}, got {value!r}")
            values[key] = value
            continue
        seconds = _seconds(value)
        if seconds is None or seconds <= 0:
            fail(
                section.origin_of(key),
                f"http.{key} must be a positive number of seconds like 5, 2.5 or '30s', got {value!r}",
            )
        values[key] = seconds
    return HttpConfig.model_validate(values)


def _seconds(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    match = _SECONDS.match(str(value))
    if match is None:
        return None
    return float(match.group(1)) * _UNIT_SECONDS[match.group(2)]


def _ratio_mode(definition: YamlMap) -> Literal["linear", "piecewise"]:
    mode = get_str(definition, "ratio_mode") or "linear"
    if mode not in ("linear", "piecewise"):
        fail(definition.origin_of("ratio_mode"), "ratio_mode must be 'linear' or 'piecewise'")
    return cast(Literal["linear", "piecewise"], mode)


def _with_api(section: YamlMap | None) -> dict[str, Any]:
    """The raw API fields under `api:`, passed to the server as written."""
    api = get_map(section, "api") if section is not None else None
    return to_plain(api) if api is not None else {}


def _delete(node: YamlMap) -> DeletePolicy:
    delete = get_map(node, "delete")
    if delete is None:
        return NO_DELETES
    others = tuple(k for section in SERVARR_SECTIONS for k in (section, f"unmanaged_{section}"))
    check_keys(
        delete,
        (
            "custom_formats",
            "unmanaged_custom_formats",
            "quality_profiles",
            "unmanaged_quality_profiles",
            "max_deletes",
            *others,
        ),
        strict=True,
        where="delete",
    )
    max_deletes = _max_deletes(delete)
    cf_enabled, cf_ignore = _unmanaged(delete, "unmanaged_custom_formats")
    qp_enabled, qp_ignore = _unmanaged(delete, "unmanaged_quality_profiles")
    owned, unmanaged = _section_deletes(delete, SERVARR_SECTIONS)
    return DeletePolicy(
        custom_formats=bool(get_bool(delete, "custom_formats")),
        unmanaged_custom_formats=cf_enabled,
        unmanaged_custom_formats_ignore=cf_ignore,
        quality_profiles=bool(get_bool(delete, "quality_profiles")),
        unmanaged_quality_profiles=qp_enabled,
        unmanaged_quality_profiles_ignore=qp_ignore,
        max_deletes=max_deletes,
        owned=owned,
        unmanaged=unmanaged,
    )


def _unmanaged(delete: YamlMap, key: str) -> tuple[bool, tuple[str, ...]]:
    section = get_map(delete, key)
    if section is None:
        return False, ()
    check_keys(section, ("enabled", "ignore"), strict=True, where=f"delete.{key}")
    return bool(get_bool(section, "enabled")), get_str_list(section, "ignore")
