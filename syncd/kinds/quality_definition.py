"""Sonarr/Radarr quality definitions (`/api/v3/qualitydefinition`): config
`quality_definition:` (TRaSH sizes, resolved by `syncd.desired.sizes`, and titles).

The server holds one definition per quality, always: syncd only updates them, all changed ones
in one bulk `PUT qualitydefinition/update` of whole objects. Sizes are MB per minute, `None`
unlimited, and compare to one decimal as the servers round them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from syncd.config.model import ResourceEntry
from syncd.domain.resources import QualitySize
from syncd.kinds import servarr_json
from syncd.kinds.base import (
    Context,
    EntryModel,
    Found,
    Request,
    Resolved,
    ShapeError,
    Wanted,
    Wants,
    object_list,
)

ENDPOINT = "qualitydefinition"
SIZES = ("min", "preferred", "max")


def sizes_equal(left: float | None, right: float | None) -> bool:
    """Sizes compare to one decimal, as both tools round them; None (unlimited) only equals None."""
    if left is None or right is None:
        return left is right
    return round(left, 1) == round(right, 1)


class QualityDefinition:
    name: ClassVar[str] = "quality_definition"
    services: ClassVar[frozenset[str]] = frozenset({"sonarr", "radarr"})
    section: ClassVar[str] = "quality_definition"
    entry: ClassVar[type[EntryModel]] = EntryModel
    depends_on: ClassVar[tuple[str, ...]] = ()
    reads: ClassVar[tuple[str, ...]] = (ENDPOINT,)
    sensitive: ClassVar[frozenset[str]] = frozenset()
    replace_on: ClassVar[frozenset[str]] = frozenset()
    fixed: ClassVar[bool] = True
    bulk: ClassVar[bool] = True

    def wanted(self, entries: tuple[ResourceEntry, ...], context: Context) -> Wants:
        desired = context.desired
        if desired is None:
            return Wants()
        sizes = {s.quality: s for s in desired.quality_sizes or ()}
        objects = []
        for quality in sorted(set(sizes) | set(desired.quality_titles)):
            value: dict[str, Any] = {}
            if quality in sizes:
                value.update({k: getattr(sizes[quality], k) for k in SIZES})
            if quality in desired.quality_titles:
                value["title"] = desired.quality_titles[quality]
            objects.append(Wanted(key="", name=quality, value=value, reason=self.name))
        return Wants(objects=tuple(objects))

    def found(self, reads: Mapping[str, Any]) -> tuple[Found, ...]:
        found = []
        for raw in object_list(reads, ENDPOINT, {"id": int, "quality": Mapping}):
            quality = raw["quality"].get("name")
            if not isinstance(quality, str):
                raise ShapeError(ENDPOINT, f"definition {raw['id']} has a quality without a name")
            value = {
                "min": float(raw.get("minSize") or 0),
                "preferred": _size(raw.get("preferredSize")),
                "max": _size(raw.get("maxSize")),
                "title": str(raw.get("title") or quality),
            }
            found.append(Found(id=raw["id"], name=quality, raw=raw, value=value))
        return tuple(found)

    def essence(self, found: Found, wanted: Wanted | None) -> Mapping[str, Any]:
        live = {k: found.value.get(k) for k in (*SIZES, "title")}
        if wanted is None:
            return live
        if all(k in wanted.value and sizes_equal(live[k], wanted.value[k]) for k in SIZES):
            live.update({k: wanted.value[k] for k in SIZES})
        return {k: live[k] for k in wanted.value}

    def sensitive_in(self, reads: Mapping[str, Any]) -> frozenset[str]:
        return frozenset()

    def request(
        self,
        action: str,
        wanted: Wanted | None,
        found: Found | None,
        resolved: Resolved,
        reads: Mapping[str, Any],
    ) -> Request:
        assert wanted is not None and found is not None and action == "update"
        return self.bulk_request([(wanted, found)], reads)

    def bulk_request(self, pairs: list[tuple[Wanted, Found]], reads: Mapping[str, Any]) -> Request:
        """Whole definition objects of the changed qualities, in one bulk update."""
        changed = []
        for wanted, found in pairs:
            value = {**found.value, **wanted.value}
            size = QualitySize(quality=found.name, **{k: value[k] for k in SIZES})
            changed.append((found.raw, size, str(value["title"])))
        return Request("PUT", f"{ENDPOINT}/update", servarr_json.quality_definitions_to_api(changed))


def _size(value: Any) -> float | None:
    return None if value is None else float(value)
