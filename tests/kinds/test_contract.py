"""The contract every registry kind keeps, checked kind by kind against the simulators (which
check request bodies against the real OpenAPI specs): its write request reads back to the same
essence, its essence is idempotent, and no sensitive value ever leaves the process. That each
kind converges is `tests/e2e/test_kinds.py`."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest

from syncd.config.model import RESOURCE_SECTIONS, ResourceEntry
from syncd.domain.state import Ownership
from syncd.kinds import registry
from syncd.kinds.base import Context, Found, Kind, Resolved
from syncd.live.http import ApiClient
from syncd.live.servarr import ServarrGateway
from syncd.plan import engine, saved
from syncd.plan.model import InstancePlan, Plan
from syncd.render import human
from syncd.render import json as json_render
from syncd.simulator import SimulatedServarr
from tests.shared import SONARR_KEY

# Config entries for each kind, as a user writes them under the kind's section.
SAMPLES: dict[str, list[Any]] = {
    "tag": ["anime", "4k"],
    "root_folder": ["/data/library/tvshows", {"path": "/tv/"}],
    "download_client": [
        {
            "name": "qBittorrent",
            "implementation": "QBittorrent",
            "enable": False,
            "fields": {
                "host": "qbittorrent",
                "port": 8080,
                "username": "admin",
                "password": "qbt-s3cret-Value",
            },
            "settings": {"priority": 1},
        }
    ],
    "download_client_config": [{"enableCompletedDownloadHandling": False, "autoRedownloadFailed": False}],
    "remote_path_mapping": [
        {"host": "qbittorrent", "remote_path": "/downloads", "local_path": "/data/downloads/"},
        {"host": "qbittorrent", "remote_path": "/incomplete/", "local_path": "/data/downloads/tv"},
    ],
    "delay_profile": [{"default": True, "preferred_protocol": "torrent", "usenet_delay": 30}],
    "connection": [
        {
            "name": "Plex",
            "implementation": "PlexServer",
            "fields": {"host": "plex", "port": 32400, "authToken": "plex-t0ken-Value", "updateLibrary": True},
            # No event on: the server does not test a connection that is off (no Plex here).
            "settings": {"onDownload": False, "onRename": False},
        }
    ],
}
# Sensitive values of the samples: never in any output.
SECRETS = ("qbt-s3cret-Value", "plex-t0ken-Value")

KINDS = [pytest.param(kind, id=kind.name) for kind in registry.KINDS]


def test_every_kind_has_a_sample_and_a_config_section() -> None:
    assert sorted(SAMPLES) == sorted(k.name for k in registry.KINDS)
    assert sorted(RESOURCE_SECTIONS) == sorted(k.section for k in registry.KINDS)


def wants(kind: Kind) -> engine.KindState:
    entries = tuple(ResourceEntry(value=v) for v in SAMPLES[kind.name])
    result = kind.wanted(entries, Context("sonarr.main", "sonarr"))
    assert result.diagnostics == ()
    assert result.objects
    return engine.KindState(kind=kind, wants=result)


async def write_and_read_back(
    kind: Kind, server: SimulatedServarr
) -> tuple[engine.KindState, tuple[Found, ...]]:
    """Create every sample through the kind's own requests; the planning state (with the
    server's reads, as planning has them) and the objects read back afterwards."""
    wanted = wants(kind)
    async with ApiClient(server.url, SONARR_KEY, instance="sonarr.main", backoffs=()) as client:
        gateway = ServarrGateway(client, service="sonarr", name="main")
        reads = await gateway.read(kind.reads)
        state = engine.KindState(kind=kind, wants=wanted.wants, reads=reads)
        for item in state.wants.objects:
            await gateway.send(kind.request("create", item, None, Resolved(), reads))
        return state, kind.found(await gateway.read(kind.reads))


@pytest.mark.parametrize("kind", KINDS)
def test_the_written_request_reads_back_to_the_same_essence(kind: Kind, sonarr: SimulatedServarr) -> None:
    state, found = asyncio.run(write_and_read_back(kind, sonarr))
    by_name = {f.name.lower(): f for f in found}
    for wanted in state.wants.objects:
        live = by_name[wanted.name.lower()]
        essence = kind.essence(live, wanted)
        secret = state.sensitive
        plain = {k: v for k, v in wanted.value.items() if k not in secret}
        if isinstance(plain.get("fields"), dict):
            plain["fields"] = {f: v for f, v in plain["fields"].items() if f"fields.{f}" not in secret}
        got = {k: essence[k] for k in plain}
        if "fields" in plain:
            got["fields"] = {f: essence["fields"][f] for f in plain["fields"]}
        assert got == plain


@pytest.mark.parametrize("kind", KINDS)
def test_essence_is_idempotent(kind: Kind, sonarr: SimulatedServarr) -> None:
    state, found = asyncio.run(write_and_read_back(kind, sonarr))
    for live in found:
        wanted = state.wanted_by_key(live.name)
        once = dict(kind.essence(live, wanted))
        projected = {"id": live.id, **once}
        again = kind.essence(Found(id=live.id, name=live.name, raw=projected, value=projected), wanted)
        assert dict(again) == once


@pytest.mark.parametrize("kind", KINDS)
def test_a_sensitive_value_never_leaves_the_process(
    kind: Kind, sonarr: SimulatedServarr, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    state, _ = asyncio.run(write_and_read_back(kind, sonarr))
    changes = engine.plan_kinds([state], Ownership(), instance="sonarr.main").changes
    plan = Plan(instances=(InstancePlan(instance="sonarr.main", service="sonarr", changes=tuple(changes)),))
    outputs = human.render(plan) + json_render.render(plan) + saved.dump(plan) + caplog.text
    for secret in SECRETS:
        assert secret not in outputs
    assert all(c.address in outputs for c in changes)
