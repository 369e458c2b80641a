"""Pure conversions between Sonarr/Radarr API JSON (API v3) and syncd's domain values.

No I/O. Reading (`*_from_api`) drops server metadata; writing (`*_to_api`) always produces a
whole object, starting from the raw object the server gave us (`base`) so fields syncd does
not model survive the round trip (the server replaces whole objects on PUT and resets
anything missing to a default).

Conventions the rest of syncd relies on:

* Profile items: the API lists them worst first, the domain best first. Both the top-level
  items and the qualities inside a group are reversed (as Recyclarr's `ReverseItems` does).
* A group is an item without `quality`; its `name` and `id` identify it. Groups keep their
  server id by name; new groups get the next free id >= 1000 (the server's own convention).
* `cutoff` is an item name in the domain and an item id (quality id or group id) in the API.
* Scores are keyed by custom format name; on write `formatItems` lists every custom format
  the server has, because the server rejects a profile that misses one.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from syncd.domain.resources import CustomFormat, ProfileItem, QualityProfile, QualitySize, Specification
from syncd.domain.state import LiveProfile, Service

FIRST_GROUP_ID = 1000

Raw = Mapping[str, Any]


# --- custom formats -------------------------------------------------------------------------


def custom_format_from_api(raw: Raw) -> CustomFormat:
    return CustomFormat(
        name=raw["name"],
        include_when_renaming=bool(raw.get("includeCustomFormatWhenRenaming") or False),
        specifications=tuple(
            Specification(
                name=spec["name"],
                implementation=spec["implementation"],
                negate=bool(spec.get("negate", False)),
                required=bool(spec.get("required", False)),
                fields={field["name"]: field.get("value") for field in spec.get("fields") or ()},
            )
            for spec in raw.get("specifications") or ()
        ),
    )


def custom_format_to_api(cf: CustomFormat, *, base: Raw | None = None) -> dict[str, Any]:
    body = _copy(base)
    body["name"] = cf.name
    body["includeCustomFormatWhenRenaming"] = cf.include_when_renaming
    body["specifications"] = [
        {
            "name": spec.name,
            "implementation": spec.implementation,
            "negate": spec.negate,
            "required": spec.required,
            "fields": [{"name": name, "value": value} for name, value in spec.fields.items()],
        }
        for spec in cf.specifications
    ]
    return body


# --- quality profiles -----------------------------------------------------------------------


def profile_from_api(raw: Raw, *, cf_names_by_id: Mapping[int, str], service: Service) -> LiveProfile:
    api_items: Sequence[Raw] = raw.get("items") or ()
    names_by_id = {_item_id(item): _item_name(item) for item in _walk(api_items)}
    cutoff_id = raw.get("cutoff")
    language = raw.get("language")
    return LiveProfile(
        id=raw["id"],
        raw=raw,
        name=raw["name"],
        upgrade_allowed=bool(raw.get("upgradeAllowed", False)),
        cutoff=names_by_id.get(cutoff_id, f"#{cutoff_id}") if cutoff_id is not None else "",
        items=tuple(_item_from_api(item) for item in reversed(api_items)),
        min_format_score=int(raw.get("minFormatScore", 0)),
        cutoff_format_score=int(raw.get("cutoffFormatScore", 0)),
        min_upgrade_format_score=int(raw.get("minUpgradeFormatScore", 1)),
        language=language["name"] if service == "radarr" and isinstance(language, Mapping) else None,
        scores={
            cf_names_by_id.get(fi["format"], fi.get("name") or f"#{fi['format']}"): int(fi.get("score", 0))
            for fi in raw.get("formatItems") or ()
        },
    )


def quality_objects(raw_profile: Raw) -> dict[str, dict[str, Any]]:
    """Quality name -> API quality object, from any profile (each lists every quality)."""
    return {
        item["quality"]["name"]: dict(item["quality"])
        for item in _walk(raw_profile.get("items") or ())
        if item.get("quality")
    }


def group_ids(raw_profile: Raw) -> dict[str, int]:
    """Group name -> group id of a fetched profile."""
    return {
        item["name"]: item["id"] for item in _walk(raw_profile.get("items") or ()) if not item.get("quality")
    }


def profile_to_api(
    profile: QualityProfile,
    *,
    base: Raw | None,
    quality_ids: Mapping[str, Mapping[str, Any]],
    cf_ids_by_name: Mapping[str, int],
    language_ids: Mapping[str, int] | None = None,
    existing_group_ids: Mapping[str, int] | None = None,
) -> dict[str, Any]:
    """The whole API object for `profile`.

    `base` is the fetched profile (update) or the `/qualityprofile/schema` template (create).
    `quality_ids` maps quality name -> API quality object (see `quality_objects`).
    `existing_group_ids` defaults to the groups of `base`. Raises `ValueError` for names the
    server does not know (validation should have caught them earlier).
    """
    known_groups = dict(group_ids(base or {}) if existing_group_ids is None else existing_group_ids)
    ids = _assign_group_ids(profile.items, known_groups)
    item_ids = {
        item.name: ids[item.name] if item.is_group else _quality(quality_ids, item.name)["id"]
        for item in profile.items
    }
    if profile.cutoff not in item_ids:
        raise ValueError(f"cutoff {profile.cutoff!r} is not an item of profile {profile.name!r}")
    unknown = sorted(set(profile.scores) - set(cf_ids_by_name))
    if unknown:
        raise ValueError(f"profile {profile.name!r} scores unknown custom formats: {', '.join(unknown)}")

    body = _copy(base)
    body.update(
        name=profile.name,
        upgradeAllowed=profile.upgrade_allowed,
        cutoff=item_ids[profile.cutoff],
        items=[_item_to_api(item, ids, quality_ids) for item in reversed(profile.items)],
        minFormatScore=profile.min_format_score,
        cutoffFormatScore=profile.cutoff_format_score,
        minUpgradeFormatScore=profile.min_upgrade_format_score,
        formatItems=[
            {"format": cf_id, "name": name, "score": profile.scores.get(name, 0)}
            for name, cf_id in sorted(cf_ids_by_name.items(), key=lambda pair: pair[1])
        ],
    )
    if profile.language is not None:
        if language_ids is None or profile.language not in language_ids:
            raise ValueError(f"unknown language {profile.language!r} in profile {profile.name!r}")
        body["language"] = {"id": language_ids[profile.language], "name": profile.language}
    return body


def _walk(items: Iterable[Raw]) -> Iterable[Raw]:
    for item in items:
        yield item
        yield from _walk(item.get("items") or ())


def _item_id(item: Raw) -> int:
    quality = item.get("quality")
    return int(quality["id"]) if quality else int(item["id"])


def _item_name(item: Raw) -> str:
    quality = item.get("quality")
    return str(quality["name"]) if quality else str(item["name"])


def _item_from_api(item: Raw) -> ProfileItem:
    if item.get("quality"):
        return ProfileItem(name=item["quality"]["name"], allowed=bool(item.get("allowed", False)))
    children = item.get("items") or ()
    return ProfileItem(
        name=item["name"],
        allowed=bool(item.get("allowed", False)),
        qualities=tuple(_item_name(child) for child in reversed(children)),
    )


def _assign_group_ids(items: Sequence[ProfileItem], known: Mapping[str, int]) -> dict[str, int]:
    ids = {item.name: known[item.name] for item in items if item.is_group and item.name in known}
    taken = set(known.values()) | set(ids.values())
    next_id = FIRST_GROUP_ID
    for item in items:
        if item.is_group and item.name not in ids:
            while next_id in taken:
                next_id += 1
            ids[item.name] = next_id
            taken.add(next_id)
    return ids


def _quality(quality_ids: Mapping[str, Mapping[str, Any]], name: str) -> Mapping[str, Any]:
    try:
        return quality_ids[name]
    except KeyError:
        raise ValueError(f"unknown quality {name!r}") from None


def _item_to_api(
    item: ProfileItem, ids: Mapping[str, int], quality_ids: Mapping[str, Mapping[str, Any]]
) -> dict[str, Any]:
    if not item.is_group:
        return {"quality": dict(_quality(quality_ids, item.name)), "items": [], "allowed": item.allowed}
    return {
        "id": ids[item.name],
        "name": item.name,
        "items": [
            {"quality": dict(_quality(quality_ids, name)), "items": [], "allowed": item.allowed}
            for name in reversed(item.qualities)
        ],
        "allowed": item.allowed,
    }


# --- quality definitions --------------------------------------------------------------------


def quality_definition_from_api(raw: Raw) -> tuple[QualitySize, str]:
    size = QualitySize(
        quality=raw["quality"]["name"],
        min=float(raw.get("minSize") or 0),
        preferred=_size_or_none(raw.get("preferredSize")),
        max=_size_or_none(raw.get("maxSize")),
    )
    return size, str(raw.get("title") or raw["quality"]["name"])


def quality_definitions_to_api(
    changed: Sequence[tuple[Raw, QualitySize, str]], *, size_limit: float | None = None
) -> list[dict[str, Any]]:
    """Whole definition objects for the bulk update. Sizes at or above `size_limit` (the
    server's maximum) are sent as `None`, which the server stores as unlimited."""

    def limited(value: float | None) -> float | None:
        if value is None or (size_limit is not None and value >= size_limit):
            return None
        return value

    bodies = []
    for base, size, title in changed:
        body = _copy(base)
        body.update(
            title=title, minSize=size.min, preferredSize=limited(size.preferred), maxSize=limited(size.max)
        )
        bodies.append(body)
    return bodies


def _size_or_none(value: Any) -> float | None:
    return None if value is None else float(value)


# --- singletons (naming, media management) --------------------------------------------------


def merge_singleton(base: Raw, fields: Mapping[str, Any]) -> dict[str, Any]:
    """GET-modify-PUT body for a config singleton: the whole fetched object with `fields` set."""
    body = _copy(base)
    body.update(fields)
    return body


def _copy(base: Raw | None) -> dict[str, Any]:
    return copy.deepcopy(dict(base)) if base is not None else {}
