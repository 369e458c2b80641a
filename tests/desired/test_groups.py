from __future__ import annotations

from syncd.config.model import CfGroupSelection, TrashRef
from syncd.desired.diagnostics import Diagnostics
from syncd.desired.groups import applies_to_profile, default_members, selected_members
from syncd.guides.model import GuideCatalog, GuideCfGroup, GuideGroupMember

from .conftest import WEB_1080P, at

UNWANTED = "59c3af66780d08332fdc64e68297098f"


def _group(sonarr: GuideCatalog) -> GuideCfGroup:
    return sonarr.cf_groups[UNWANTED]


def _by_flag(group: GuideCfGroup, *, default: bool) -> list[str]:
    return [m.trash_id for m in group.custom_formats if not m.required and m.default == default]


def test_default_members_are_required_and_default_cfs(sonarr: GuideCatalog) -> None:
    group = _group(sonarr)
    expected = [m.trash_id for m in group.custom_formats if m.required or m.default]
    assert default_members(group) == expected
    assert set(_by_flag(group, default=False)).isdisjoint(default_members(group))


def test_select_adds_optional_cfs_on_top_of_defaults(sonarr: GuideCatalog) -> None:
    group = _group(sonarr)
    optional = _by_flag(group, default=False)[0]
    selection = CfGroupSelection(trash_id=TrashRef(trash_id=UNWANTED), select=(TrashRef(trash_id=optional),))
    got = selected_members(group, selection, Diagnostics("x"))
    assert set(got) == {*default_members(group), optional}


def test_exclude_removes_a_default_cf(sonarr: GuideCatalog) -> None:
    group = _group(sonarr)
    dropped = _by_flag(group, default=True)[0]
    selection = CfGroupSelection(trash_id=TrashRef(trash_id=UNWANTED), exclude=(TrashRef(trash_id=dropped),))
    got = selected_members(group, selection, Diagnostics("x"))
    assert dropped not in got
    assert set(got) == set(default_members(group)) - {dropped}


def test_select_all_brings_every_cf_except_excluded(sonarr: GuideCatalog) -> None:
    group = _group(sonarr)
    dropped = group.custom_formats[-1].trash_id
    selection = CfGroupSelection(
        trash_id=TrashRef(trash_id=UNWANTED), select_all=True, exclude=(TrashRef(trash_id=dropped),)
    )
    got = selected_members(group, selection, Diagnostics("x"))
    assert got == [m.trash_id for m in group.custom_formats if m.trash_id != dropped]


def test_required_cf_survives_exclude_with_a_warning() -> None:
    group = GuideCfGroup(
        trash_id="g",
        name="G",
        custom_formats=(GuideGroupMember(name="R", trash_id="r", required=True),),
    )
    diags = Diagnostics("x")
    selection = CfGroupSelection(
        trash_id=TrashRef(trash_id="g"), exclude=(TrashRef(trash_id="r", origin=at(7)),)
    )
    assert selected_members(group, selection, diags) == ["r"]
    assert [(d.location, d.severity) for d in diags.items] == [("config.yml:7", "warning")]


def test_selecting_a_cf_outside_the_group_is_an_error(sonarr: GuideCatalog) -> None:
    diags = Diagnostics("x")
    selection = CfGroupSelection(
        trash_id=TrashRef(trash_id=UNWANTED), select=(TrashRef(trash_id="nope", origin=at(9)),)
    )
    selected_members(_group(sonarr), selection, diags)
    assert [(d.location, d.severity) for d in diags.items] == [("config.yml:9", "error")]
    assert "nope" in diags.items[0].message


def test_group_applies_to_profiles_it_includes(sonarr: GuideCatalog) -> None:
    group = _group(sonarr)
    assert applies_to_profile(group, WEB_1080P.upper())
    assert not applies_to_profile(group, "0" * 32)


def test_legacy_exclude_list_applies_to_every_other_profile() -> None:
    group = GuideCfGroup(trash_id="g", name="G", exclude_profiles={"Anime": "a"})
    assert applies_to_profile(group, "b")
    assert not applies_to_profile(group, "a")
