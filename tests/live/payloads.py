"""Realistic Sonarr/Radarr API payloads built from ../shared/fixtures/servarr/reference.json.

Default profiles follow the servers' own seeding: definitions in weight order, qualities that
share a `groupName` become a group (ids 1000, 1001, ...), items listed worst first.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
OPENAPI = SHARED / "fixtures" / "openapi"


@cache
def reference() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SHARED / "fixtures" / "servarr" / "reference.json").read_text())
    return data


def qualities(service: str) -> dict[int, dict[str, Any]]:
    rows = reference()[f"{service}_qualities"]["rows"]
    keys = ("id", "name", "source", "resolution", "modifier")
    return {row[0]: dict(zip(keys, row, strict=False)) for row in rows}


def quality_definitions(service: str) -> list[dict[str, Any]]:
    by_id = qualities(service)
    rows = sorted(reference()[f"{service}_quality_definitions"]["rows"], key=lambda row: row[1])
    return [
        {
            "id": index,
            "quality": by_id[qid],
            "title": by_id[qid]["name"],
            "weight": weight,
            "minSize": min_size,
            "maxSize": max_size,
            "preferredSize": preferred,
        }
        for index, (qid, weight, min_size, max_size, preferred, _group) in enumerate(rows, start=1)
    ]


def default_profile(
    service: str, name: str, *, profile_id: int = 1, formats: dict[int, str] | None = None
) -> dict[str, Any]:
    """The profile `name` as the server seeds it, with every CF of `formats` at score 0."""
    by_id = qualities(service)
    rows = sorted(reference()[f"{service}_quality_definitions"]["rows"], key=lambda row: row[1])
    _, cutoff_id, allowed = next(p for p in reference()[f"{service}_profiles"]["rows"] if p[0] == name)
    items: list[dict[str, Any]] = []
    groups: dict[str, dict[str, Any]] = {}
    group_of: dict[int, int] = {}
    for qid, _weight, _min, _max, _pref, group in rows:
        item = {"quality": by_id[qid], "items": [], "allowed": qid in allowed}
        if group is None:
            items.append(item)
            continue
        if group not in groups:
            groups[group] = {"id": 1000 + len(groups), "name": group, "items": [], "allowed": False}
            items.append(groups[group])
        groups[group]["items"].append(item)
        groups[group]["allowed"] |= qid in allowed
        group_of[qid] = groups[group]["id"]
    profile: dict[str, Any] = {
        "id": profile_id,
        "name": name,
        "upgradeAllowed": False,
        "cutoff": group_of.get(cutoff_id, cutoff_id),
        "items": items,
        "minFormatScore": 0,
        "cutoffFormatScore": 0,
        "minUpgradeFormatScore": 1,
        "formatItems": [
            {"format": cf_id, "name": cf_name, "score": 0} for cf_id, cf_name in (formats or {}).items()
        ],
    }
    if service == "radarr":
        profile["language"] = {"id": 1, "name": "English"}
    return profile


def languages(service: str) -> list[dict[str, Any]]:
    return [
        {"id": lid, "name": name, "nameLower": name.lower()}
        for lid, name in reference()[f"{service}_languages"]["rows"]
    ]


def field(name: str, value: Any, **extra: Any) -> dict[str, Any]:
    return {
        "order": 0,
        "name": name,
        "label": name.title(),
        "value": value,
        "type": "textbox",
        "advanced": False,
        "privacy": "normal",
        "isFloat": False,
        **extra,
    }


def custom_format(cf_id: int, name: str) -> dict[str, Any]:
    """A CF as GET /customformat returns it: specs carry implementationName, infoLink, field metadata."""
    return {
        "id": cf_id,
        "name": name,
        "includeCustomFormatWhenRenaming": False,
        "specifications": [
            {
                "id": 0,
                "name": name,
                "implementation": "ReleaseTitleSpecification",
                "implementationName": "Release Title",
                "infoLink": "https://wiki.servarr.com/sonarr/settings#custom-formats-2",
                "negate": False,
                "required": True,
                "fields": [field("value", r"[xh][ ._-]?265|\bHEVC(\b|\d)")],
            },
            {
                "id": 0,
                "name": "Not 2160p",
                "implementation": "ResolutionSpecification",
                "implementationName": "Resolution",
                "infoLink": "https://wiki.servarr.com/sonarr/settings#custom-formats-2",
                "negate": True,
                "required": True,
                "fields": [field("value", 2160, type="select")],
            },
        ],
    }


def status(app: str, version: str) -> dict[str, Any]:
    return {
        "appName": app,
        "instanceName": app,
        "version": version,
        "buildTime": "2025-01-01T00:00:00Z",
        "isDocker": True,
        "startTime": "2026-11-28T10:00:00Z",
        "urlBase": "",
    }


def naming(service: str) -> dict[str, Any]:
    """GET /config/naming: the server default, enums serialised the way the API does (camelCase)."""
    body: dict[str, Any] = {"id": 1, **reference()[f"{service}_naming_default"]}
    colon = body["colonReplacementFormat"]
    if isinstance(colon, str):
        body["colonReplacementFormat"] = colon[:1].lower() + colon[1:]
    return body


def media_management() -> dict[str, Any]:
    return {
        "id": 1,
        "recycleBin": "",
        "recycleBinCleanupDays": 7,
        "downloadPropersAndRepacks": "preferAndUpgrade",
        "copyUsingHardlinks": True,
        "importExtraFiles": False,
        "extraFileExtensions": "srt",
    }
