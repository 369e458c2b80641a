"""Which custom formats an instance wants, why, and which profiles score them.

Sources, in Recyclarr's order (the first one names the reason): flat `custom_formats`,
guide profiles' `formatItems`, default CF groups of guide profiles (unless skipped or added
explicitly), then `custom_format_groups.add`. Each request carries score assignments (profile
name + optional user score); `syncd.desired.profiles` turns them into scores. Guide CFs become
domain `CustomFormat`s here; local CFs override guide CFs with the same trash_id.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from syncd.config.model import UNKNOWN_ORIGIN, CfGroupsConfig, InstanceConfig, Origin, ScoreTarget
from syncd.desired.diagnostics import Diagnostics
from syncd.desired.groups import applies_to_profile, auto_members, default_members, selected_members
from syncd.desired.slots import ProfileSlot, resolve_target
from syncd.domain.resources import CustomFormat, Specification
from syncd.domain.state import DesiredCustomFormat
from syncd.guides.model import GuideCatalog, GuideCfGroup, GuideCustomFormat


@dataclass(frozen=True)
class Assignment:
    """Score this CF in profile `profile`; `score` is the user's value, None = the guide's."""

    profile: str
    score: int | None = None
    use_default: bool = False
    origin: Origin = UNKNOWN_ORIGIN


@dataclass(frozen=True)
class CfRequest:
    trash_id: str
    reason: str
    origin: Origin
    assignments: tuple[Assignment, ...] = ()
    # True when the user wrote the trash_id (unknown = error); False for guide references.
    from_config: bool = True


def to_domain(cf: GuideCustomFormat) -> CustomFormat:
    """A guide CF as a domain value; spec order and every `fields` key are kept."""
    return CustomFormat(
        name=cf.name,
        include_when_renaming=cf.include_when_renaming,
        specifications=tuple(
            Specification(
                name=spec.name,
                implementation=spec.implementation,
                negate=spec.negate,
                required=spec.required,
                fields=dict(spec.fields),
            )
            for spec in cf.specifications
        ),
    )


def collect_requests(
    instance: InstanceConfig, catalog: GuideCatalog, slots: list[ProfileSlot], diags: Diagnostics
) -> list[CfRequest]:
    groups = {tid.lower(): group for tid, group in catalog.cf_groups.items()}
    requests = _from_flat_entries(instance, catalog, slots, diags)
    for slot in slots:
        if slot.guide is not None:
            requests.extend(
                CfRequest(
                    tid, f"from profile {slot.name}", slot.config.origin, (Assignment(slot.name),), False
                )
                for tid in slot.guide.format_items.values()
            )
    cfg = instance.custom_format_groups
    for ref in cfg.skip:
        if ref.trash_id.lower() not in groups:
            diags.warning(ref.origin, f"skip names unknown CF group {ref.trash_id}")
    if cfg.auto_default_groups:
        skipped = {ref.trash_id.lower() for ref in cfg.skip} | {
            sel.trash_id.trash_id.lower() for sel in cfg.add
        }
        for group in catalog.cf_groups.values():
            if group.default and group.trash_id.lower() not in skipped:
                requests.extend(_default_group_requests(group, slots, cfg, diags))
    for sel in cfg.add:
        found = groups.get(sel.trash_id.trash_id.lower())
        if found is None:
            report = diags.warning if cfg.unknown_warns else diags.error
            report(sel.trash_id.origin, f"unknown CF group trash_id {sel.trash_id.trash_id}")
            continue
        if sel.assign_scores_to:
            resolved = [_assign(t, None, slots, catalog, diags) for t in sel.assign_scores_to]
            assignments = [a for a in resolved if a is not None]
        else:
            assignments = _included_profiles(found, slots)
            if not assignments:
                diags.warning(
                    sel.origin,
                    f"CF group '{found.name}' skipped: none of the configured profiles is in its "
                    "profile list; add assign_scores_to to target a profile",
                )
                continue
        members = selected_members(found, sel, diags)
        requests.extend(_group_requests(found, members, assignments, sel.origin))
    return requests


def _from_flat_entries(
    instance: InstanceConfig, catalog: GuideCatalog, slots: list[ProfileSlot], diags: Diagnostics
) -> list[CfRequest]:
    requests: list[CfRequest] = []
    for entry in instance.custom_formats:
        resolved = [_assign(t, entry.score, slots, catalog, diags) for t in entry.assign_scores_to]
        assignments = tuple(a for a in resolved if a is not None)
        for ref in entry.trash_ids:
            requests.append(
                CfRequest(ref.trash_id, f"from custom_formats ({ref.origin})", ref.origin, assignments)
            )
    return requests


def _assign(
    target: ScoreTarget,
    entry_score: int | None,
    slots: list[ProfileSlot],
    catalog: GuideCatalog,
    diags: Diagnostics,
) -> Assignment | None:
    name = resolve_target(target, slots, catalog, diags)
    if name is None:
        return None
    score = target.score if target.score is not None else entry_score
    return Assignment(name, score, target.use_default_score, target.origin)


def _included_profiles(group: GuideCfGroup, slots: list[ProfileSlot]) -> list[Assignment]:
    return [
        Assignment(slot.name, origin=slot.config.origin)
        for slot in slots
        if slot.guide is not None and applies_to_profile(group, slot.guide.trash_id)
    ]


def _default_group_requests(
    group: GuideCfGroup, slots: list[ProfileSlot], cfg: CfGroupsConfig, diags: Diagnostics
) -> list[CfRequest]:
    """A default group's CFs for the guide profiles it applies to: its required and default
    ones, or per profile what that profile's auto-group selection says."""
    targets = _included_profiles(group, slots)
    if not cfg.auto_selection:
        origin = targets[0].origin if targets else UNKNOWN_ORIGIN
        return _group_requests(group, default_members(group), targets, origin)
    requests: list[CfRequest] = []
    for slot in slots:
        if slot.guide is None or not applies_to_profile(group, slot.guide.trash_id):
            continue
        selection = cfg.auto_selection.get(slot.guide.trash_id.lower())
        members = default_members(group) if selection is None else auto_members(group, selection, diags)
        target = Assignment(slot.name, origin=slot.config.origin)
        requests.extend(_group_requests(group, members, [target], slot.config.origin))
    return requests


def _group_requests(
    group: GuideCfGroup, members: list[str], assignments: list[Assignment], origin: Origin
) -> list[CfRequest]:
    if not assignments:
        return []
    reason = f"from group {group.name}"
    return [CfRequest(tid, reason, origin, tuple(assignments), False) for tid in members]


def desired_custom_formats(
    requests: list[CfRequest], available: Mapping[str, GuideCustomFormat], diags: Diagnostics
) -> dict[str, DesiredCustomFormat]:
    """One desired CF per requested trash_id (first request names the reason)."""
    by_id = {tid.lower(): cf for tid, cf in available.items()}
    desired: dict[str, DesiredCustomFormat] = {}
    for request in requests:
        cf = by_id.get(request.trash_id.lower())
        if cf is None:
            if request.from_config:
                diags.error(request.origin, f"unknown custom format trash_id {request.trash_id}")
            else:
                diags.warning(
                    request.origin,
                    f"guide refers to unknown custom format {request.trash_id} ({request.reason})",
                )
            continue
        if cf.trash_id not in desired:
            desired[cf.trash_id] = DesiredCustomFormat(
                trash_id=cf.trash_id, custom_format=to_domain(cf), reason=request.reason
            )
    _check_duplicate_names(desired, requests, diags)
    return desired


def _check_duplicate_names(
    desired: Mapping[str, DesiredCustomFormat], requests: list[CfRequest], diags: Diagnostics
) -> None:
    origins = {r.trash_id.lower(): r.origin for r in reversed(requests)}
    seen: dict[str, str] = {}
    for tid, cf in desired.items():
        name = cf.custom_format.name
        other = seen.setdefault(name.lower(), tid)
        if other != tid:
            diags.error(
                origins.get(tid.lower(), UNKNOWN_ORIGIN),
                f"custom formats {other} and {tid} both resolve to the name '{name}'",
            )
