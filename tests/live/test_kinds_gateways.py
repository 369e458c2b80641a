"""The Prowlarr and Plex gateways probe and read in one round trip, as the Sonarr/Radarr one
does: the reads go out with the probe (`identity_and_read`), and a probe that fails wins over
the reads alongside it, which are not retried."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import respx

from syncd.errors import ApiError
from syncd.live import plex, prowlarr
from syncd.live.http import ApiClient

BASE = "http://prowlarr.test:9696"
PLEX = "http://plex.test:32400"
STATUS = {"appName": "Prowlarr", "instanceName": "Prowlarr", "version": "2.0.5.5160"}
IDENTITY = {"MediaContainer": {"machineIdentifier": "abc", "claimed": True}}

Gateway = prowlarr.ProwlarrGateway | plex.PlexGateway


def _run(client: ApiClient, gateway: Gateway, call: Callable[[Gateway], Awaitable[Any]]) -> Any:
    async def main() -> Any:
        async with client:
            return await call(gateway)

    return asyncio.run(main())


def _prowlarr(router: respx.MockRouter) -> tuple[ApiClient, Gateway]:
    client = prowlarr.client(
        BASE,
        "k" * 32,
        instance="prowlarr.main",
        transport=httpx.MockTransport(router.async_handler),
        backoffs=(0.0,),
    )
    return client, prowlarr.ProwlarrGateway(client, name="main")


def _plex(router: respx.MockRouter) -> tuple[ApiClient, Gateway]:
    client = plex.client(
        PLEX,
        "plex-token",
        instance="plex.main",
        transport=httpx.MockTransport(router.async_handler),
        backoffs=(0.0,),
    )
    return client, plex.PlexGateway(client, name="main")


@dataclass(frozen=True)
class Case:
    """One gateway: how to build it, its probe and answer, and one collection it reads."""

    make: Callable[[respx.MockRouter], tuple[ApiClient, Gateway]]
    base: str
    probe: str
    answer: dict[str, Any]
    route: str
    path: str


CASES = [
    pytest.param(
        Case(_prowlarr, f"{BASE}/api/v1", "/system/status", STATUS, "/indexerproxy", "indexerproxy"),
        id="prowlarr",
    ),
    pytest.param(
        Case(_plex, PLEX, "/identity", IDENTITY, "/library/sections", "library/sections"), id="plex"
    ),
]


@pytest.mark.parametrize("case", CASES)
def test_the_probe_and_the_reads_go_out_together(case: Case) -> None:
    """The probe's answer waits for a read to arrive: a probe sent first would time out."""
    router = respx.MockRouter(base_url=case.base)
    read_arrived = asyncio.Event()

    async def status(request: httpx.Request) -> httpx.Response:
        await asyncio.wait_for(read_arrived.wait(), timeout=2)
        return httpx.Response(200, json=case.answer)

    async def collection(request: httpx.Request) -> httpx.Response:
        read_arrived.set()
        return httpx.Response(200, json=[])

    router.get(case.probe).mock(side_effect=status)
    router.get(case.route).mock(side_effect=collection)
    client, gateway = case.make(router)
    identity, reads = _run(client, gateway, lambda g: g.identity_and_read([case.path]))
    assert identity and reads == {case.path: []}
    assert client.stats == {"GET": 2}


@pytest.mark.parametrize("case", CASES)
def test_a_probe_that_fails_wins_and_the_reads_alongside_are_not_retried(case: Case) -> None:
    router = respx.MockRouter(base_url=case.base)
    router.get(case.probe).mock(
        return_value=httpx.Response(200, json={"appName": "Sonarr", "MediaContainer": {}})
    )
    reads = router.get(case.route).mock(return_value=httpx.Response(503))
    client, gateway = case.make(router)
    with pytest.raises(ApiError, match="check base_url"):
        _run(client, gateway, lambda g: g.identity_and_read([case.path]))
    assert reads.call_count <= 1, "a read beside a failed probe was retried"
