"""Deciding which tool's dialect a parsed config document is written in. Pure: no I/O.

The same key means different things in Recyclarr and Configarr (`custom_format_groups`,
`preferred_ratio`, the delete switches), so the dialect is decided once per file, never per key:

- syncd: a top-level `syncd:` version key, or `guides:`, `state_dir:`, `schedule:`, `mode:`, `notify:`,
  `qbittorrent:`, `prowlarr:`, `plex:`;
- Configarr: any Configarr-only top-level key, or a Configarr-only key or shape in an instance;
- syncd: an instance key Recyclarr lacks and syncd has (`tags`, `peer_url`, `delete`, ...);
- Recyclarr otherwise.

Keys both Configarr and syncd have count by their shape: Configarr's `download_clients` and
`delay_profiles` are mappings (`data:`, `default:`), syncd's are lists. `root_folders` is a list
of paths in both and reads the same in both, so alone it makes a file syncd's.

An explicit override (the CLI's `--format`) always wins.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from syncd.config.dialects import configarr
from syncd.config.model import RESOURCE_SECTIONS, Dialect

SYNCD_TOP_LEVEL_KEYS = frozenset(
    {"syncd", "guides", "state_dir", "schedule", "mode", "notify", "qbittorrent", "prowlarr", "plex"}
)

# Every top-level key only Configarr has: the ones its dialect reads, ignores, or enables with.
CONFIGARR_TOP_LEVEL_KEYS = frozenset(
    (
        *configarr.GUIDE_KEYS,
        *configarr.IGNORED_TOP_LEVEL_KEYS,
        *configarr.ENABLED_KEYS,
        "customFormatDefinitions",
    )
)

CONFIGARR_INSTANCE_KEYS = frozenset(
    {
        "enabled",
        "delete_unmanaged_custom_formats",
        "delete_unmanaged_quality_profiles",
        "media_naming_api",
        "renameQualityProfiles",
        "cloneQualityProfiles",
        "ui_config",
        "metadata_profiles",
        "delete_unmanaged_metadata_profiles",
        "trash_cfgroup_config",
        "customFormatDefinitions",
    }
)

# Instance keys Configarr shares with syncd that only Configarr writes as a mapping.
CONFIGARR_SHAPED_KEYS = ("delay_profiles", "download_clients")
# Instance keys syncd has and Recyclarr lacks (checked after Configarr's keys and shapes).
SYNCD_INSTANCE_KEYS = frozenset({*RESOURCE_SECTIONS, *CONFIGARR_SHAPED_KEYS, "peer_url", "delete", "http"})

SERVICE_KEYS = ("sonarr", "radarr", "whisparr", "readarr", "lidarr")


def detect_dialect(document: Mapping[str, Any], *, override: Dialect | None = None) -> Dialect:
    """The dialect `document` (the parsed top-level mapping) is written in."""
    if override is not None:
        return override
    keys = set(document)
    if keys & SYNCD_TOP_LEVEL_KEYS:
        return Dialect.SYNCD
    if keys & CONFIGARR_TOP_LEVEL_KEYS:
        return Dialect.CONFIGARR
    instances = [
        inst
        for service in SERVICE_KEYS
        if isinstance(document.get(service), Mapping)
        for inst in document[service].values()
        if isinstance(inst, Mapping)
    ]
    if any(_is_configarr_instance(inst) for inst in instances):
        return Dialect.CONFIGARR
    if any(set(inst) & SYNCD_INSTANCE_KEYS for inst in instances):
        return Dialect.SYNCD
    return Dialect.RECYCLARR


def _is_configarr_instance(instance: Mapping[str, Any]) -> bool:
    if set(instance) & CONFIGARR_INSTANCE_KEYS:
        return True
    if any(isinstance(instance.get(key), Mapping) for key in CONFIGARR_SHAPED_KEYS):
        return True
    if isinstance(instance.get("custom_format_groups"), list):
        return True
    includes = instance.get("include")
    if isinstance(includes, list) and any(isinstance(i, Mapping) and "source" in i for i in includes):
        return True
    custom_formats = instance.get("custom_formats")
    if isinstance(custom_formats, list) and any(_is_configarr_cf_entry(e) for e in custom_formats):
        return True
    profiles = instance.get("quality_profiles")
    return isinstance(profiles, list) and any(_is_configarr_profile(p) for p in profiles)


def _is_configarr_cf_entry(entry: object) -> bool:
    if not isinstance(entry, Mapping):
        return False
    if "quality_profiles" in entry:  # deprecated Configarr alias of assign_scores_to
        return True
    targets = entry.get("assign_scores_to")
    return isinstance(targets, list) and any(
        isinstance(t, Mapping) and "use_default_score" in t for t in targets
    )


def _is_configarr_profile(profile: object) -> bool:
    if not isinstance(profile, Mapping):
        return False
    upgrade = profile.get("upgrade")
    return "language" in profile or (isinstance(upgrade, Mapping) and "min_format_score" in upgrade)
