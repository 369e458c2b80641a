"""The repair of quality profiles missing custom formats: what `CustomFormatKind.repairs`
builds (given the plan's own format deletes), and how apply sends a planned repair from what
the server holds when it runs."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from syncd.apply import engine as apply_engine
from syncd.domain.state import Ownership
from syncd.kinds.base import DeleteRule, Planned, Request, Wants
from syncd.kinds.custom_format import CustomFormatKind
from syncd.kinds.quality_profile import SonarrQualityProfile
from syncd.plan import engine as plan_engine
from syncd.plan.engine import KindState
from syncd.plan.model import Action, Change

FORMATS = [{"id": 1, "name": "one"}, {"id": 2, "name": "two"}, {"id": 3, "name": "three"}]


def _profile(profile_id: int, *held: tuple[int, int]) -> dict[str, Any]:
    items = [{"format": f, "name": FORMATS[f - 1]["name"], "score": s} for f, s in held]
    return {"id": profile_id, "name": f"p{profile_id}", "cutoff": 4, "formatItems": items}


def _reads(*profiles: dict[str, Any]) -> dict[str, Any]:
    return {"customformat": FORMATS, "qualityprofile": list(profiles)}


def test_a_repair_adds_the_missing_formats_at_zero_and_changes_nothing_else() -> None:
    reads = _reads(_profile(7, (1, 40)), _profile(8, (3, 0), (2, 0), (1, -5)))
    (repair,) = CustomFormatKind().repairs(reads, ())
    assert (repair.object_id, repair.name) == (7, "p7")
    assert repair.after == {"scores": {"three": 0, "two": 0}}
    assert "restore the 2 custom formats" in repair.reason
    body = repair.request.body
    assert (repair.request.method, repair.request.path) == ("PUT", "qualityprofile/7")
    assert {k: v for k, v in body.items() if k != "formatItems"} == {"id": 7, "name": "p7", "cutoff": 4}
    assert body["formatItems"] == [
        {"format": 3, "name": "three", "score": 0},
        {"format": 2, "name": "two", "score": 0},
        {"format": 1, "name": "one", "score": 40},
    ]


def test_a_format_the_plan_deletes_is_no_loss_but_a_repair_still_sends_it() -> None:
    reads = _reads(_profile(7, (1, 0)))
    deleting = (Planned(key="t2", name="two", live_id=2, action="delete"),)
    (repair,) = CustomFormatKind().repairs(reads, deleting)
    assert repair.after == {"scores": {"three": 0}}
    # Sent before the delete, the PUT must hold every format the server has then.
    assert sorted(i["format"] for i in repair.request.body["formatItems"]) == [1, 2, 3]
    both = (*deleting, Planned(key="t3", name="three", live_id=3, action="replace"))
    assert CustomFormatKind().repairs(reads, both) == ()


class _Server:
    def __init__(self, reads: dict[str, Any]) -> None:
        self.reads, self.sent = reads, list[Request]()

    async def read(self, paths: Sequence[str]) -> dict[str, Any]:
        return {p: self.reads[p] for p in paths}

    async def send(self, request: Request) -> Any:
        self.sent.append(request)
        return None


def _apply(server: _Server, change: Change) -> apply_engine.KindsResult:
    states = {
        "custom_format": KindState(kind=CustomFormatKind(), wants=Wants()),
        "quality_profile": KindState(kind=SonarrQualityProfile(), wants=Wants()),
    }
    return asyncio.run(
        apply_engine.execute(
            [change],
            states,
            server,
            Ownership(),
            instance="sonarr.main",
            save=lambda _: None,
            on_event=lambda *_: None,
            should_stop=lambda: False,
        )
    )


def test_apply_builds_a_planned_repair_from_what_the_server_holds_then() -> None:
    planned = Change(
        instance="sonarr.main",
        type="quality_profile",
        name="p7",
        action=Action.UPDATE,
        live_id=7,
        repair=True,
    )
    # The profile lacks two formats now, whatever the plan saw: the repair restores both.
    server = _Server(_reads(_profile(7, (1, 9)), _profile(8, (1, 0))))
    result = _apply(server, planned)
    assert result.applied == [planned.address] and result.failed is None
    (sent,) = server.sent  # the damaged profile 8 was not planned: no overlapping creates here
    assert sent.path == "qualityprofile/7"
    assert [(i["format"], i["score"]) for i in sent.body["formatItems"]] == [(3, 0), (2, 0), (1, 9)]

    whole = _Server(_reads(_profile(7, (3, 0), (2, 0), (1, 9))))
    assert _apply(whole, planned).applied == [planned.address]
    assert whole.sent == []


def test_a_damaged_profile_whose_delete_is_spared_is_repaired_instead() -> None:
    # Profile 7 lacks two formats and the delete rule wants it gone, but a series still uses
    # it: the delete is spared, so the repair that the planned delete stood in for is planned.
    reads = _reads(_profile(7, (1, 40)), _profile(8, (3, 0), (2, 0), (1, 0)))
    delete_unmanaged = Wants(delete=DeleteRule(unmanaged=True))
    states = [
        KindState(kind=CustomFormatKind(), wants=Wants(), found=CustomFormatKind().found(reads), reads=reads),
        KindState(
            kind=SonarrQualityProfile(),
            wants=delete_unmanaged,
            found=SonarrQualityProfile().found(reads),
            reads=reads,
        ),
    ]
    planned = plan_engine.plan_kinds(states, Ownership(), instance="sonarr.main")
    assert {(c.name, c.action, c.repair) for c in planned.changes} == {
        ("p7", Action.DELETE, False),
        ("p8", Action.DELETE, False),
    }
    settled = {s.kind.name: s for s in planned.states}
    series = {"series": [{"id": 1, "qualityProfileId": 7}]}
    kept, warnings = plan_engine.spare(planned.changes, settled, series)
    assert [w.location for w in warnings] == ['sonarr.main.quality_profile["p7"]']
    assert [(c.name, c.action, c.repair) for c in kept] == [
        ("p7", Action.UPDATE, True),
        ("p8", Action.DELETE, False),
    ]
    (repair,) = (c for c in kept if c.repair)
    assert repair.after == {"scores": {"three": 0, "two": 0}}
