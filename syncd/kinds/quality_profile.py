"""The Sonarr/Radarr quality profile (`/api/v3/qualityprofile`): config `quality_profiles:`
(and `assign_scores_to` of custom formats), resolved against the guides by `syncd.desired`.

A profile names the custom formats it scores: it depends on the `custom_format` kind, and its
desired value is settled against the plan of the formats (`settle`): every format the server
will hold when the profile is written is scored, under the name it will have then (renames
applied, formats about to be created at 0, as the server adds them). The write resolves each
format to its id through an explicit reference: a live format by its id, a format created in
this apply by its trash_id in `Resolved`. `reset_unmatched` sets every other format to 0.

A profile only named in `assign_scores_to` is updated if it exists, never created. A create
starts from the server's `/qualityprofile/schema` template (read only when one is created);
an update from the live profile, sent whole. A profile that series (Sonarr) or movies
(Radarr) still use is never deleted: the server would refuse it, and syncd warns instead.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, ClassVar, TypeVar

from syncd.config.model import ResourceEntry, Service
from syncd.domain.resources import ProfileItem, QualityProfile
from syncd.domain.state import DesiredProfile
from syncd.errors import Diagnostic, PlanError
from syncd.kinds import servarr_json
from syncd.kinds.base import (
    Context,
    EntryModel,
    Found,
    Planned,
    Request,
    Resolved,
    ShapeError,
    Wanted,
    Wants,
    object_list,
)

PROFILES = "qualityprofile"
FORMATS = "customformat"
DEFINITIONS = "qualitydefinition"
LANGUAGES = "language"
SCHEMA = "qualityprofile/schema"
_FIELDS = frozenset(QualityProfile.model_fields)

T = TypeVar("T")


def canonical_items(items: tuple[ProfileItem, ...]) -> tuple[ProfileItem, ...]:
    """Profile rows with each group's qualities sorted: inside a group all qualities rank the
    same, and the guide and the API list them in different orders."""
    return tuple(
        item.model_copy(update={"qualities": tuple(sorted(item.qualities))}) if item.is_group else item
        for item in items
    )


def _dump(profile: QualityProfile) -> dict[str, Any]:
    dumped: dict[str, Any] = profile.model_dump(mode="json")
    return dumped


def _profile(value: Mapping[str, Any]) -> QualityProfile:
    return QualityProfile.model_validate({k: v for k, v in value.items() if k in _FIELDS})


class QualityProfileKind:
    """Base of the Sonarr and Radarr profile kinds (their reads and library differ)."""

    name: ClassVar[str] = "quality_profile"
    section: ClassVar[str] = "quality_profiles"
    services: ClassVar[frozenset[str]]
    service: ClassVar[Service]
    reads: ClassVar[tuple[str, ...]]
    # The library whose items use a profile, and what they are called in a warning.
    spare_reads: ClassVar[tuple[str, ...]]
    media: ClassVar[str]
    entry: ClassVar[type[EntryModel]] = EntryModel
    depends_on: ClassVar[tuple[str, ...]] = ("custom_format",)
    create_reads: ClassVar[tuple[str, ...]] = (SCHEMA,)
    sensitive: ClassVar[frozenset[str]] = frozenset()
    replace_on: ClassVar[frozenset[str]] = frozenset()

    def wanted(self, entries: tuple[ResourceEntry, ...], context: Context) -> Wants:
        desired = context.desired
        if desired is None:
            return Wants()
        objects = tuple(
            Wanted(key=p.key, name=p.name, value=p.model_dump(mode="json"), reason=p.reason or self.section)
            for p in desired.quality_profiles
        )
        return Wants(objects=objects)

    def found(self, reads: Mapping[str, Any]) -> tuple[Found, ...]:
        names = {f["id"]: f["name"] for f in object_list(reads, FORMATS, {"id": int, "name": str})}
        found = []
        for raw in object_list(reads, PROFILES, {"id": int, "name": str}):
            try:
                live = servarr_json.profile_from_api(raw, cf_names_by_id=names, service=self.service)
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                raise ShapeError(PROFILES, f"profile {raw['name']!r} is malformed ({exc!r})") from None
            value = QualityProfile(
                name=live.name,
                upgrade_allowed=live.upgrade_allowed,
                cutoff=live.cutoff,
                items=canonical_items(live.items),
                min_format_score=live.min_format_score,
                cutoff_format_score=live.cutoff_format_score,
                min_upgrade_format_score=live.min_upgrade_format_score,
                language=live.language,
                scores=live.scores,
            )
            found.append(Found(id=raw["id"], name=raw["name"], raw=raw, value=_dump(value)))
        return tuple(found)

    def essence(self, found: Found, wanted: Wanted | None) -> Mapping[str, Any]:
        """The live profile; against a settled `wanted`, its scores as the server will hold
        them when the profile is written (formats renamed, formats about to be created at 0)."""
        value = _dump(_profile(found.value))
        if wanted is not None and wanted.references:
            value["scores"] = _at_write_time(value["scores"], wanted.references)
        return value

    def sensitive_in(self, reads: Mapping[str, Any]) -> frozenset[str]:
        return frozenset()

    def settle(
        self,
        wanted: Wanted,
        found: Found | None,
        reads: Mapping[str, Any],
        planned: Mapping[str, tuple[Planned, ...]],
    ) -> Wanted | tuple[Diagnostic, ...]:
        """The whole profile the config wants of this server, or why there is none."""
        desired = DesiredProfile.model_validate(wanted.value)
        live = _profile(found.value) if found is not None else None
        if live is None and not desired.create:
            message = "only named in assign_scores_to and not on the server; not created"
            return (Diagnostic(location="", message=message, severity="warning"),)
        references = _formats(reads, planned.get("custom_format", ()))
        problems: list[str] = []
        profile = self._desired(desired, live, references, reads, problems)
        if profile is None:
            return tuple(Diagnostic(location="", message=p) for p in problems)
        return Wanted(
            key=wanted.key,
            name=wanted.name,
            value=_dump(profile),
            origin=wanted.origin,
            reason=wanted.reason,
            references=references,
        )

    def _desired(
        self,
        wanted: DesiredProfile,
        live: QualityProfile | None,
        references: Mapping[str, Mapping[str, Any]],
        reads: Mapping[str, Any],
        problems: list[str],
    ) -> QualityProfile | None:
        items = wanted.items if wanted.items is not None else (live.items if live else None)
        if items is None:
            problems.append("a new quality profile needs qualities (set `qualities` or use a guide profile)")
            return None
        items = _complete_items(canonical_items(items), _qualities(reads), problems)
        if items is None:
            return None
        allowed = [i.name for i in items if i.allowed]
        if not allowed:
            problems.append("the profile allows no quality")
            return None
        cutoff = wanted.cutoff or (live.cutoff if live and live.cutoff in allowed else allowed[0])
        if cutoff not in allowed:
            problems.append(f"cutoff {cutoff!r} is not an allowed quality or group ({', '.join(allowed)})")
            return None
        language = wanted.language or (live.language if live else None)
        if self.service == "radarr":
            language = language or "Any"
            languages = _languages(reads)
            if languages and language not in languages:
                problems.append(f"unknown language {language!r}")
                return None
        else:
            language = None
        scores = _scores(wanted, live, references)
        min_score = _first(wanted.min_format_score, live.min_format_score if live else None, default=0)
        reachable = sum(s for s in scores.values() if s > 0)
        if min_score > 0 and reachable < min_score:
            problems.append(
                f"minimum custom format score {min_score} can never be satisfied (max {reachable})"
            )
            return None
        return QualityProfile(
            name=wanted.name,
            upgrade_allowed=_first(
                wanted.upgrade_allowed, live.upgrade_allowed if live else None, default=True
            ),
            cutoff=cutoff,
            items=items,
            min_format_score=min_score,
            cutoff_format_score=_first(
                wanted.cutoff_format_score, live.cutoff_format_score if live else None, default=0
            ),
            min_upgrade_format_score=_first(
                wanted.min_upgrade_format_score, live.min_upgrade_format_score if live else None, default=1
            ),
            language=language,
            scores=scores,
        )

    def spared(self, found: Found, reads: Mapping[str, Any]) -> str | None:
        (library,) = self.spare_reads
        count = sum(1 for item in object_list(reads, library, {}) if item.get("qualityProfileId") == found.id)
        return f"not deleted: {count} {self.media} still use this profile" if count else None

    def request(
        self,
        action: str,
        wanted: Wanted | None,
        found: Found | None,
        resolved: Resolved,
        reads: Mapping[str, Any],
    ) -> Request:
        if action == "delete":
            assert found is not None
            return Request("DELETE", f"{PROFILES}/{found.id}")
        assert wanted is not None
        profile = _profile(wanted.value)
        if action == "create":
            template = reads.get(SCHEMA)
            if not isinstance(template, Mapping):
                raise PlanError(f"GET {SCHEMA}: expected a JSON object")
            base = {k: v for k, v in template.items() if k != "id"}
        else:
            assert found is not None
            base = dict(found.raw)
        ids: dict[str, int] = {}
        for name, ref in wanted.references.items():
            object_id = ref["live_id"] if "live_id" in ref else resolved.id_of("custom_format", ref["key"])
            if object_id is None:
                raise PlanError(f"custom format {name!r} was not created; run `syncd plan` again")
            ids[name] = object_id
        languages = None
        if profile.language is not None:
            languages = {
                item["name"]: item["id"] for item in object_list(reads, LANGUAGES, {"id": int, "name": str})
            }
        try:
            body = servarr_json.profile_to_api(
                profile,
                base=base,
                quality_ids=servarr_json.quality_objects(base),
                cf_ids_by_name=ids,
                language_ids=languages,
            )
        except ValueError as exc:  # names the server no longer knows: a race with a hand edit
            raise PlanError(
                f"cannot write quality profile {profile.name!r}: {exc}; run `syncd plan` again"
            ) from exc
        except (KeyError, TypeError, AttributeError) as exc:
            raise PlanError(
                f"cannot write quality profile {profile.name!r}: malformed server profile ({exc!r})"
            ) from exc
        if action == "create":
            return Request("POST", PROFILES, body)
        return Request("PUT", f"{PROFILES}/{found.id if found else ''}", body)


class SonarrQualityProfile(QualityProfileKind):
    services: ClassVar[frozenset[str]] = frozenset({"sonarr"})
    service: ClassVar[Service] = "sonarr"
    reads: ClassVar[tuple[str, ...]] = (PROFILES, FORMATS, DEFINITIONS)
    spare_reads: ClassVar[tuple[str, ...]] = ("series",)
    media: ClassVar[str] = "series"


class RadarrQualityProfile(QualityProfileKind):
    services: ClassVar[frozenset[str]] = frozenset({"radarr"})
    service: ClassVar[Service] = "radarr"
    reads: ClassVar[tuple[str, ...]] = (PROFILES, FORMATS, DEFINITIONS, LANGUAGES)
    spare_reads: ClassVar[tuple[str, ...]] = ("movie",)
    media: ClassVar[str] = "movies"


def _formats(reads: Mapping[str, Any], changes: tuple[Planned, ...]) -> dict[str, dict[str, Any]]:
    """Every custom format the server will hold when profiles are written, by the name it will
    have then: a live one by its id (`was` its name now), one about to be created by its key."""
    by_live = {c.live_id: c for c in changes if c.live_id is not None and c.action != "delete"}
    references: dict[str, dict[str, Any]] = {}
    for live in object_list(reads, FORMATS, {"id": int, "name": str}):
        change = by_live.get(live["id"])
        reference: dict[str, Any] = {"live_id": live["id"], "was": live["name"]}
        if change is not None:
            reference["key"] = change.key
        references[change.name if change else live["name"]] = reference
    for change in changes:
        if change.action == "create":
            references[change.name] = {"key": change.key}
    return dict(sorted(references.items()))


def _at_write_time(scores: Mapping[str, int], references: Mapping[str, Mapping[str, Any]]) -> dict[str, int]:
    """Live scores as the server will hold them when the profile is written: renamed formats
    under their new names, formats about to be created at 0 (the server adds them so)."""
    renamed = {ref["was"]: name for name, ref in references.items() if "was" in ref}
    held = {renamed.get(n, n): s for n, s in scores.items()}
    for name, ref in references.items():
        if "live_id" not in ref:
            held.setdefault(name, 0)
    return dict(sorted(held.items()))


def _scores(
    wanted: DesiredProfile, live: QualityProfile | None, references: Mapping[str, Mapping[str, Any]]
) -> dict[str, int]:
    live_scores = _at_write_time(live.scores, references) if live else {}
    reset = wanted.reset_unmatched
    patterns = [re.compile(p, re.IGNORECASE) for p in reset.except_patterns]
    excepted = {n.lower() for n in reset.except_names}
    scores: dict[str, int] = {}
    for name in sorted(references):
        trash_id = references[name].get("key")
        if trash_id is not None and trash_id in wanted.scores:
            scores[name] = wanted.scores[trash_id]
        elif reset.enabled and name.lower() not in excepted and not any(p.search(name) for p in patterns):
            scores[name] = 0
        else:
            scores[name] = live_scores.get(name, 0)
    return scores


def _qualities(reads: Mapping[str, Any]) -> tuple[str, ...]:
    """Every quality the server knows, in its order (one definition each)."""
    definitions = object_list(reads, DEFINITIONS, {"quality": Mapping})
    return tuple(str(d["quality"].get("name")) for d in definitions)


def _languages(reads: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(item["name"] for item in object_list(reads, LANGUAGES, {"id": int, "name": str}))


def _complete_items(
    items: tuple[ProfileItem, ...], known: tuple[str, ...], problems: list[str]
) -> tuple[ProfileItem, ...] | None:
    """Check every quality is known and listed once; append the unlisted ones, not allowed."""
    seen: list[str] = []
    for item in items:
        seen.extend(item.qualities or (item.name,))
    unknown = [q for q in seen if known and q not in known]
    if unknown:
        problems.append(f"unknown qualities {', '.join(sorted(set(unknown)))}")
        return None
    duplicates = sorted({q for q in seen if seen.count(q) > 1})
    if duplicates:
        problems.append(f"qualities listed more than once: {', '.join(duplicates)}")
        return None
    missing = [q for q in known if q not in seen]
    return items + tuple(ProfileItem(name=q, allowed=False) for q in missing)


def _first(*values: T | None, default: T) -> T:
    return next((v for v in values if v is not None), default)
