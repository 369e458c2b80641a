"""The generic engine on its own, over a fake kind: matching, actions, secrets, deletes,
ownership per write, stop at the first failed write, waves and skip-on-dependency-failure."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from syncd.apply import engine as apply_engine
from syncd.config.model import DEFAULT_MAX_WRITES
from syncd.domain.state import Ownership
from syncd.kinds.base import Context, DeleteRule, ShapeError
from syncd.plan import engine
from syncd.plan.model import Action
from syncd.plan.sensitive import MASK
from tests.kinds.fake import Recorder, Thing, entries

SECRET = "hunter2-never-shown"


def state(
    wanted: tuple[dict[str, Any], ...], live: list[dict[str, Any]], delete: DeleteRule | None = None
) -> engine.KindState:
    kind = Thing(delete)
    return engine.KindState(
        kind=kind,
        wants=kind.wanted(entries(*wanted), Context("sonarr.main", "sonarr")),
        found=kind.found({"thing": live}),
    )


def plan(s: engine.KindState, ownership: Ownership | None = None) -> engine.KindPlan:
    return engine.plan_kinds([s], ownership or Ownership(), instance="sonarr.main")


def actions(result: engine.KindPlan) -> dict[str, Action]:
    return {c.address: c.action for c in result.changes}


def test_stored_id_wins_over_a_name_match() -> None:
    s = state(
        ({"name": "qbt", "host": "h"},),
        [{"id": 1, "name": "qbt", "host": "x"}, {"id": 2, "name": "old", "host": "h"}],
    )
    (change,) = plan(s, Ownership(objects={"thing": {"qbt": 2}})).changes
    assert (change.live_id, change.action) == (2, Action.NOOP)


def test_single_name_match_is_adopted_two_are_an_error_none_is_a_create() -> None:
    adopted = plan(state(({"name": "QBT", "host": "h"},), [{"id": 1, "name": "qbt", "host": "h"}]))
    assert adopted.changes[0].live_id == 1 and "adopted" in adopted.changes[0].reason
    twice = plan(state(({"name": "qbt"},), [{"id": 1, "name": "qbt"}, {"id": 2, "name": "QBT"}]))
    assert twice.changes == [] and "several things" in twice.diagnostics[0].message
    assert actions(plan(state(({"name": "qbt"},), []))) == {'sonarr.main.thing["qbt"]': Action.CREATE}


def test_a_change_of_a_replace_field_is_a_replace() -> None:
    s = state(({"name": "qbt", "kind": "b"},), [{"id": 1, "name": "qbt", "host": "localhost", "kind": "a"}])
    assert [c.action for c in plan(s).changes] == [Action.REPLACE]


def test_a_masked_secret_is_no_difference_once_its_hash_is_stored() -> None:
    live = [{"id": 1, "name": "qbt", "host": "localhost", "password": "********", "kind": "a"}]
    s = state(({"name": "qbt", "password": SECRET},), live)
    unknown = plan(s).changes[0]
    assert unknown.action is Action.UPDATE
    assert [(d.path, d.before, d.after) for d in unknown.diff] == [("password", None, MASK)]
    assert SECRET not in repr(unknown)
    owned = Ownership(
        objects={"thing": {"qbt": 1}}, secrets={"thing": {"qbt": {"password": engine.secret_hash(SECRET)}}}
    )
    assert plan(s, owned).changes[0].action is Action.NOOP
    changed = plan(state(({"name": "qbt", "password": "another"},), live), owned).changes[0]
    assert changed.action is Action.UPDATE and changed.diff[0].before == MASK and SECRET not in repr(changed)


def test_deletes_follow_the_rule_and_come_last() -> None:
    live = [{"id": 1, "name": "mine"}, {"id": 2, "name": "hand-made"}, {"id": 3, "name": "keep"}]
    owned = Ownership(objects={"thing": {"mine": 1}})
    none = plan(state(({"name": "new"},), live), owned)
    assert list(actions(none).values()) == [Action.CREATE]
    only_owned = plan(state(({"name": "new"},), live, DeleteRule(owned=True)), owned)
    assert list(actions(only_owned).values()) == [Action.CREATE, Action.DELETE]
    everything = plan(state((), live, DeleteRule(unmanaged=True, ignore=frozenset({"KEEP"}))), owned)
    assert sorted(c.name for c in everything.changes) == ["hand-made", "mine"]


def run(
    changes: engine.KindPlan, s: engine.KindState, sender: Recorder, saved: list[Ownership]
) -> apply_engine.KindsResult:
    return asyncio.run(
        apply_engine.execute(
            changes.changes,
            {"thing": s},
            sender,
            Ownership(),
            instance="sonarr.main",
            save=saved.append,
            on_event=lambda _e, _f: None,
            should_stop=lambda: False,
        )
    )


def test_ownership_is_saved_after_every_write_and_the_first_failure_stops() -> None:
    s = state(({"name": "a", "password": SECRET}, {"name": "b"}, {"name": "c"}), [])
    saved: list[Ownership] = []
    result = run(plan(s), s, Recorder(fail_at=2), saved)
    assert result.failed == 'sonarr.main.thing["b"]' and "refused" in (result.error or "")
    assert result.applied == ['sonarr.main.thing["a"]']
    assert [o.objects for o in saved] == [{"thing": {"a": 101}}]
    assert saved[0].secrets["thing"]["a"]["password"] == engine.secret_hash(SECRET)


def test_a_replace_is_a_delete_then_a_create() -> None:
    s = state(({"name": "qbt", "kind": "b"},), [{"id": 1, "name": "qbt", "host": "localhost", "kind": "a"}])
    sender = Recorder()
    result = run(plan(s), s, sender, [])
    assert [(r.method, r.path) for r in sender.sent] == [("DELETE", "thing/1"), ("POST", "thing")]
    assert result.ownership.objects == {"thing": {"qbt": 102}}


def test_a_create_answered_without_an_id_is_a_clear_error() -> None:
    s = state(({"name": "qbt"},), [])
    result = run(plan(s), s, Recorder(reply_without_id=True), [])
    assert result.failed == 'sonarr.main.thing["qbt"]'
    assert "POST thing: the server answered a create without the new object's id" in (result.error or "")


def test_a_reply_of_the_wrong_shape_names_the_endpoint() -> None:
    with pytest.raises(ShapeError, match="thing: expected a JSON list, got an object"):
        Thing().found({"thing": {"id": 1}})
    with pytest.raises(ShapeError, match="item 0 has no valid 'id'"):
        Thing().found({"thing": [{"name": "x"}]})


def test_waves_run_in_order_and_an_instance_whose_reference_failed_is_skipped() -> None:
    ran: list[str] = []
    skipped: list[tuple[str, str]] = []

    async def one(address: str) -> bool:
        ran.append(address)
        return address != "sonarr.main"

    results = asyncio.run(
        apply_engine.run_waves(
            [["qbittorrent.main"], ["sonarr.main", "radarr.main"], ["prowlarr.main"], ["prowlarr.other"]],
            one,
            ok=bool,
            skip=lambda a, r: skipped.append((a, r)),
            references={"prowlarr.main": ["sonarr.main", "radarr.main"], "prowlarr.other": ["prowlarr.main"]},
        )
    )
    assert ran == ["qbittorrent.main", "sonarr.main", "radarr.main"]
    assert results == [True, False, True]
    assert skipped == [
        ("prowlarr.main", "skipped: sonarr.main, which it references, failed"),
        ("prowlarr.other", "skipped: prowlarr.main, which it references, failed"),
    ]


class Slow(Recorder):
    """A `Recorder` whose answers take a moment, counting the writes in flight at once."""

    def __init__(self, fail_at: int | None = None) -> None:
        super().__init__(fail_at=fail_at)
        self.in_flight = 0
        self.most = 0

    async def send(self, request: Any) -> Any:
        self.in_flight += 1
        self.most = max(self.most, self.in_flight)
        try:
            await asyncio.sleep(0.01)
            return await super().send(request)
        finally:
            self.in_flight -= 1


def test_independent_writes_of_a_kind_run_concurrently_up_to_the_bound() -> None:
    count = DEFAULT_MAX_WRITES + 6
    s = state(tuple({"name": f"t{i}"} for i in range(count)), [])
    sender = Slow()
    result = run(plan(s), s, sender, [])
    assert len(result.applied) == count
    assert sender.most == DEFAULT_MAX_WRITES


def test_writes_that_finish_during_a_save_share_the_next_one() -> None:
    count = 12
    s = state(tuple({"name": f"t{i}"} for i in range(count)), [])
    saved: list[Ownership] = []

    def slow_save(ownership: Ownership) -> None:
        time.sleep(0.05)
        saved.append(ownership)

    result = asyncio.run(
        apply_engine.execute(
            plan(s).changes,
            {"thing": s},
            Slow(),
            Ownership(),
            instance="sonarr.main",
            save=slow_save,
            on_event=lambda _e, _f: None,
            should_stop=lambda: False,
        )
    )
    assert len(result.applied) == count
    assert 1 < len(saved) < count
    assert saved[-1] == result.ownership and len(saved[-1].objects["thing"]) == count


def test_after_a_failed_write_no_further_write_starts() -> None:
    s = state(tuple({"name": f"t{i}"} for i in range(DEFAULT_MAX_WRITES + 6)), [])
    sender = Slow(fail_at=1)
    result = run(plan(s), s, sender, [])
    assert result.failed == 'sonarr.main.thing["t0"]'
    # Only the writes already in flight when the first failed went out.
    assert len(sender.sent) == DEFAULT_MAX_WRITES
    assert len(result.applied) == DEFAULT_MAX_WRITES - 1
