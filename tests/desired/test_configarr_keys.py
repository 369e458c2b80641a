"""Configarr's CF keys with Configarr's meaning: auto CF-group selection (`trash_cfgroup_*`,
Configarr >= 1.28), an unknown CF group as a warning (an error in syncd's format), and
`customFormatDefinitions` over the guide's CFs."""

from __future__ import annotations

from syncd.config.model import (
    AutoGroupSelection,
    CfGroupsConfig,
    CfGroupSelection,
    CustomFormatEntry,
    QualityProfileConfig,
    ResourceEntry,
    ScoreTarget,
    TrashRef,
)
from syncd.desired.custom_formats import collect_requests
from syncd.desired.diagnostics import Diagnostics
from syncd.desired.resolve import resolve_instance
from syncd.desired.slots import plan_slots
from syncd.guides.model import GuideCatalog, GuideCfGroup

from .conftest import WEB_1080P, at, make_instance

GOLDEN_RULE_HD = "158188097a58d7687dee647e04af0da3"
WEB_PROFILE = (QualityProfileConfig(trash_id=TrashRef(trash_id=WEB_1080P)),)


def from_group(sonarr: GuideCatalog, group: GuideCfGroup, selection: AutoGroupSelection) -> set[str]:
    groups = CfGroupsConfig(auto_selection={WEB_1080P: selection})
    instance = make_instance(quality_profiles=WEB_PROFILE, custom_format_groups=groups)
    diags = Diagnostics("x")
    requests = collect_requests(instance, sonarr, plan_slots(instance, sonarr, diags), diags)
    return {r.trash_id for r in requests if r.reason == f"from group {group.name}"}


def a_default_group_with_optional_members(sonarr: GuideCatalog) -> GuideCfGroup:
    return next(
        g
        for g in sonarr.cf_groups.values()
        if g.default
        and WEB_1080P in g.include_profiles.values()
        and any(not cf.required and cf.default for cf in g.custom_formats)
    )


def test_auto_group_selection_follows_configarr(sonarr: GuideCatalog) -> None:
    group = a_default_group_with_optional_members(sonarr)
    required = {cf.trash_id for cf in group.custom_formats if cf.required}
    defaults = {cf.trash_id for cf in group.custom_formats if cf.required or cf.default}
    every = {cf.trash_id for cf in group.custom_formats}
    assert from_group(sonarr, group, AutoGroupSelection()) == defaults
    assert from_group(sonarr, group, AutoGroupSelection(include_optional=False)) == required
    assert from_group(sonarr, group, AutoGroupSelection(include_unrequired=True)) == every
    optional = next(cf.trash_id for cf in group.custom_formats if not cf.required and cf.default)
    excluded = AutoGroupSelection(exclude_cfs=(TrashRef(trash_id=optional),))
    assert from_group(sonarr, group, excluded) == defaults - {optional}
    extra = [cf.trash_id for cf in group.custom_formats if cf.trash_id not in defaults]
    if extra:
        added = AutoGroupSelection(include_cfs=(TrashRef(trash_id=extra[0]),))
        assert from_group(sonarr, group, added) == defaults | {extra[0]}


def test_an_unknown_cf_group_warns_in_configarr_and_is_an_error_otherwise(sonarr: GuideCatalog) -> None:
    unknown = (CfGroupSelection(trash_id=TrashRef(trash_id="nope", origin=at(9)), assign_scores_to=()),)
    for warns, severity in ((True, "warning"), (False, "error")):
        groups = CfGroupsConfig(add=unknown, unknown_warns=warns)
        desired = resolve_instance(make_instance(custom_format_groups=groups), sonarr)
        assert [(d.location, d.severity) for d in desired.diagnostics if "nope" in d.message] == [
            ("config.yml:9", severity)
        ]


def test_custom_format_definitions_are_custom_formats_later_ones_winning(sonarr: GuideCatalog) -> None:
    definition = {
        "trash_id": "my-cf",
        "name": "Language: Not German",
        "trash_scores": {"default": -10000},
        "includeCustomFormatWhenRenaming": False,
        "specifications": [
            {
                "name": "Not German Language",
                "implementation": "LanguageSpecification",
                "negate": True,
                "required": False,
                "fields": {"value": 4},
            }
        ],
    }
    instance = make_instance(
        quality_profiles=(QualityProfileConfig(name="Mine", qualities=None),),
        custom_formats=(
            CustomFormatEntry(
                trash_ids=(TrashRef(trash_id="my-cf"),), assign_scores_to=(ScoreTarget(name="Mine"),)
            ),
        ),
        custom_format_definitions=(
            ResourceEntry(value={**definition, "name": "first"}, origin=at(3)),
            ResourceEntry(value=definition, origin=at(20)),
            ResourceEntry(value={"name": "no trash_id"}, origin=at(40)),
        ),
    )
    desired = resolve_instance(instance, sonarr)
    assert desired.custom_formats["my-cf"].custom_format.name == "Language: Not German"
    assert [
        (d.location, d.severity) for d in desired.diagnostics if "customFormatDefinitions" in d.message
    ] == [("config.yml:40", "error")]
