"""The pure layers never call an HTTP client, checked at run time as well as by the import
contracts: with every socket connect and every httpx send made to fail, each registry kind
still turns config into wants, server replies into found objects, plans (create, no-op,
update, delete) and builds its write requests. The replies are read from the kind's simulator
first, while the network is still allowed."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from syncd.config.model import RESOURCE_SECTIONS
from syncd.domain.state import Ownership
from syncd.errors import SyncdError
from syncd.kinds import registry
from syncd.kinds.base import DeleteRule, Kind, Resolved, Wants
from syncd.plan import engine
from syncd.plan.model import Action
from syncd.simulator.loopback import LoopbackServer
from tests.kinds import test_contract
from tests.kinds.test_contract import write_and_read_back

server = test_contract.server  # the fixture: the simulator of the kind's service


class NetworkUsed(AssertionError):
    pass


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """A switch that makes every socket connect and httpx send fail from then on."""

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise NetworkUsed("a pure layer tried to use the network")

    def arm() -> None:
        monkeypatch.setattr(socket.socket, "connect", refuse)
        monkeypatch.setattr(socket, "create_connection", refuse)
        monkeypatch.setattr(httpx.Client, "send", refuse)
        monkeypatch.setattr(httpx.AsyncClient, "send", refuse)

    return arm


# The resource-entry kinds; the TRaSH-backed ones plan only with the kinds they depend on (the
# contract test plans those), and import the same pure modules.
@pytest.mark.parametrize(
    "kind", [pytest.param(k, id=k.name) for k in registry.KINDS if k.section in RESOURCE_SECTIONS]
)
def test_kinds_and_the_planner_work_without_any_network(
    kind: Kind,
    server: LoopbackServer,
    no_network: Callable[[], None],
) -> None:
    state, found, _ = asyncio.run(write_and_read_back(kind, server))
    reads = state.reads
    no_network()
    with pytest.raises(NetworkUsed):  # the guard is armed
        socket.create_connection(("127.0.0.1", 9))
    planned = engine.KindState(kind=kind, wants=state.wants, found=kind.found(reads), reads=reads)
    after = engine.KindState(kind=kind, wants=state.wants, found=found, reads=reads)
    dropped = engine.KindState(
        kind=kind, wants=Wants(delete=DeleteRule(unmanaged=True)), found=found, reads=reads
    )
    ids = {kind.name: {w.key: 1 for w in state.wants.objects}}
    built = []
    for each in (planned, after, dropped):
        for change in engine.plan_kinds([each], Ownership(), instance="x.main").changes:
            if change.action is Action.NOOP:
                continue
            wanted, match = each.wanted_by_key(change.key), each.found_by_id(change.live_id)
            action = "create" if change.action is Action.CREATE else change.action.value
            action = "delete" if action == "replace" else action
            try:
                built.append(kind.request(action, wanted, match, Resolved(ids), reads))
            except (SyncdError, ValueError):  # refused input (another kind's ids), not the network
                continue
    assert built  # every kind wrote something here, without a byte on the network
