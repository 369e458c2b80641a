"""Pure: build one instance's plan from desired state, live state and ownership.

Matching follows Recyclarr's ID-first rule: a stored id that still exists wins (so guide
renames update the same server object); otherwise a single case-insensitive name match is
adopted; two name matches are an error for that object; no match means create. Deletes are
planned only for what the delete policy allows. Changes come out in apply order: custom
formats, quality profiles, then deletes. (Quality definitions, naming and media management
are resource kinds of `syncd.kinds`.)

A qBittorrent instance has one resource, its preferences (`build_preferences_plan`), diffed
like the naming and media-management singletons.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeVar

from syncd.config.model import QbittorrentConfig
from syncd.domain.resources import ProfileItem, QualityProfile
from syncd.domain.state import (
    DesiredInstance,
    DesiredProfile,
    LiveCustomFormat,
    LiveInstance,
    LiveProfile,
    Ownership,
)
from syncd.errors import Diagnostic
from syncd.plan import diff as diffing
from syncd.plan import normalize
from syncd.plan.model import Action, Change, InstancePlan


class ResourceType(StrEnum):
    """Kinds of resource, in the order apply runs them (deletes run last, in reverse)."""

    CUSTOM_FORMAT = "custom_format"
    QUALITY_PROFILE = "quality_profile"
    QBITTORRENT_PREFERENCES = "qbittorrent_preferences"


_SINGLETONS = {ResourceType.QBITTORRENT_PREFERENCES}
_ORDER = list(ResourceType)


def _sort_key(change: Change) -> tuple[int, str]:
    # Deletes after everything else (profiles first stop scoring a CF, then it goes).
    order = _ORDER.index(ResourceType(change.type))
    if change.action is Action.DELETE:
        return (100 + len(_ORDER) - order, change.name.lower())
    return (order, change.name.lower())


@dataclass
class _Context:
    """What one planning pass accumulates; local to `build_instance_plan`."""

    desired: DesiredInstance
    live: LiveInstance
    ownership: Ownership
    changes: list[Change] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    # live CF id -> trash_id of the desired CF that claimed it
    claimed_cfs: dict[int, str] = field(default_factory=dict)
    # CF names as they will be when profiles are written (renames applied, creates added)
    cf_names_at_profiles: dict[int | str, str] = field(default_factory=dict)
    claimed_profiles: set[int] = field(default_factory=set)

    @property
    def instance(self) -> str:
        return self.desired.address

    def error(self, location: str, message: str) -> None:
        self.diagnostics.append(Diagnostic(location=location, message=message))

    def add(self, change: Change) -> None:
        self.changes.append(change)


def build_instance_plan(desired: DesiredInstance, live: LiveInstance, ownership: Ownership) -> InstancePlan:
    ctx = _Context(desired=desired, live=live, ownership=ownership)
    _plan_custom_formats(ctx)
    _plan_profiles(ctx)
    _plan_custom_format_deletes(ctx)
    _plan_profile_deletes(ctx)
    changes = tuple(sorted(ctx.changes, key=_sort_key))
    return InstancePlan(
        instance=desired.address,
        service=desired.service,
        changes=changes,
        diagnostics=desired.diagnostics + tuple(ctx.diagnostics),
        live_fingerprint=live.fingerprint,
    )


def _dump(value: Any) -> dict[str, Any]:
    dumped: dict[str, Any] = value.model_dump(mode="json")
    return dumped


def _change(
    instance: str,
    kind: ResourceType,
    name: str,
    *,
    key: str = "",
    live_id: int | None = None,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    reason: str,
) -> Change:
    if before is None:
        action = Action.CREATE
    elif after is None:
        action = Action.DELETE
    else:
        action = Action.UPDATE if before != after else Action.NOOP
    field_diff = diffing.diff(before, after) if action is Action.UPDATE else ()
    return Change(
        instance=instance,
        type=kind,
        name=name,
        action=action,
        key=key,
        live_id=live_id,
        singleton=kind in _SINGLETONS,
        before=before,
        after=after,
        diff=field_diff,
        reason=reason,
    )


def _match_by_name(
    name: str, candidates: Iterable[tuple[int, str]], claimed: Mapping[int, Any] | set[int]
) -> int | str | None:
    """The id of the single unclaimed case-insensitive name match, None, or "ambiguous"."""
    hits = [cid for cid, cname in candidates if cname.lower() == name.lower() and cid not in claimed]
    if len(hits) > 1:
        return "ambiguous"
    return hits[0] if hits else None


def _plan_custom_formats(ctx: _Context) -> None:
    live_by_id = {cf.id: cf for cf in ctx.live.custom_formats}
    for cf in ctx.live.custom_formats:
        ctx.cf_names_at_profiles[cf.id] = cf.custom_format.name
    for trash_id, wanted in sorted(
        ctx.desired.custom_formats.items(), key=lambda kv: kv[1].custom_format.name
    ):
        desired_cf = normalize.canonical_custom_format(wanted.custom_format)
        match: LiveCustomFormat | None = None
        owned_id = ctx.ownership.custom_formats.get(trash_id)
        if owned_id is not None and owned_id in live_by_id and owned_id not in ctx.claimed_cfs:
            match = live_by_id[owned_id]
        else:
            found = _match_by_name(
                desired_cf.name,
                ((c.id, c.custom_format.name) for c in ctx.live.custom_formats),
                ctx.claimed_cfs,
            )
            if found == "ambiguous":
                ctx.error(
                    f'{ctx.instance}.custom_format["{desired_cf.name}"]',
                    "several custom formats on the server have this name (case-insensitive); "
                    "rename or delete the duplicates by hand",
                )
                continue
            if isinstance(found, int):
                match = live_by_id[found]
        if match is None:
            ctx.cf_names_at_profiles[f"new:{trash_id}"] = desired_cf.name
            ctx.add(
                _change(
                    ctx.instance,
                    ResourceType.CUSTOM_FORMAT,
                    desired_cf.name,
                    key=trash_id,
                    before=None,
                    after=_dump(desired_cf),
                    reason=wanted.reason,
                )
            )
            continue
        ctx.claimed_cfs[match.id] = trash_id
        ctx.cf_names_at_profiles[match.id] = desired_cf.name
        before = normalize.live_custom_format_essence(match.custom_format, desired_cf)
        reason = wanted.reason
        if owned_id is None or owned_id != match.id:
            reason = f"{reason}; adopted existing custom format by name" if reason else "adopted by name"
        ctx.add(
            _change(
                ctx.instance,
                ResourceType.CUSTOM_FORMAT,
                desired_cf.name,
                key=trash_id,
                live_id=match.id,
                before=_dump(before),
                after=_dump(desired_cf),
                reason=reason,
            )
        )


def build_preferences_plan(
    config: QbittorrentConfig, live: Mapping[str, Any], *, fingerprint: str
) -> InstancePlan:
    """The plan of one qBittorrent instance: a single change that shows only the managed keys.

    qBittorrent ignores keys it does not know, so a key the server does not return, or a value of
    another type than the server holds (it would never converge), is an error at its config line.
    """
    diagnostics = tuple(
        Diagnostic(location=str(s.origin), message=f"{config.address}: {problem}")
        for s in config.preferences
        if (problem := _preference_problem(s.key, s.value, live)) is not None
    )
    changes: tuple[Change, ...] = ()
    if config.preferences and not diagnostics:
        wanted = dict(sorted(config.wanted.items()))
        kind = ResourceType.QBITTORRENT_PREFERENCES
        change = _change(
            config.address,
            kind,
            "preferences",
            before={k: live[k] for k in wanted},
            after=wanted,
            reason="preferences",
        )
        changes = (change,)
    return InstancePlan(
        instance=config.address,
        service="qbittorrent",
        changes=changes,
        diagnostics=diagnostics,
        live_fingerprint=fingerprint,
    )


def _preference_problem(key: str, value: Any, live: Mapping[str, Any]) -> str | None:
    if key not in live:
        near = difflib.get_close_matches(key, list(live), n=3, cutoff=0.6) or sorted(live)[:3]
        return f"qBittorrent has no preference {key!r} (known keys include {', '.join(near)})"
    held, wanted = _value_kind(live[key]), _value_kind(value)
    if live[key] is not None and held != wanted:
        return f"preference {key!r} must be {held}, got {wanted}"
    return None


def _value_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list | tuple):
        return "a list"
    return "a mapping" if isinstance(value, Mapping) else type(value).__name__


def _live_profile_value(profile: LiveProfile) -> QualityProfile:
    return QualityProfile(
        name=profile.name,
        upgrade_allowed=profile.upgrade_allowed,
        cutoff=profile.cutoff,
        items=normalize.canonical_items(profile.items),
        min_format_score=profile.min_format_score,
        cutoff_format_score=profile.cutoff_format_score,
        min_upgrade_format_score=profile.min_upgrade_format_score,
        language=profile.language,
        scores=profile.scores,
    )


def _plan_profiles(ctx: _Context) -> None:
    live_by_id = {p.id: p for p in ctx.live.quality_profiles}
    trash_by_final_name = {
        name: ctx.claimed_cfs.get(cid) if isinstance(cid, int) else cid.removeprefix("new:")
        for cid, name in ctx.cf_names_at_profiles.items()
    }
    for wanted in ctx.desired.quality_profiles:
        address = f'{ctx.instance}.quality_profile["{wanted.name}"]'
        match: LiveProfile | None = None
        owned_id = ctx.ownership.quality_profiles.get(wanted.key)
        if owned_id is not None and owned_id in live_by_id and owned_id not in ctx.claimed_profiles:
            match = live_by_id[owned_id]
        else:
            found = _match_by_name(
                wanted.name, ((p.id, p.name) for p in ctx.live.quality_profiles), ctx.claimed_profiles
            )
            if found == "ambiguous":
                ctx.error(address, "several quality profiles on the server have this name")
                continue
            if isinstance(found, int):
                match = live_by_id[found]
        if match is None and not wanted.create:
            ctx.diagnostics.append(
                Diagnostic(
                    location=address,
                    message="only named in assign_scores_to and not on the server; not created",
                    severity="warning",
                )
            )
            continue
        if match is not None:
            ctx.claimed_profiles.add(match.id)
        after = _desired_profile_value(ctx, wanted, match, trash_by_final_name, address)
        if after is None:
            continue
        before = None
        if match is not None:
            before_value = _live_profile_value(match)
            before_value = before_value.model_copy(update={"scores": _scores_at_write_time(ctx, match)})
            before = _dump(before_value)
        reason = wanted.reason or "quality_profiles"
        if match is not None and owned_id != match.id:
            reason = f"{reason}; adopted existing profile by name"
        ctx.add(
            _change(
                ctx.instance,
                ResourceType.QUALITY_PROFILE,
                wanted.name,
                key=wanted.key,
                live_id=match.id if match else None,
                before=before,
                after=_dump(after),
                reason=reason,
            )
        )


def _scores_at_write_time(ctx: _Context, live: LiveProfile) -> dict[str, int]:
    """The live profile's scores as the server will hold them when the profile is written:
    renamed CFs under their new names and created CFs at 0 (the server adds them so)."""
    by_old_name = {
        c.custom_format.name: ctx.cf_names_at_profiles.get(c.id, c.custom_format.name)
        for c in ctx.live.custom_formats
    }
    scores = {by_old_name.get(name, name): score for name, score in live.scores.items()}
    for cid, name in ctx.cf_names_at_profiles.items():
        if isinstance(cid, str):
            scores.setdefault(name, 0)
    return dict(sorted(scores.items()))


def _desired_profile_value(
    ctx: _Context,
    wanted: DesiredProfile,
    live: LiveProfile | None,
    trash_by_final_name: Mapping[str, str | None],
    address: str,
) -> QualityProfile | None:
    items = wanted.items if wanted.items is not None else (live.items if live else None)
    if items is None:
        ctx.error(address, "a new quality profile needs qualities (set `qualities` or use a guide profile)")
        return None
    items = _complete_items(ctx, normalize.canonical_items(items), address)
    if items is None:
        return None
    allowed = [i.name for i in items if i.allowed]
    if not allowed:
        ctx.error(address, "the profile allows no quality")
        return None
    cutoff = wanted.cutoff or (live.cutoff if live and live.cutoff in allowed else allowed[0])
    if cutoff not in allowed:
        ctx.error(address, f"cutoff {cutoff!r} is not an allowed quality or group ({', '.join(allowed)})")
        return None
    language = wanted.language or (live.language if live else None)
    if ctx.desired.service == "radarr":
        language = language or "Any"
        if ctx.live.languages and language not in ctx.live.languages:
            ctx.error(address, f"unknown language {language!r}")
            return None
    else:
        language = None
    scores = _profile_scores(ctx, wanted, live, trash_by_final_name)
    min_score = _first(wanted.min_format_score, live.min_format_score if live else None, 0)
    reachable = sum(s for s in scores.values() if s > 0)
    if min_score > 0 and reachable < min_score:
        ctx.error(
            address, f"minimum custom format score {min_score} can never be satisfied (max {reachable})"
        )
        return None
    return QualityProfile(
        name=wanted.name,
        upgrade_allowed=_first(wanted.upgrade_allowed, live.upgrade_allowed if live else None, True),
        cutoff=cutoff,
        items=items,
        min_format_score=min_score,
        cutoff_format_score=_first(wanted.cutoff_format_score, live.cutoff_format_score if live else None, 0),
        min_upgrade_format_score=_first(
            wanted.min_upgrade_format_score, live.min_upgrade_format_score if live else None, 1
        ),
        language=language,
        scores=scores,
    )


T = TypeVar("T")


def _first(*values: T | None) -> T:
    for value in values:
        if value is not None:
            return value
    raise ValueError("no value given")


def _complete_items(
    ctx: _Context, items: tuple[ProfileItem, ...], address: str
) -> tuple[ProfileItem, ...] | None:
    """Check every quality is known and listed once; append the unlisted ones, not allowed."""
    known = ctx.live.qualities
    seen: list[str] = []
    for item in items:
        seen.extend(item.qualities or (item.name,))
    unknown = [q for q in seen if known and q not in known]
    if unknown:
        ctx.error(address, f"unknown qualities {', '.join(sorted(set(unknown)))}")
        return None
    duplicates = sorted({q for q in seen if seen.count(q) > 1})
    if duplicates:
        ctx.error(address, f"qualities listed more than once: {', '.join(duplicates)}")
        return None
    missing = [q for q in known if q not in seen]
    return items + tuple(ProfileItem(name=q, allowed=False) for q in missing)


def _profile_scores(
    ctx: _Context,
    wanted: DesiredProfile,
    live: LiveProfile | None,
    trash_by_final_name: Mapping[str, str | None],
) -> dict[str, int]:
    live_scores = _scores_at_write_time(ctx, live) if live else {}
    reset = wanted.reset_unmatched
    patterns = [re.compile(p, re.IGNORECASE) for p in reset.except_patterns]
    excepted = {n.lower() for n in reset.except_names}
    scores: dict[str, int] = {}
    for name in sorted(set(ctx.cf_names_at_profiles.values())):
        trash_id = trash_by_final_name.get(name)
        if trash_id is not None and trash_id in wanted.scores:
            scores[name] = wanted.scores[trash_id]
        elif reset.enabled and name.lower() not in excepted and not any(p.search(name) for p in patterns):
            scores[name] = 0
        else:
            scores[name] = live_scores.get(name, 0)
    return scores


def _plan_custom_format_deletes(ctx: _Context) -> None:
    policy = ctx.desired.delete
    _plan_deletes(
        ctx,
        ResourceType.CUSTOM_FORMAT,
        (
            (cf.id, cf.custom_format.name, normalize.canonical_custom_format(cf.custom_format))
            for cf in ctx.live.custom_formats
            if cf.id not in ctx.claimed_cfs
        ),
        owned=ctx.ownership.custom_formats,
        delete_owned=policy.custom_formats,
        delete_unmanaged=policy.unmanaged_custom_formats,
        ignore=policy.unmanaged_custom_formats_ignore,
    )


def _plan_profile_deletes(ctx: _Context) -> None:
    policy = ctx.desired.delete
    _plan_deletes(
        ctx,
        ResourceType.QUALITY_PROFILE,
        (
            (p.id, p.name, _live_profile_value(p))
            for p in ctx.live.quality_profiles
            if p.id not in ctx.claimed_profiles
        ),
        owned=ctx.ownership.quality_profiles,
        delete_owned=policy.quality_profiles,
        delete_unmanaged=policy.unmanaged_quality_profiles,
        ignore=policy.unmanaged_quality_profiles_ignore,
    )


def _plan_deletes(
    ctx: _Context,
    kind: ResourceType,
    unclaimed: Iterable[tuple[int, str, Any]],
    *,
    owned: Mapping[str, int],
    delete_owned: bool,
    delete_unmanaged: bool,
    ignore: Iterable[str],
) -> None:
    """Delete server objects nobody in the config claims: owned ones under `delete.<kind>s`,
    any under `delete.unmanaged_<kind>s` except the ignored names."""
    if not (delete_owned or delete_unmanaged):
        return
    owner_key = {object_id: key for key, object_id in owned.items()}
    ignored = {n.lower() for n in ignore}
    for object_id, name, value in unclaimed:
        if object_id in owner_key and delete_owned:
            reason = f"owned by syncd and no longer in the config (delete.{kind.value}s)"
        elif delete_unmanaged and name.lower() not in ignored:
            reason = f"not managed by syncd (delete.unmanaged_{kind.value}s)"
        else:
            continue
        ctx.add(
            _change(
                ctx.instance,
                kind,
                name,
                key=owner_key.get(object_id, ""),
                live_id=object_id,
                before=_dump(value),
                after=None,
                reason=reason,
            )
        )


def deletes_profiles(plan: InstancePlan) -> bool:
    return any(c.type == ResourceType.QUALITY_PROFILE and c.action is Action.DELETE for c in plan.changes)


def spare_profiles_in_use(plan: InstancePlan, in_use: Mapping[int, int], *, media: str) -> InstancePlan:
    """Drop planned deletes of profiles that `media` (series/movies) still use: the server
    would refuse them, and syncd never deletes a profile in use. Each becomes a warning."""
    kept: list[Change] = []
    warnings: list[Diagnostic] = []
    for change in plan.changes:
        count = in_use.get(change.live_id or -1, 0)
        if change.type == ResourceType.QUALITY_PROFILE and change.action is Action.DELETE and count:
            warnings.append(
                Diagnostic(
                    location=change.address,
                    message=f"not deleted: {count} {media} still use this profile",
                    severity="warning",
                )
            )
            continue
        kept.append(change)
    return plan.model_copy(update={"changes": tuple(kept), "diagnostics": plan.diagnostics + tuple(warnings)})


def ownership_after(plan: InstancePlan, previous: Ownership, created_ids: Mapping[str, int]) -> Ownership:
    """The ownership once `plan` is applied: matched and created objects are owned, deleted
    ones are forgotten, owned objects outside the plan are kept (for a later opt-in delete).

    `created_ids` maps an address to the id the server gave a created object.
    """
    cfs = dict(previous.custom_formats)
    profiles = dict(previous.quality_profiles)
    for change in plan.changes:
        table = {
            ResourceType.CUSTOM_FORMAT: cfs,
            ResourceType.QUALITY_PROFILE: profiles,
        }.get(ResourceType(change.type))
        if table is None or not change.key:
            continue
        if change.action is Action.DELETE:
            table.pop(change.key, None)
            continue
        object_id = created_ids.get(change.address) if change.action is Action.CREATE else change.live_id
        if object_id is not None:
            table[change.key] = object_id
    return previous.model_copy(update={"custom_formats": cfs, "quality_profiles": profiles})
