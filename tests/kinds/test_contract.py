"""The contract every registry kind keeps, checked kind by kind against the simulators (which
check request bodies against the real OpenAPI specs): its write request reads back to the same
essence, its essence is idempotent, and no sensitive value ever leaves the process. That each
kind converges is `tests/e2e/test_kinds.py`."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest

from syncd.config.model import RESOURCE_SECTIONS, InstanceConfig, ResourceEntry
from syncd.domain.resources import QualitySize
from syncd.domain.state import DesiredInstance, Ownership
from syncd.kinds import base, registry
from syncd.kinds.base import Context, Found, Kind, Request, Resolved
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
# The TRaSH-backed kinds take what config and guides resolve to (`Context.desired`).
DESIRED: dict[str, dict[str, Any]] = {
    "quality_definition": {
        "quality_sizes": (QualitySize(quality="HDTV-720p", min=12.3, preferred=400.5, max=None),),
        "quality_titles": {"HDTV-720p": "HD television", "Bluray-1080p": "Blu-ray 1080p"},
    },
    "media_naming": {"naming": {"renameEpisodes": True, "colonReplacementFormat": 4}},
    "media_management": {"media_management": {"downloadPropersAndRepacks": "doNotPrefer"}},
}
# The same, as a user writes them in the config (the e2e convergence test's input).
CONFIG: dict[str, Any] = {
    "quality_definition": {
        "type": "series",
        "qualities": [{"name": "HDTV-720p", "min": 12.3, "preferred": 400.5, "max": 900}],
    },
    "media_naming": {"series": "plex-tvdb"},
    "media_management": {"propers_and_repacks": "do_not_prefer"},
}
# Sensitive values of the samples: never in any output.
SECRETS = ("qbt-s3cret-Value", "plex-t0ken-Value")

KINDS = [pytest.param(kind, id=kind.name) for kind in registry.KINDS]


def test_every_kind_has_a_sample_and_a_config_section() -> None:
    assert sorted([*SAMPLES, *DESIRED]) == sorted(k.name for k in registry.KINDS)
    # A kind reads either resource entries (its section is in RESOURCE_SECTIONS) or the
    # resolved desired state of a typed instance section.
    generic = [k.section for k in registry.KINDS if k.name in SAMPLES]
    assert sorted(RESOURCE_SECTIONS) == sorted(generic)
    assert all(k.section in InstanceConfig.model_fields for k in registry.KINDS if k.name in DESIRED)


def wants(kind: Kind) -> engine.KindState:
    entries = tuple(ResourceEntry(value=v) for v in SAMPLES.get(kind.name, ()))
    desired = DesiredInstance(service="sonarr", name="main", **DESIRED.get(kind.name, {}))
    result = kind.wanted(entries, Context("sonarr.main", "sonarr", desired=desired))
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
        state = engine.KindState(kind=kind, wants=wanted.wants, found=kind.found(reads), reads=reads)
        for request in requests(state):
            await gateway.send(request)
        return state, kind.found(await gateway.read(kind.reads))


def requests(state: engine.KindState) -> list[Request]:
    """The writes that bring the server to the samples: creates, or for a kind whose objects
    the server always holds, updates of the objects of the same name (one bulk request)."""
    kind = state.kind
    if not base.is_fixed(kind):
        return [kind.request("create", w, None, Resolved(), state.reads) for w in state.wants.objects]
    live = {f.name: f for f in state.found}
    pairs = [(w, live[w.name]) for w in state.wants.objects]
    if base.is_bulk(kind):
        return [base.bulk_request(kind, pairs, state.reads)]
    return [kind.request("update", w, f, Resolved(), state.reads) for w, f in pairs]


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
        wanted = next((w for w in state.wants.objects if w.name == live.name), None)
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
