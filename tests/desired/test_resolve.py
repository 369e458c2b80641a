from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from syncd.config.load import load_config
from syncd.config.model import (
    Config,
    CustomFormatEntry,
    Dialect,
    QualityProfileConfig,
    ScoreTarget,
    TrashRef,
)
from syncd.desired.groups import default_members
from syncd.desired.resolve import resolve_instance, validate
from syncd.domain.state import DesiredInstance
from syncd.guides.model import GuideCatalog, GuideCustomFormat, GuideSet

from .conftest import SHARED, WEB_1080P, at, make_instance

TEMPLATES = SHARED / "fixtures" / "recyclarr-templates-v8-branch"
X265_HD = "47435ece6b99a0b477caf360e79ba0bb"


def _web_1080p(sonarr: GuideCatalog, **profile: Any) -> DesiredInstance:
    cfg = QualityProfileConfig(trash_id=TrashRef(trash_id=WEB_1080P), **profile)
    return resolve_instance(make_instance(quality_profiles=(cfg,)), sonarr)


def _expected_ids(sonarr: GuideCatalog) -> set[str]:
    ids = set(sonarr.quality_profiles[WEB_1080P].format_items.values())
    for group in sonarr.cf_groups.values():
        if group.default and WEB_1080P in group.include_profiles.values():
            ids |= set(default_members(group))
    return ids


def test_web_1080p_scores_equal_the_guide_default_scores(sonarr: GuideCatalog) -> None:
    desired = _web_1080p(sonarr)
    expected_ids = _expected_ids(sonarr)
    assert set(desired.custom_formats) == expected_ids
    (profile,) = desired.quality_profiles
    expected = {
        tid: sonarr.custom_formats[tid].trash_scores["default"]
        for tid in expected_ids
        if "default" in sonarr.custom_formats[tid].trash_scores
    }
    assert dict(profile.scores) == expected
    assert desired.diagnostics == ()


def test_configured_score_set_picks_the_german_scores(sonarr: GuideCatalog) -> None:
    (profile,) = _web_1080p(sonarr, score_set="german").quality_profiles
    cfs = {tid: sonarr.custom_formats[tid].trash_scores for tid in _expected_ids(sonarr)}
    expected = {tid: s.get("german", s.get("default")) for tid, s in cfs.items() if s}
    assert dict(profile.scores) == expected
    assert any("german" in s for s in cfs.values())


def test_user_score_by_profile_trash_id_beats_the_guide(sonarr: GuideCatalog) -> None:
    entry = CustomFormatEntry(
        trash_ids=(TrashRef(trash_id=X265_HD),),
        assign_scores_to=(ScoreTarget(profile_trash_id=WEB_1080P, score=-7),),
    )
    cfg = QualityProfileConfig(trash_id=TrashRef(trash_id=WEB_1080P))
    desired = resolve_instance(make_instance(quality_profiles=(cfg,), custom_formats=(entry,)), sonarr)
    assert desired.quality_profiles[0].scores[X265_HD] == -7
    assert desired.custom_formats[X265_HD].reason.startswith("from custom_formats")


def test_local_custom_formats_replace_guide_ones(sonarr: GuideCatalog) -> None:
    local = {X265_HD: GuideCustomFormat(trash_id=X265_HD, name="Local x265", trash_scores={"default": 3})}
    cfg = QualityProfileConfig(trash_id=TrashRef(trash_id=WEB_1080P))
    desired = resolve_instance(make_instance(quality_profiles=(cfg,)), sonarr, local_custom_formats=local)
    assert desired.custom_formats[X265_HD].custom_format.name == "Local x265"
    assert desired.quality_profiles[0].scores[X265_HD] == 3


@pytest.mark.parametrize(
    "template",
    [
        "sonarr/templates/web-1080p.yml",
        "sonarr/templates/web-2160p.yml",
        "radarr/templates/hd-bluray-web.yml",
        "radarr/templates/uhd-bluray-web.yml",
    ],
)
def test_recyclarr_v8_templates_resolve_cleanly(template: str, guides: GuideSet) -> None:
    config = load_config(TEMPLATES / template, env={})
    (instance,) = config.instances
    catalog = guides.for_service(instance.service)
    desired = resolve_instance(instance, catalog)
    assert [d for d in desired.diagnostics if d.severity == "error"] == []
    (profile,) = desired.quality_profiles
    guide = catalog.quality_profiles[profile.key]
    assert set(guide.format_items.values()) <= set(desired.custom_formats)
    for selection in instance.custom_format_groups.add:
        assert {ref.trash_id for ref in selection.select or ()} <= set(desired.custom_formats)
    size_type = instance.quality_definition.type if instance.quality_definition else None
    assert size_type is not None
    assert len(desired.quality_sizes or ()) == len(catalog.quality_definitions[size_type].qualities)


def test_web_1080p_template_leaves_unselected_optional_cfs_out(guides: GuideSet) -> None:
    (instance,) = load_config(TEMPLATES / "sonarr/templates/web-1080p.yml", env={}).instances
    desired = resolve_instance(instance, guides.sonarr)
    unwanted = guides.sonarr.cf_groups["59c3af66780d08332fdc64e68297098f"]
    selected = {ref.trash_id for sel in instance.custom_format_groups.add for ref in sel.select or ()}
    left_out = {m.trash_id for m in unwanted.custom_formats if not m.default and m.trash_id not in selected}
    assert left_out
    assert left_out.isdisjoint(desired.custom_formats)


def test_validate_collects_diagnostics_of_every_instance(guides: GuideSet) -> None:
    bad_cf = CustomFormatEntry(trash_ids=(TrashRef(trash_id="nope", origin=at(4)),))
    bad_profile = QualityProfileConfig(trash_id=TrashRef(trash_id="nope", origin=at(9)))
    config = Config(
        dialect=Dialect.SYNCD,
        path=Path("config.yml"),
        instances=(
            make_instance("sonarr", custom_formats=(bad_cf,)),
            make_instance("radarr", quality_profiles=(bad_profile,)),
        ),
    )
    found = validate(config, guides)
    assert [(d.location, d.severity) for d in found] == [("config.yml:4", "error"), ("config.yml:9", "error")]
    assert found[0].message.startswith("sonarr.main:")
    assert found[1].message.startswith("radarr.main:")
