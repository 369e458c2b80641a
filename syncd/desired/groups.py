"""Which custom formats of a TRaSH CF group are wanted.

Recyclarr v8.6+ semantics (Configarr agrees): a group always brings its `required` CFs;
without modifiers it also brings the `default` CFs; `select` adds further optional CFs on
top of the defaults (`select_all` adds every CF); `exclude` removes non-required CFs.
A default group applies to a guide profile that its `quality_profiles.include` lists (or,
for guide pins older than Feb 2026, that its `exclude` does not list).
"""

from __future__ import annotations

from syncd.config.model import AutoGroupSelection, CfGroupSelection
from syncd.desired.diagnostics import Diagnostics
from syncd.guides.model import GuideCfGroup


def default_members(group: GuideCfGroup) -> list[str]:
    """The CFs a group brings when nothing is selected: required and default ones."""
    return [cf.trash_id for cf in group.custom_formats if cf.required or cf.default]


def auto_members(group: GuideCfGroup, selection: AutoGroupSelection, diags: Diagnostics) -> list[str]:
    """The CFs a default group brings to a guide profile under Configarr's auto-group selection."""
    chosen = [
        cf
        for cf in group.custom_formats
        if selection.include_unrequired or cf.required or (selection.include_optional and cf.default)
    ]
    picked = {cf.trash_id.lower() for cf in chosen}
    members = {cf.trash_id.lower(): cf for cf in group.custom_formats}
    for ref in selection.include_cfs:
        member = members.get(ref.trash_id.lower())
        if member is not None and ref.trash_id.lower() not in picked:
            chosen.append(member)
            picked.add(ref.trash_id.lower())
    excluded = {ref.trash_id.lower() for ref in selection.exclude_cfs}
    for ref in selection.exclude_cfs:
        member = members.get(ref.trash_id.lower())
        if member is not None and member.required:
            diags.warning(ref.origin, f"excluding removes required CF '{member.name}' of '{group.name}'")
    return [cf.trash_id for cf in chosen if cf.trash_id.lower() not in excluded]


def selected_members(group: GuideCfGroup, selection: CfGroupSelection, diags: Diagnostics) -> list[str]:
    """The CFs an explicitly added group brings, in the group's order."""
    members = {cf.trash_id.lower(): cf for cf in group.custom_formats}
    select = {ref.trash_id.lower() for ref in selection.select or ()}
    exclude = {ref.trash_id.lower() for ref in selection.exclude}
    for ref in (*(selection.select or ()), *selection.exclude):
        if ref.trash_id.lower() not in members:
            diags.error(ref.origin, f"CF {ref.trash_id} is not a member of CF group '{group.name}'")
    for ref in selection.exclude:
        member = members.get(ref.trash_id.lower())
        if member is not None and member.required:
            diags.warning(
                ref.origin, f"excluding required CF '{member.name}' of '{group.name}' has no effect"
            )
    wanted: list[str] = []
    for cf in group.custom_formats:
        key = cf.trash_id.lower()
        if cf.required or (key not in exclude and (cf.default or selection.select_all or key in select)):
            wanted.append(cf.trash_id)
    return wanted


def applies_to_profile(group: GuideCfGroup, profile_trash_id: str) -> bool:
    """Whether a group's profile list covers a guide profile."""
    wanted = profile_trash_id.lower()
    if group.include_profiles:
        return wanted in {tid.lower() for tid in group.include_profiles.values()}
    if group.exclude_profiles:
        return wanted not in {tid.lower() for tid in group.exclude_profiles.values()}
    return False
