"""The saved plan file: secrets masked, unknown versions refused, edits detected."""

from __future__ import annotations

import pytest

from syncd.errors import PlanError
from syncd.plan import saved
from syncd.plan.diff import diff
from syncd.plan.model import Action, Change, InstancePlan, Plan

SECRET = "s3cr3t-never-in-a-file"


def plan(after: dict[str, object], *, fingerprint: str = "f1") -> Plan:
    before = {"apiKey": "old-secret-value", "host": "qbittorrent"}
    change = Change(
        instance="sonarr.main",
        type="download_client",
        name="qBittorrent",
        action=Action.UPDATE,
        live_id=3,
        before=before,
        after=after,
        diff=diff(before, after),
    )
    return Plan(
        instances=(
            InstancePlan(
                instance="sonarr.main", service="sonarr", changes=(change,), live_fingerprint=fingerprint
            ),
        ),
        waves=(("sonarr.main",),),
    )


def test_the_file_holds_no_secret_value_and_reads_back() -> None:
    text = saved.dump(plan({"apiKey": SECRET, "host": "qbt"}))
    assert SECRET not in text
    assert "old-secret-value" not in text
    assert saved.load(text, source="plan.json").waves == (("sonarr.main",),)


def test_a_plan_equal_to_the_fresh_one_passes() -> None:
    fresh = plan({"apiKey": SECRET, "host": "qbt"})
    saved.verify(saved.load(saved.dump(fresh), source="p"), fresh)


def test_an_edited_value_is_refused() -> None:
    fresh = plan({"apiKey": SECRET, "host": "qbt"})
    edited = plan({"apiKey": SECRET, "host": "evil"})
    with pytest.raises(PlanError, match="not what syncd plans now"):
        saved.verify(saved.load(saved.dump(edited), source="p"), fresh)


def test_moved_live_state_is_refused() -> None:
    fresh = plan({"host": "qbt"})
    with pytest.raises(PlanError, match="changed since the plan was made"):
        saved.verify(plan({"host": "qbt"}, fingerprint="f0"), fresh)


@pytest.mark.parametrize("text", ['{"format_version": "9.9"}', '{"format_version": "1.0", "bogus": 1}', "[]"])
def test_unknown_versions_and_shapes_are_refused(text: str) -> None:
    with pytest.raises(PlanError, match=r"plan\.json"):
        saved.load(text, source="plan.json")
