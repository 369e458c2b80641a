"""Planner behaviour of the custom format and quality profile kinds: matching (ID-first, name adoption, ambiguity), actions, scores, deletes."""

from __future__ import annotations

import asyncio

from syncd.apply import engine as apply_engine
from syncd.config.model import DeletePolicy, ResetScores
from syncd.domain.state import Ownership
from syncd.plan.model import Action, InstancePlan
from tests.kinds.fake import Recorder
from tests.plan import builders as b


def actions(plan: InstancePlan) -> dict[str, Action]:
    return {c.address: c.action for c in plan.changes}


def test_creates_custom_format_missing_on_server() -> None:
    plan = b.plan(b.desired(custom_formats=b.wanted_cfs(("t1", b.cf("BR-DISK")))), b.live(), Ownership())
    assert actions(plan) == {'sonarr.main.custom_format["BR-DISK"]': Action.CREATE}
    assert plan.changes[0].after is not None
    assert plan.changes[0].after["name"] == "BR-DISK"


def test_identical_custom_format_is_no_op_even_with_server_extra_fields() -> None:
    live_value = b.cf("BR-DISK").model_copy()
    spec = live_value.specifications[0].model_copy(update={"fields": {"value": "x", "exceptLanguage": False}})
    live_value = live_value.model_copy(update={"specifications": (spec,)})
    plan = b.plan(
        b.desired(custom_formats=b.wanted_cfs(("t1", b.cf("BR-DISK")))),
        b.live(custom_formats=(b.live_cf(7, live_value),)),
        Ownership(objects={"custom_format": {"t1": 7}}),
    )
    assert [c.action for c in plan.changes] == [Action.NOOP]


def test_guide_rename_updates_the_owned_object_by_id() -> None:
    plan = b.plan(
        b.desired(custom_formats=b.wanted_cfs(("t1", b.cf("New Name")))),
        b.live(custom_formats=(b.live_cf(7, b.cf("Old Name")),)),
        Ownership(objects={"custom_format": {"t1": 7}}),
    )
    (change,) = plan.changes
    assert change.action is Action.UPDATE
    assert change.live_id == 7
    assert [(d.path, d.before, d.after) for d in change.diff] == [("name", "Old Name", "New Name")]


def test_adopts_single_case_insensitive_name_match() -> None:
    plan = b.plan(
        b.desired(custom_formats=b.wanted_cfs(("t1", b.cf("Hulu")))),
        b.live(custom_formats=(b.live_cf(3, b.cf("HULU")),)),
        Ownership(),
    )
    (change,) = plan.changes
    assert change.action is Action.UPDATE
    assert change.live_id == 3
    assert "adopted" in change.reason


def test_two_name_matches_are_an_error_for_that_object() -> None:
    plan = b.plan(
        b.desired(custom_formats=b.wanted_cfs(("t1", b.cf("Hulu")))),
        b.live(custom_formats=(b.live_cf(3, b.cf("HULU")), b.live_cf(4, b.cf("hulu")))),
        Ownership(),
    )
    assert plan.changes == ()
    assert [d.severity for d in plan.diagnostics] == ["error"]
    assert "several custom formats" in plan.diagnostics[0].message


def test_profile_scores_cover_every_cf_and_reset_unmatched() -> None:
    desired = b.desired(
        custom_formats=b.wanted_cfs(("t1", b.cf("BR-DISK")), ("t2", b.cf("AMZN"))),
        quality_profiles=(
            b.desired_profile(
                scores={"t1": -10000, "t2": 70},
                reset_unmatched=ResetScores(enabled=True, except_names=("Keep Me",)),
            ),
        ),
    )
    live = b.live(
        custom_formats=(
            b.live_cf(1, b.cf("BR-DISK")),
            b.live_cf(2, b.cf("Manual")),
            b.live_cf(3, b.cf("Keep Me")),
        ),
        quality_profiles=(b.live_profile(10, "WEB-1080p", {"BR-DISK": 0, "Manual": 50, "Keep Me": 25}),),
    )
    plan = b.plan(desired, live, Ownership())
    profile = next(c for c in plan.changes if c.type == "quality_profile")
    assert profile.action is Action.UPDATE
    assert profile.after is not None
    assert profile.after["scores"] == {"AMZN": 70, "BR-DISK": -10000, "Keep Me": 25, "Manual": 0}
    changed = {d.path for d in profile.diff}
    assert changed == {'scores["BR-DISK"]', "scores.Manual", "scores.AMZN"}


def test_converged_state_plans_only_no_ops() -> None:
    desired = b.desired(
        custom_formats=b.wanted_cfs(("t1", b.cf("BR-DISK"))),
        quality_profiles=(b.desired_profile(scores={"t1": -10000}),),
    )
    live = b.live(
        custom_formats=(b.live_cf(1, b.cf("BR-DISK")),),
        quality_profiles=(b.live_profile(10, "WEB-1080p", {"BR-DISK": -10000}),),
    )
    plan = b.plan(desired, live, Ownership(objects={"custom_format": {"t1": 1}}))
    assert {c.action for c in plan.changes} == {Action.NOOP}
    assert len(plan.changes) == 2


def test_profile_cutoff_must_be_allowed() -> None:
    desired = b.desired(quality_profiles=(b.desired_profile(cutoff="Bluray-1080p"),))
    plan = b.plan(desired, b.live(), Ownership())
    assert plan.changes == ()
    assert "cutoff 'Bluray-1080p' is not an allowed" in plan.diagnostics[0].message


def test_unlisted_qualities_are_appended_not_allowed() -> None:
    short = (b.items()[0],)
    plan = b.plan(b.desired(quality_profiles=(b.desired_profile(items=short),)), b.live(), Ownership())
    (change,) = plan.changes
    assert change.action is Action.CREATE
    assert change.after is not None
    assert [(i["name"], i["allowed"]) for i in change.after["items"]] == [
        ("WEB 1080p", True),
        ("Bluray-1080p", False),
        ("HDTV-720p", False),
    ]


def test_deletes_only_owned_custom_formats_when_opted_in() -> None:
    live = b.live(custom_formats=(b.live_cf(1, b.cf("Owned")), b.live_cf(2, b.cf("Manual"))))
    owned = Ownership(objects={"custom_format": {"gone": 1}})
    without = b.plan(b.desired(), live, owned)
    assert without.changes == ()
    with_delete = b.plan(b.desired(delete=DeletePolicy(custom_formats=True)), live, owned)
    assert actions(with_delete) == {'sonarr.main.custom_format["Owned"]': Action.DELETE}


def test_unmanaged_delete_spares_ignored_names_and_runs_last() -> None:
    live = b.live(custom_formats=(b.live_cf(1, b.cf("Manual")), b.live_cf(2, b.cf("Keep"))))
    policy = DeletePolicy(unmanaged_custom_formats=True, unmanaged_custom_formats_ignore=("keep",))
    desired = b.desired(delete=policy, custom_formats=b.wanted_cfs(("t1", b.cf("New"))))
    plan = b.plan(desired, live, Ownership())
    assert [(c.name, c.action) for c in plan.changes] == [("New", Action.CREATE), ("Manual", Action.DELETE)]


def test_implicit_profile_missing_on_server_is_a_warning_not_a_create() -> None:
    desired = b.desired(quality_profiles=(b.desired_profile(name="Elsewhere", create=False, items=None),))
    plan = b.plan(desired, b.live(), Ownership())
    assert plan.changes == ()
    assert [d.severity for d in plan.diagnostics] == ["warning"]


def test_ownership_after_records_created_ids_and_forgets_deleted() -> None:
    live = b.live(custom_formats=(b.live_cf(1, b.cf("Old")),))
    desired = b.desired(
        delete=DeletePolicy(custom_formats=True), custom_formats=b.wanted_cfs(("t2", b.cf("New")))
    )
    owned = Ownership(objects={"custom_format": {"t1": 1}})
    planned = b.planned(desired, live, owned)
    sender = Recorder()
    result = asyncio.run(
        apply_engine.execute(
            planned.changes,
            {s.kind.name: s for s in planned.states},
            sender,
            owned,
            instance="sonarr.main",
            save=lambda _o: None,
            on_event=lambda _e, _f: None,
            should_stop=lambda: False,
        )
    )
    assert [(r.method, r.path) for r in sender.sent] == [
        ("POST", "customformat"),
        ("DELETE", "customformat/1"),
    ]
    assert result.ownership.objects == {"custom_format": {"t2": 101}}
