"""The Sonarr/Radarr custom format (`/api/v3/customformat`): config `custom_formats:` and
`custom_format_groups:`, resolved against the TRaSH Guides by `syncd.desired` (the kind reads
the resolved `Context.desired`). The ownership key is the guide's trash_id, so a guide rename
updates the same server object; an existing format is adopted by its name.

The comparable essence projects the live format onto what the guide says: specifications in a
canonical order (theirs has no meaning to the server) and, inside each, only the fields the
guide sets (the server adds defaults such as `exceptLanguage: false`). A write is the whole
object (the server resets what a PUT leaves out), starting from the live one on update.

A create also makes the server add the format to every quality profile at score 0, and that
is not atomic: `CustomFormatService.Insert` publishes `CustomFormatAddedEvent`, whose handler
`QualityProfileService.Handle` reads all profiles, inserts the format and writes each profile
back whole, unlocked (Sonarr and Radarr `src/NzbDrone.Core/CustomFormats/CustomFormatService.cs`,
`src/NzbDrone.Core/Profiles/Qualities/QualityProfileService.cs`). Overlapping creates so lose
some of each other's inserts, and a profile missing a format cannot be saved again
(`QualityProfileController`: every custom format must be in `formatItems`) until the
server's daily housekeeping puts the missing ones back at score 0
(`src/NzbDrone.Core/Housekeeping/Housekeepers/CleanupQualityProfileFormatItems.cs`). `repairs`
does the same now, for every profile whether syncd manages it or not: the plan shows the
damage it finds (a failed apply's, an earlier syncd's, another tool's), and apply sends the
repairs after overlapping creates of its own; neither to a profile syncd writes whole anyway
(its write sends every format, `syncd.kinds.quality_profile`). A delete has no such problem: the
`CustomFormatDeletedEvent` handler races the same way, but the server never shows a profile's
item of a deleted format (`QualityProfileRepository.Query` skips it), nor refuses a PUT for it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from syncd.config.model import ResourceEntry
from syncd.domain.resources import CustomFormat, Specification
from syncd.kinds import servarr_json
from syncd.kinds.base import (
    Context,
    EntryModel,
    Found,
    Planned,
    Repair,
    Request,
    Resolved,
    RestCollection,
    ShapeError,
    Wanted,
    Wants,
    object_list,
)

ENDPOINT = "customformat"
PROFILES = "qualityprofile"
_FIELDS = frozenset(CustomFormat.model_fields)


def canonical(cf: CustomFormat) -> CustomFormat:
    """Specifications sorted by name (their order has no meaning to the server)."""
    specs = tuple(sorted(cf.specifications, key=lambda s: (s.name.lower(), s.implementation)))
    return cf.model_copy(update={"specifications": specs})


def projected(live: CustomFormat, desired: CustomFormat) -> CustomFormat:
    """The live format reduced to the spec fields the desired one sets, in canonical order."""
    wanted_fields = {spec.name: set(spec.fields) for spec in desired.specifications}
    specs: list[Specification] = []
    for spec in live.specifications:
        keys = wanted_fields.get(spec.name)
        if keys is None:
            specs.append(spec)
            continue
        specs.append(spec.model_copy(update={"fields": {k: v for k, v in spec.fields.items() if k in keys}}))
    return canonical(live.model_copy(update={"specifications": tuple(specs)}))


def _dump(cf: CustomFormat) -> dict[str, Any]:
    dumped: dict[str, Any] = cf.model_dump(mode="json")
    return dumped


class CustomFormatKind(RestCollection):
    name: ClassVar[str] = "custom_format"
    endpoint: ClassVar[str] = ENDPOINT
    services: ClassVar[frozenset[str]] = frozenset({"sonarr", "radarr"})
    section: ClassVar[str] = "custom_formats"
    entry: ClassVar[type[EntryModel]] = EntryModel
    depends_on: ClassVar[tuple[str, ...]] = ()
    reads: ClassVar[tuple[str, ...]] = (ENDPOINT,)
    sensitive: ClassVar[frozenset[str]] = frozenset()
    replace_on: ClassVar[frozenset[str]] = frozenset()
    repairs_kind: ClassVar[str] = "quality_profile"
    repair_reads: ClassVar[tuple[str, ...]] = (ENDPOINT, PROFILES)

    def wanted(self, entries: tuple[ResourceEntry, ...], context: Context) -> Wants:
        desired = context.desired
        if desired is None:
            return Wants()
        objects = tuple(
            Wanted(
                key=trash_id,
                name=cf.custom_format.name,
                value=_dump(canonical(cf.custom_format)),
                reason=cf.reason,
            )
            for trash_id, cf in desired.custom_formats.items()
        )
        return Wants(objects=objects)

    def found(self, reads: Mapping[str, Any]) -> tuple[Found, ...]:
        found = []
        for raw in object_list(reads, ENDPOINT, {"id": int, "name": str}):
            try:
                cf = servarr_json.custom_format_from_api(raw)
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                raise ShapeError(ENDPOINT, f"custom format {raw['name']!r} is malformed ({exc!r})") from None
            found.append(Found(id=raw["id"], name=raw["name"], raw=raw, value=_dump(canonical(cf))))
        return tuple(found)

    def essence(self, found: Found, wanted: Wanted | None) -> Mapping[str, Any]:
        live = CustomFormat.model_validate({k: v for k, v in found.value.items() if k in _FIELDS})
        if wanted is None:
            return _dump(canonical(live))
        return _dump(projected(live, CustomFormat.model_validate(wanted.value)))

    def sensitive_in(self, reads: Mapping[str, Any]) -> frozenset[str]:
        return frozenset()

    def create_body(self, wanted: Wanted, resolved: Resolved, reads: Mapping[str, Any]) -> Any:
        return servarr_json.custom_format_to_api(CustomFormat.model_validate(wanted.value))

    def update_body(self, wanted: Wanted, found: Found, resolved: Resolved) -> Any:
        return servarr_json.custom_format_to_api(CustomFormat.model_validate(wanted.value), base=found.raw)

    def repairs(self, reads: Mapping[str, Any], planned: tuple[Planned, ...]) -> tuple[Repair, ...]:
        """A PUT for each profile missing some of the server's formats (not counting those
        `planned` to be deleted): the profile as read, with every missing one first at score 0
        (where `CustomFormatAddedEvent` inserts them), and no other change."""
        going = {p.live_id for p in planned if p.action in ("delete", "replace")}
        formats = object_list(reads, ENDPOINT, {"id": int, "name": str})
        found = []
        for profile in object_list(reads, PROFILES, {"id": int, "name": str, "formatItems": list}):
            items = profile["formatItems"]
            held = {item.get("format") for item in items if isinstance(item, Mapping)}
            missing = [
                {"format": f["id"], "name": f["name"], "score": 0} for f in formats if f["id"] not in held
            ]
            lost = sorted(item["name"] for item in missing if item["format"] not in going)
            if not lost:
                continue
            body = {**profile, "formatItems": [*reversed(missing), *items]}
            count = f"{len(lost)} custom format{'' if len(lost) == 1 else 's'}"
            reason = (
                f"restore the {count} the server lost from this profile, at score 0: "
                "no score changes, safe for a profile syncd does not manage"
            )
            found.append(
                Repair(
                    object_id=profile["id"],
                    name=profile["name"],
                    request=Request("PUT", f"{PROFILES}/{profile['id']}", body),
                    reason=reason,
                    before={"scores": {}},
                    after={"scores": dict.fromkeys(lost, 0)},
                )
            )
        return tuple(found)
