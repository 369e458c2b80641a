"""Media naming and media management settings as Sonarr/Radarr API fields.

Naming values are keys of the guide's naming JSON (looked up case-insensitively; Sonarr
episode keys try the legacy `<key>:4` first, as Recyclarr does). A value that is not a key
but contains `{` is taken as a literal format string; anything else is an error listing the
valid keys. The `api` passthrough fields are merged last and win.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from syncd.config.model import MediaManagementConfig, MediaNamingConfig, Service
from syncd.desired.diagnostics import Diagnostics
from syncd.guides.model import GuideNaming

# config attribute -> (API field, path in the naming JSON, try the legacy `:4` key first)
_SONARR_FORMATS: tuple[tuple[str, str, tuple[str, ...], bool], ...] = (
    ("series", "seriesFolderFormat", ("series",), False),
    ("season", "seasonFolderFormat", ("season",), False),
    ("episodes_standard", "standardEpisodeFormat", ("episodes", "standard"), True),
    ("episodes_daily", "dailyEpisodeFormat", ("episodes", "daily"), True),
    ("episodes_anime", "animeEpisodeFormat", ("episodes", "anime"), True),
)
_RADARR_FORMATS: tuple[tuple[str, str, tuple[str, ...], bool], ...] = (
    ("folder", "movieFolderFormat", ("folder",), False),
    ("movie_standard", "standardMovieFormat", ("file",), False),
)
_PROPERS = {
    "prefer_and_upgrade": "preferAndUpgrade",
    "do_not_upgrade": "doNotUpgrade",
    "do_not_prefer": "doNotPrefer",
}


def resolve_naming(
    service: Service, config: MediaNamingConfig, guide: GuideNaming, diags: Diagnostics
) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    table = _SONARR_FORMATS if service == "sonarr" else _RADARR_FORMATS
    for attr, api_field, path, legacy in table:
        key = getattr(config, attr)
        if key is None:
            continue
        value = _lookup(guide.sections, path, key, legacy)
        if value is None and "{" in key:
            value = key
        if value is None:
            valid = ", ".join(sorted(_section(guide.sections, path)))
            diags.error(config.origin, f"media_naming {attr}: unknown key '{key}' (valid: {valid})")
            continue
        fields[api_field] = value
    rename = config.episodes_rename if service == "sonarr" else config.movie_rename
    if rename is not None:
        fields["renameEpisodes" if service == "sonarr" else "renameMovies"] = rename
    fields.update(config.api)
    return fields


def resolve_media_management(config: MediaManagementConfig) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if config.propers_and_repacks is not None:
        fields["downloadPropersAndRepacks"] = _PROPERS[config.propers_and_repacks]
    fields.update(config.api)
    return fields


def _section(sections: Mapping[str, Any], path: tuple[str, ...]) -> dict[str, str]:
    node: Any = sections
    for part in path:
        node = node.get(part, {}) if isinstance(node, Mapping) else {}
    if not isinstance(node, Mapping):
        return {}
    return {str(k): v for k, v in node.items() if isinstance(v, str)}


def _lookup(sections: Mapping[str, Any], path: tuple[str, ...], key: str, legacy: bool) -> str | None:
    formats = {k.lower(): v for k, v in _section(sections, path).items()}
    candidates = (f"{key}:4", key) if legacy else (key,)
    return next((formats[c.lower()] for c in candidates if c.lower() in formats), None)
