"""Configarr's wiring keys with Configarr's meaning, as syncd's resource sections. Pure: no I/O.

Configarr (`src/types/config.types.ts`, `src/downloadClients/`, `src/delay-profiles.ts`,
`src/remotePaths/`, `src/downloadClientConfig/`) spells these per instance:

    root_folders: [/data/tv]                         -> root_folders
    delay_profiles: {default: {...}, additional: [...]}  -> delay_profiles
    download_clients:
      data: [{name, type, enable, priority, remove_completed_downloads,
              remove_failed_downloads, tags, fields}]    -> download_clients (+ tags)
      update_password: false                         (see below)
      delete_unmanaged: {enabled, ignore}            -> delete rule of download clients
      remote_paths: [{host, remote_path, local_path}] -> remote_path_mappings
      delete_unmanaged_remote_paths: false           -> delete rule of remote path mappings
      config: {enable_completed_download_handling, ...} -> download_client_config

Meanings kept: a client's `type` is matched to the server's implementation case-insensitively
(`qbittorrent` is `QBittorrent`); `fields` and `config` keys are snake_case for the API's
camelCase (`tv_category` is `tvCategory`); tags are labels, created when missing (so they join
`tags`); the delay profiles' `additional` list is the whole set of tagged profiles (Configarr
deletes the others), so it brings the delete rule for unmanaged delay profiles with it.

Where syncd ends elsewhere on purpose (docs/configuration.md): a delay profile's `order` is
the server's (Configarr's PUT without it resets the default profile's order to 0, so it
outranks the tagged ones); remote paths compare without trailing slashes (Configarr re-PUTs
them every run); a password is written when it changed since syncd last wrote it, whatever
`update_password` says (Configarr with `false` never updates one).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from syncd.config.dialects import check_keys, get_bool, get_list, get_map, get_str_list, to_plain
from syncd.config.model import ResourceEntry, Service
from syncd.config.yamlfile import YamlList, YamlMap
from syncd.logger import get_logger

log = get_logger(__name__)

KEYS = ("root_folders", "delay_profiles", "download_clients")
# The Sonarr/Radarr download client implementations (`NzbDrone.Core.Download.Clients.*`), by
# their lowercased name: Configarr matches `type` against the schema case-insensitively.
IMPLEMENTATIONS = {
    name.lower(): name
    for name in (
        "Aria2",
        "Deluge",
        "Flood",
        "FreeboxDownload",
        "Hadouken",
        "NzbVortex",
        "Nzbget",
        "Pneumatic",
        "QBittorrent",
        "RQBit",
        "RTorrent",
        "Sabnzbd",
        "TorrentBlackhole",
        "TorrentDownloadStation",
        "Transmission",
        "Tribler",
        "UTorrent",
        "UsenetBlackhole",
        "UsenetDownloadStation",
        "Vuze",
    )
}
# Configarr's top-level client keys -> the resource's own keys.
CLIENT_SETTINGS = {
    "priority": "priority",
    "remove_completed_downloads": "removeCompletedDownloads",
    "remove_failed_downloads": "removeFailedDownloads",
}
DELAY_KEYS = {
    "enableUsenet": "enable_usenet",
    "enableTorrent": "enable_torrent",
    "preferredProtocol": "preferred_protocol",
    "usenetDelay": "usenet_delay",
    "torrentDelay": "torrent_delay",
    "bypassIfHighestQuality": "bypass_if_highest_quality",
    "bypassIfAboveCustomFormatScore": "bypass_if_above_custom_format_score",
    "minimumCustomFormatScore": "minimum_custom_format_score",
}
# `download_clients.config` keys Sonarr's resource lacks (Configarr drops them for Sonarr).
RADARR_ONLY_CONFIG = frozenset({"check_for_finished_download_interval"})


@dataclass
class Wiring:
    """What an instance's wiring keys become: resource sections, and the sections whose
    unmanaged objects go (section -> names to keep)."""

    resources: dict[str, tuple[ResourceEntry, ...]] = field(default_factory=dict)
    unmanaged: dict[str, tuple[str, ...]] = field(default_factory=dict)


def camel(key: str) -> str:
    """Configarr's `snakeToCamel`: `tv_imported_category` -> `tvImportedCategory`."""
    return re.sub(r"_([a-z])", lambda m: m.group(1).upper(), key)


def wiring(node: YamlMap, service: Service) -> Wiring:
    result = Wiring()
    tags: dict[str, ResourceEntry] = {}
    folders = get_list(node, "root_folders")
    if folders:
        result.resources["root_folders"] = tuple(
            ResourceEntry(value=_plain(item), origin=folders.origin_of(i)) for i, item in enumerate(folders)
        )
    delays = get_map(node, "delay_profiles")
    if delays is not None:
        _delay_profiles(delays, result, tags)
    clients = get_map(node, "download_clients")
    if clients is not None:
        _download_clients(clients, service, result, tags)
    if tags:
        result.resources["tags"] = tuple(tags.values())
    return result


def _delay_profiles(delays: YamlMap, result: Wiring, tags: dict[str, ResourceEntry]) -> None:
    check_keys(delays, ("default", "additional"), strict=False, where="delay_profiles")
    entries: list[ResourceEntry] = []
    default = get_map(delays, "default")
    if default is not None:
        entries.append(ResourceEntry(value={"default": True, **_delay(default)}, origin=default.origin))
    additional = get_list(delays, "additional")
    for index, item in enumerate(additional):
        if not isinstance(item, YamlMap):
            entries.append(ResourceEntry(value=item, origin=additional.origin_of(index)))
            continue
        labels = [_tag(label, item.origin_of("tags"), tags) for label in get_str_list(item, "tags")]
        entries.append(ResourceEntry(value={**_delay(item), "tags": labels}, origin=item.origin))
    if "additional" in delays:
        result.unmanaged["delay_profiles"] = ()
    if entries:
        result.resources["delay_profiles"] = tuple(entries)


def _delay(profile: YamlMap) -> dict[str, Any]:
    check_keys(profile, (*DELAY_KEYS, "order", "tags", "items"), strict=False, where="a delay profile")
    for key in ("order", "items"):
        if key in profile:
            log.warning(
                "config.key.unmanaged",
                key=key,
                where="a delay profile",
                origin=str(profile.origin_of(key)),
                reason="syncd keeps the server's order"
                if key == "order"
                else "protocol items are Lidarr's; Sonarr and Radarr take enableUsenet/enableTorrent",
            )
    return {DELAY_KEYS[k]: _plain(v) for k, v in profile.items() if k in DELAY_KEYS}


def _download_clients(
    clients: YamlMap, service: Service, result: Wiring, tags: dict[str, ResourceEntry]
) -> None:
    check_keys(
        clients,
        (
            "data",
            "update_password",
            "delete_unmanaged",
            "config",
            "remote_paths",
            "delete_unmanaged_remote_paths",
        ),
        strict=False,
        where="download_clients",
    )
    data = get_list(clients, "data")
    if data:
        result.resources["download_clients"] = tuple(
            _client(item, data.origin_of(i), tags) if isinstance(item, YamlMap) else ResourceEntry(value=item)
            for i, item in enumerate(data)
        )
    delete = get_map(clients, "delete_unmanaged")
    if delete is not None:
        check_keys(delete, ("enabled", "ignore"), strict=False, where="download_clients.delete_unmanaged")
        if get_bool(delete, "enabled"):
            result.unmanaged["download_clients"] = get_str_list(delete, "ignore")
    paths = get_list(clients, "remote_paths")
    if paths:
        result.resources["remote_path_mappings"] = tuple(
            ResourceEntry(value=_plain(item), origin=paths.origin_of(i)) for i, item in enumerate(paths)
        )
    if get_bool(clients, "delete_unmanaged_remote_paths"):
        result.unmanaged["remote_path_mappings"] = ()
    config = get_map(clients, "config")
    if config is not None:
        entries = []
        for key, value in config.items():
            if service == "sonarr" and key in RADARR_ONLY_CONFIG:
                log.warning(
                    "config.key.ignored",
                    key=key,
                    where="download_clients.config",
                    origin=str(config.origin_of(key)),
                )
                continue
            entries.append(ResourceEntry(value={camel(key): _plain(value)}, origin=config.origin_of(key)))
        result.resources["download_client_config"] = tuple(entries)


def _client(item: YamlMap, origin: Any, tags: dict[str, ResourceEntry]) -> ResourceEntry:
    check_keys(
        item,
        ("name", "type", "enable", "fields", "tags", *CLIENT_SETTINGS),
        strict=False,
        where="a download client",
    )
    value: dict[str, Any] = {}
    if "name" in item:
        value["name"] = _plain(item["name"])
    kind = item.get("type")
    if kind is not None:
        value["implementation"] = IMPLEMENTATIONS.get(str(kind).lower(), kind)
    if "enable" in item:
        value["enable"] = _plain(item["enable"])
    fields = get_map(item, "fields")
    if fields is not None:
        value["fields"] = {camel(k): _plain(v) for k, v in fields.items()}
    settings = {api: _plain(item[key]) for key, api in CLIENT_SETTINGS.items() if key in item}
    if settings:
        value["settings"] = settings
    if "tags" in item:
        value["tags"] = [_tag(label, item.origin_of("tags"), tags) for label in _labels(item)]
    return ResourceEntry(value=value, origin=origin)


def _labels(item: YamlMap) -> list[str]:
    labels = []
    raw = get_list(item, "tags")
    for index, label in enumerate(raw):
        if isinstance(label, int) and not isinstance(label, bool):
            log.warning(
                "config.key.ignored",
                key=f"tags[{index}]",
                where="a download client",
                origin=str(raw.origin_of(index)),
                reason="a tag id; syncd names tags by label",
            )
            continue
        labels.append(str(label))
    return labels


def _tag(label: str, origin: Any, tags: dict[str, ResourceEntry]) -> str:
    """The label as the server keeps it (lowercased), added to the instance's tags."""
    lowered = label.lower()
    tags.setdefault(lowered, ResourceEntry(value=lowered, origin=origin))
    return lowered


def _plain(value: Any) -> Any:
    if isinstance(value, YamlMap):
        return to_plain(value)
    if isinstance(value, YamlList):
        return [_plain(v) for v in value]
    return value
