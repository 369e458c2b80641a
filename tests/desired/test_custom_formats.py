from __future__ import annotations

from typing import Any

from syncd.config.model import (
    CfGroupsConfig,
    CfGroupSelection,
    CustomFormatEntry,
    QualityProfileConfig,
    ScoreTarget,
    TrashRef,
)
from syncd.desired.custom_formats import collect_requests, desired_custom_formats, to_domain
from syncd.desired.diagnostics import Diagnostics
from syncd.desired.groups import default_members
from syncd.desired.slots import plan_slots
from syncd.guides.model import GuideCatalog, GuideCustomFormat

from .conftest import WEB_1080P, at, make_instance

GOLDEN_RULE_HD = "158188097a58d7687dee647e04af0da3"
X265_HD = "47435ece6b99a0b477caf360e79ba0bb"


def _wanted(sonarr: GuideCatalog, **fields: Any) -> tuple[dict[str, str], Diagnostics]:
    instance = make_instance(**fields)
    diags = Diagnostics("x")
    slots = plan_slots(instance, sonarr, diags)
    requests = collect_requests(instance, sonarr, slots, diags)
    desired = desired_custom_formats(requests, sonarr.custom_formats, diags)
    return {tid: cf.reason for tid, cf in desired.items()}, diags


def _default_group_cfs(sonarr: GuideCatalog, profile: str) -> set[str]:
    return {
        tid
        for group in sonarr.cf_groups.values()
        if group.default and profile in group.include_profiles.values()
        for tid in default_members(group)
    }


WEB_PROFILE = (QualityProfileConfig(trash_id=TrashRef(trash_id=WEB_1080P)),)


def test_guide_profile_expands_to_format_items_and_default_groups(sonarr: GuideCatalog) -> None:
    wanted, diags = _wanted(sonarr, quality_profiles=WEB_PROFILE)
    guide = sonarr.quality_profiles[WEB_1080P]
    assert set(wanted) == set(guide.format_items.values()) | _default_group_cfs(sonarr, WEB_1080P)
    assert wanted[next(iter(guide.format_items.values()))] == "from profile WEB-1080p"
    assert wanted[X265_HD] == "from group [Optional] Golden Rule HD"
    assert diags.items == []


def test_skip_removes_a_default_group(sonarr: GuideCatalog) -> None:
    groups = CfGroupsConfig(skip=(TrashRef(trash_id=GOLDEN_RULE_HD),))
    wanted, _ = _wanted(sonarr, quality_profiles=WEB_PROFILE, custom_format_groups=groups)
    assert X265_HD not in wanted


def test_default_groups_can_be_turned_off(sonarr: GuideCatalog) -> None:
    wanted, _ = _wanted(
        sonarr, quality_profiles=WEB_PROFILE, custom_format_groups=CfGroupsConfig(auto_default_groups=False)
    )
    assert set(wanted) == set(sonarr.quality_profiles[WEB_1080P].format_items.values())


def test_flat_entry_is_wanted_with_its_location_as_reason(sonarr: GuideCatalog) -> None:
    entry = CustomFormatEntry(trash_ids=(TrashRef(trash_id=X265_HD, origin=at(12)),))
    wanted, _ = _wanted(sonarr, quality_profiles=WEB_PROFILE, custom_formats=(entry,))
    assert wanted[X265_HD] == "from custom_formats (config.yml:12)"


def test_added_group_without_targets_scores_profiles_it_includes(sonarr: GuideCatalog) -> None:
    group = sonarr.cf_groups["d920fd959d220306888f40b6f38e1578"]  # [Optional] Season Packs
    add = CfGroupsConfig(add=(CfGroupSelection(trash_id=TrashRef(trash_id=group.trash_id)),))
    instance = make_instance(quality_profiles=WEB_PROFILE, custom_format_groups=add)
    requests = collect_requests(
        instance, sonarr, plan_slots(instance, sonarr, Diagnostics("x")), Diagnostics("x")
    )
    from_group = [r for r in requests if r.reason == f"from group {group.name}"]
    assert {r.trash_id for r in from_group} == {m.trash_id for m in group.custom_formats if m.required}
    assert all([a.profile for a in r.assignments] == ["WEB-1080p"] for r in from_group)


def test_added_group_no_configured_profile_includes_is_skipped_with_warning(sonarr: GuideCatalog) -> None:
    group = sonarr.cf_groups["d920fd959d220306888f40b6f38e1578"]
    add = CfGroupsConfig(add=(CfGroupSelection(trash_id=TrashRef(trash_id=group.trash_id), origin=at(30)),))
    wanted, diags = _wanted(sonarr, custom_format_groups=add)
    assert wanted == {}
    assert [(d.location, d.severity) for d in diags.items] == [("config.yml:30", "warning")]


def test_added_group_with_targets_scores_those_profiles(sonarr: GuideCatalog) -> None:
    target = ScoreTarget(name="Custom")
    add = CfGroupsConfig(
        add=(CfGroupSelection(trash_id=TrashRef(trash_id=GOLDEN_RULE_HD), assign_scores_to=(target,)),)
    )
    instance = make_instance(custom_format_groups=add)
    requests = collect_requests(instance, sonarr, [], Diagnostics("x"))
    assert [(r.trash_id, [a.profile for a in r.assignments]) for r in requests] == [(X265_HD, ["Custom"])]


def test_unknown_trash_ids_are_errors_at_their_lines(sonarr: GuideCatalog) -> None:
    entry = CustomFormatEntry(trash_ids=(TrashRef(trash_id="deadbeef", origin=at(3)),))
    add = CfGroupsConfig(add=(CfGroupSelection(trash_id=TrashRef(trash_id="cafe", origin=at(5))),))
    _, diags = _wanted(sonarr, custom_formats=(entry,), custom_format_groups=add)
    assert sorted((d.location, d.severity) for d in diags.items) == [
        ("config.yml:3", "error"),
        ("config.yml:5", "error"),
    ]


def test_local_cf_overrides_the_guide_cf(sonarr: GuideCatalog) -> None:
    local = GuideCustomFormat(trash_id=X265_HD, name="My x265")
    entry = CustomFormatEntry(trash_ids=(TrashRef(trash_id=X265_HD),))
    requests = collect_requests(make_instance(custom_formats=(entry,)), sonarr, [], Diagnostics("x"))
    desired = desired_custom_formats(requests, {**sonarr.custom_formats, X265_HD: local}, Diagnostics("x"))
    assert desired[X265_HD].custom_format.name == "My x265"


def test_two_trash_ids_with_one_name_is_an_error(sonarr: GuideCatalog) -> None:
    clone = GuideCustomFormat(trash_id="c" * 32, name=sonarr.custom_formats[X265_HD].name.upper())
    entry = CustomFormatEntry(
        trash_ids=(TrashRef(trash_id=X265_HD), TrashRef(trash_id=clone.trash_id, origin=at(6)))
    )
    requests = collect_requests(make_instance(custom_formats=(entry,)), sonarr, [], Diagnostics("x"))
    diags = Diagnostics("x")
    desired_custom_formats(requests, {**sonarr.custom_formats, clone.trash_id: clone}, diags)
    assert [(d.location, d.severity) for d in diags.items] == [("config.yml:6", "error")]


def test_guide_cf_keeps_spec_order_and_all_fields(sonarr: GuideCatalog) -> None:
    guide = next(
        cf for cf in sonarr.custom_formats.values() if any(len(s.fields) > 1 for s in cf.specifications)
    )
    domain = to_domain(guide)
    assert domain.name == guide.name
    assert domain.include_when_renaming == guide.include_when_renaming
    assert [s.name for s in domain.specifications] == [s.name for s in guide.specifications]
    assert [dict(s.fields) for s in domain.specifications] == [dict(s.fields) for s in guide.specifications]


def test_entry_level_score_fills_targets_without_their_own(sonarr: GuideCatalog) -> None:
    entry = CustomFormatEntry(
        trash_ids=(TrashRef(trash_id=X265_HD),),
        score=42,
        assign_scores_to=(ScoreTarget(name="A"), ScoreTarget(name="B", score=1)),
    )
    (request,) = collect_requests(make_instance(custom_formats=(entry,)), sonarr, [], Diagnostics("x"))
    assert [(a.profile, a.score) for a in request.assignments] == [("A", 42), ("B", 1)]
