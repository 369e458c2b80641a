"""The delete threshold: absolute bound, a third of a large kind, config bound, override."""

from __future__ import annotations

from syncd.plan import deletes
from syncd.plan.model import Action, Change, InstancePlan


def plan_deleting(count: int, kind: str = "custom_format") -> InstancePlan:
    changes = tuple(
        Change(instance="sonarr.main", type=kind, name=f"cf {i}", action=Action.DELETE, live_id=i)
        for i in range(count)
    )
    return InstancePlan(instance="sonarr.main", service="sonarr", changes=changes)


def refused(plan: InstancePlan) -> bool:
    return any(d.severity == "error" and "refused" in d.message for d in plan.diagnostics)


def test_more_than_five_deletes_are_refused_five_are_not() -> None:
    assert refused(deletes.guard(plan_deleting(6), {"custom_format": 100}))
    assert not refused(deletes.guard(plan_deleting(5), {"custom_format": 100}))


def test_more_than_a_third_of_a_kind_of_ten_or_more_is_refused() -> None:
    assert refused(deletes.guard(plan_deleting(4), {"custom_format": 10}))
    assert not refused(deletes.guard(plan_deleting(3), {"custom_format": 10}))
    assert not refused(deletes.guard(plan_deleting(4), {"custom_format": 7}))


def test_a_config_bound_and_the_override() -> None:
    assert refused(deletes.guard(plan_deleting(2), {}, bound=1))
    assert not refused(deletes.guard(plan_deleting(8), {}, bound=10))
    assert not refused(deletes.guard(plan_deleting(50), {}, allow=True))
