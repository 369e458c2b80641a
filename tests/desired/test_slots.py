from __future__ import annotations

from syncd.config.model import QualityProfileConfig, ScoreTarget, TrashRef, UpgradeConfig
from syncd.desired.diagnostics import Diagnostics
from syncd.desired.slots import plan_slots, resolve_target
from syncd.guides.model import GuideCatalog

from .conftest import WEB_1080P, at, make_instance


def _guide_profile(name: str | None = None, line: int = 0) -> QualityProfileConfig:
    return QualityProfileConfig(
        trash_id=TrashRef(trash_id=WEB_1080P, origin=at(line)), name=name, origin=at(line)
    )


def test_guide_profile_takes_the_guide_name_and_trash_id_key(sonarr: GuideCatalog) -> None:
    slots = plan_slots(make_instance(quality_profiles=(_guide_profile(),)), sonarr, Diagnostics("x"))
    assert [(s.name, s.key) for s in slots] == [(sonarr.quality_profiles[WEB_1080P].name, WEB_1080P)]


def test_one_trash_id_under_two_names_keys_both_by_trash_id_and_name(sonarr: GuideCatalog) -> None:
    instance = make_instance(quality_profiles=(_guide_profile("A"), _guide_profile("B")))
    slots = plan_slots(instance, sonarr, Diagnostics("x"))
    assert [s.key for s in slots] == [f"{WEB_1080P}:A", f"{WEB_1080P}:B"]


def test_user_profile_is_keyed_by_name(sonarr: GuideCatalog) -> None:
    slots = plan_slots(
        make_instance(quality_profiles=(QualityProfileConfig(name="Mine"),)), sonarr, Diagnostics("x")
    )
    assert [(s.key, s.guide) for s in slots] == [("Mine", None)]


def test_unknown_profile_trash_id_is_an_error_at_its_line(sonarr: GuideCatalog) -> None:
    diags = Diagnostics("x")
    cfg = QualityProfileConfig(trash_id=TrashRef(trash_id="f" * 32, origin=at(4)))
    assert plan_slots(make_instance(quality_profiles=(cfg,)), sonarr, diags) == []
    assert [(d.location, d.severity) for d in diags.items] == [("config.yml:4", "error")]


def test_two_profiles_with_the_same_name_is_an_error(sonarr: GuideCatalog) -> None:
    diags = Diagnostics("x")
    profiles = (
        QualityProfileConfig(name="Same", origin=at(1)),
        QualityProfileConfig(name="same", origin=at(8)),
    )
    slots = plan_slots(make_instance(quality_profiles=profiles), sonarr, diags)
    assert len(slots) == 1
    assert [d.location for d in diags.items if d.severity == "error"] == ["config.yml:8"]


def test_target_by_trash_id_resolves_to_the_configured_name(sonarr: GuideCatalog) -> None:
    slots = plan_slots(make_instance(quality_profiles=(_guide_profile("Renamed"),)), sonarr, Diagnostics("x"))
    target = ScoreTarget(profile_trash_id=WEB_1080P)
    assert resolve_target(target, slots, sonarr, Diagnostics("x")) == "Renamed"


def test_target_by_trash_id_of_an_unconfigured_profile_uses_the_guide_name(sonarr: GuideCatalog) -> None:
    target = ScoreTarget(profile_trash_id=WEB_1080P)
    assert resolve_target(target, [], sonarr, Diagnostics("x")) == sonarr.quality_profiles[WEB_1080P].name


def test_ambiguous_target_trash_id_is_an_error(sonarr: GuideCatalog) -> None:
    instance = make_instance(quality_profiles=(_guide_profile("A"), _guide_profile("B")))
    slots = plan_slots(instance, sonarr, Diagnostics("x"))
    diags = Diagnostics("x")
    assert resolve_target(ScoreTarget(profile_trash_id=WEB_1080P, origin=at(5)), slots, sonarr, diags) is None
    assert [d.location for d in diags.items] == ["config.yml:5"]


def test_name_only_entry_tweaks_the_guide_profile_of_the_same_name(sonarr: GuideCatalog) -> None:
    guide_name = sonarr.quality_profiles[WEB_1080P].name
    tweak = QualityProfileConfig(
        name=guide_name, min_format_score=5, upgrade=UpgradeConfig(until_score=5000), origin=at(9)
    )
    base = _guide_profile().model_copy(
        update={"upgrade": UpgradeConfig(allowed=True, until_quality="WEB 1080p")}
    )
    diags = Diagnostics("x")
    (slot,) = plan_slots(make_instance(quality_profiles=(base, tweak)), sonarr, diags)
    assert diags.items == []
    assert slot.key == WEB_1080P
    assert slot.config.min_format_score == 5
    assert slot.config.upgrade == UpgradeConfig(allowed=True, until_quality="WEB 1080p", until_score=5000)
