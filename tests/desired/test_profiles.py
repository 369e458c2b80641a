from __future__ import annotations

from collections.abc import Mapping

from syncd.config.model import (
    InstanceConfig,
    QualityEntry,
    QualityProfileConfig,
    ResetScores,
    TrashRef,
    UpgradeConfig,
)
from syncd.desired.diagnostics import Diagnostics
from syncd.desired.profiles import build_profiles
from syncd.desired.qualities import quality_names
from syncd.desired.slots import plan_slots
from syncd.domain.state import DesiredProfile
from syncd.guides.model import GuideCatalog

from .conftest import WEB_1080P, at, make_instance

X265_HD = "47435ece6b99a0b477caf360e79ba0bb"
X265_NO_HDR = "9b64dff695c2115facf1b6ea59c9bd07"


def _build(
    catalog: GuideCatalog, instance: InstanceConfig, scores: Mapping[str, Mapping[str, int]] | None = None
) -> tuple[tuple[DesiredProfile, ...], Diagnostics]:
    diags = Diagnostics("x")
    slots = plan_slots(instance, catalog, diags)
    return build_profiles(instance.service, slots, scores or {}, catalog, diags), diags


def _problems(diags: Diagnostics) -> list[tuple[str, str]]:
    return [(d.location, d.severity) for d in diags.items]


def test_guide_profile_inherits_every_field_from_the_guide(sonarr: GuideCatalog) -> None:
    guide = sonarr.quality_profiles[WEB_1080P]
    cfg = QualityProfileConfig(
        trash_id=TrashRef(trash_id=WEB_1080P), reset_unmatched_scores=ResetScores(enabled=True)
    )
    (profile,), diags = _build(sonarr, make_instance(quality_profiles=(cfg,)))
    assert (profile.key, profile.name, profile.create) == (WEB_1080P, guide.name, True)
    assert profile.cutoff == guide.cutoff
    assert profile.upgrade_allowed == guide.upgrade_allowed
    assert profile.min_format_score == guide.min_format_score
    assert profile.cutoff_format_score == guide.cutoff_format_score
    assert profile.min_upgrade_format_score == guide.min_upgrade_format_score
    assert [(i.name, i.allowed, i.qualities) for i in profile.items or ()] == [
        (i.name, i.allowed, i.items) for i in guide.items
    ]
    assert profile.reset_unmatched.enabled
    assert diags.items == []


def test_config_values_override_the_guide(sonarr: GuideCatalog) -> None:
    cfg = QualityProfileConfig(
        trash_id=TrashRef(trash_id=WEB_1080P),
        name="Mine",
        upgrade=UpgradeConfig(allowed=False, until_score=500),
        min_format_score=3,
        min_upgrade_format_score=9,
    )
    (profile,), _ = _build(sonarr, make_instance(quality_profiles=(cfg,)), {"mine": {X265_HD: 10}})
    assert (profile.name, profile.upgrade_allowed, profile.cutoff_format_score) == ("Mine", False, 500)
    assert (profile.min_format_score, profile.min_upgrade_format_score) == (3, 9)
    assert profile.scores == {X265_HD: 10}


def test_user_profile_leaves_unset_fields_to_the_server(sonarr: GuideCatalog) -> None:
    (profile,), _ = _build(sonarr, make_instance(quality_profiles=(QualityProfileConfig(name="Bare"),)))
    assert profile.items is None
    assert profile.cutoff is None
    assert profile.upgrade_allowed is None
    assert profile.min_format_score is None


def _listed() -> tuple[QualityEntry, ...]:
    return (
        QualityEntry(name="WEB 1080p", qualities=("WEBDL-1080p", "WEBRip-1080p")),
        QualityEntry(name="HDTV-1080p", enabled=False),
        QualityEntry(name="Bluray-1080p"),
    )


def test_user_qualities_keep_order_and_unlisted_ones_go_below(sonarr: GuideCatalog) -> None:
    cfg = QualityProfileConfig(name="HD", qualities=_listed())
    (profile,), diags = _build(sonarr, make_instance(quality_profiles=(cfg,)))
    items = profile.items or ()
    assert [(i.name, i.allowed) for i in items[:3]] == [
        ("WEB 1080p", True),
        ("HDTV-1080p", False),
        ("Bluray-1080p", True),
    ]
    listed = {"WEBDL-1080p", "WEBRip-1080p", "HDTV-1080p", "Bluray-1080p"}
    assert {i.name for i in items[3:]} == set(quality_names("sonarr")) - listed
    assert not any(i.allowed for i in items[3:])
    assert profile.cutoff == "WEB 1080p"
    assert diags.items == []


def test_quality_sort_bottom_puts_unlisted_qualities_above(sonarr: GuideCatalog) -> None:
    cfg = QualityProfileConfig(name="HD", qualities=_listed(), quality_sort="bottom")
    (profile,), _ = _build(sonarr, make_instance(quality_profiles=(cfg,)))
    items = profile.items or ()
    assert [i.name for i in items[-3:]] == ["WEB 1080p", "HDTV-1080p", "Bluray-1080p"]
    assert not any(i.allowed for i in items[:-3])


def test_unknown_quality_names_are_errors(sonarr: GuideCatalog) -> None:
    cfg = QualityProfileConfig(
        name="HD",
        qualities=(QualityEntry(name="Grp", qualities=("WEBDL-1080p", "Remux-1080p")),),
        origin=at(21),
    )
    _, diags = _build(sonarr, make_instance(quality_profiles=(cfg,)))
    assert _problems(diags) == [("config.yml:21", "error")]
    assert "Remux-1080p" in diags.items[0].message


def test_cutoff_must_be_an_allowed_quality(sonarr: GuideCatalog) -> None:
    cfg = QualityProfileConfig(
        trash_id=TrashRef(trash_id=WEB_1080P),
        upgrade=UpgradeConfig(until_quality="Bluray-2160p"),
        origin=at(14),
    )
    (profile,), diags = _build(sonarr, make_instance(quality_profiles=(cfg,)))
    assert profile.cutoff == "Bluray-2160p"
    assert _problems(diags) == [("config.yml:14", "error")]


def test_unknown_score_set_is_an_error(sonarr: GuideCatalog) -> None:
    cfg = QualityProfileConfig(trash_id=TrashRef(trash_id=WEB_1080P), score_set="klingon", origin=at(2))
    _, diags = _build(sonarr, make_instance(quality_profiles=(cfg,)))
    assert _problems(diags) == [("config.yml:2", "error")]


def test_unsatisfiable_min_format_score_is_an_error(sonarr: GuideCatalog) -> None:
    cfg = QualityProfileConfig(name="P", min_format_score=100, origin=at(6))
    _, diags = _build(sonarr, make_instance(quality_profiles=(cfg,)), {"P": {"a": 60, "b": 39, "c": -500}})
    assert _problems(diags) == [("config.yml:6", "error")]
    _, fine = _build(sonarr, make_instance(quality_profiles=(cfg,)), {"P": {"a": 60, "b": 40}})
    assert fine.items == []


def test_conflicting_cfs_in_one_profile_warn(sonarr: GuideCatalog) -> None:
    assert (X265_HD, X265_NO_HDR) in sonarr.conflicts
    cfg = QualityProfileConfig(name="P", origin=at(8))
    _, diags = _build(sonarr, make_instance(quality_profiles=(cfg,)), {"P": {X265_HD: -1, X265_NO_HDR: -1}})
    assert _problems(diags) == [("config.yml:8", "warning")]


def test_profile_only_named_in_scores_is_never_created(sonarr: GuideCatalog) -> None:
    profiles, _ = _build(sonarr, make_instance(), {"Existing": {X265_HD: 5}})
    assert profiles == (
        DesiredProfile(
            key="Existing", name="Existing", create=False, scores={X265_HD: 5}, reason="from assign_scores_to"
        ),
    )


def test_radarr_profile_language_comes_from_config_else_guide(radarr: GuideCatalog) -> None:
    guide = next(qp for qp in radarr.quality_profiles.values() if qp.language)
    plain = QualityProfileConfig(trash_id=TrashRef(trash_id=guide.trash_id))
    chosen = QualityProfileConfig(trash_id=TrashRef(trash_id=guide.trash_id), name="Other", language="German")
    profiles, _ = _build(radarr, make_instance("radarr", quality_profiles=(plain, chosen)))
    assert [p.language for p in profiles] == [guide.language, "German"]


def test_score_set_of_a_local_custom_format_is_known(sonarr: GuideCatalog) -> None:
    cfg = QualityProfileConfig(name="P", score_set="my-set")
    diags = Diagnostics("x")
    slots = plan_slots(make_instance(quality_profiles=(cfg,)), sonarr, diags)
    build_profiles("sonarr", slots, {}, sonarr, diags, known_score_sets={"my-set"})
    assert diags.items == []
