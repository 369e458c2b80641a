"""The contract every registry kind keeps, checked kind by kind against the simulator of its
service (Sonarr for the kinds it has, else Prowlarr or Plex; they check request bodies against
the real OpenAPI specs): its write request reads back to the same
essence, its essence is idempotent, and no sensitive value ever leaves the process. That each
kind converges is `tests/e2e/test_kinds.py`."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Any, Protocol

import pytest

from syncd.apply import engine as apply_engine
from syncd.config.model import QBITTORRENT_SECTIONS, RESOURCE_SECTIONS, InstanceConfig, ResourceEntry
from syncd.domain.resources import CustomFormat, ProfileItem, QualitySize, Specification
from syncd.domain.state import DesiredCustomFormat, DesiredInstance, DesiredProfile, Ownership
from syncd.kinds import registry
from syncd.kinds.base import Context, Found, Kind, Request
from syncd.live import plex, prowlarr, qbittorrent
from syncd.live.http import ApiClient
from syncd.live.servarr import ServarrGateway
from syncd.plan import engine, saved
from syncd.plan.model import Action, InstancePlan, Plan
from syncd.render import human
from syncd.render import json as json_render
from syncd.simulator.loopback import LoopbackServer
from syncd.simulator.plex import SimulatedPlex
from syncd.simulator.prowlarr import SimulatedProwlarr
from syncd.simulator.qbittorrent import SimulatedQbittorrent
from tests.fakes.openapi import OpenApiValidator
from tests.shared import RADARR_KEY, SONARR_KEY

PROWLARR_KEY = "prowlarr-test-key-0123456789abcdef"
PLEX_TOKEN = "plex-test-token-0123456789"

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
X265 = DesiredCustomFormat(
    trash_id="t-x265",
    custom_format=CustomFormat(
        name="x265 (Test)",
        specifications=(
            Specification(
                name="x265", implementation="ReleaseTitleSpecification", fields={"value": r"[xh][ ._-]?265"}
            ),
        ),
    ),
)
PROFILE = DesiredProfile(
    key="test-profile",
    name="Test Profile",
    items=(
        ProfileItem(name="WEB 1080p", qualities=("WEBDL-1080p", "WEBRip-1080p")),
        ProfileItem(name="HDTV-720p"),
    ),
    cutoff="WEB 1080p",
    scores={"t-x265": -500},
)
SAMPLES |= {
    # Without a tag a proxy is off, so Prowlarr saves it without testing the solver.
    "indexer_proxy": [
        {
            "name": "FlareSolverr",
            "implementation": "FlareSolverr",
            "fields": {"host": "http://flaresolverr:8191/", "requestTimeout": 30},
            "settings": {"onHealthIssue": True},
        }
    ],
    # `disabled`: saved without the live test against a Sonarr.
    "application": [
        {
            "name": "Sonarr",
            "implementation": "Sonarr",
            "fields": {
                "prowlarrUrl": "http://prowlarr:9696",
                "baseUrl": "http://sonarr:8989",
                "apiKey": "sonarr-Secret-Key-Value",
                "syncCategories": [5000, 5040],
            },
            "settings": {"syncLevel": "disabled"},
        }
    ],
    "library": [
        {"name": "Movies", "type": "movie", "path": "/data/library/movies"},
        {"name": "TV Shows", "type": "show", "paths": ["/data/library/tvshows/"], "language": "de-DE"},
    ],
}
DESIRED: dict[str, dict[str, Any]] = {
    "custom_format": {"custom_formats": {"t-x265": X265}},
    "quality_profile": {"custom_formats": {"t-x265": X265}, "quality_profiles": (PROFILE,)},
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
    "custom_format": [{"trash_ids": ["85c61753df5da1fb2aab6f2a47426b09"]}],
    "quality_profile": [{"name": "Mine", "qualities": [{"name": "WEBDL-1080p"}, {"name": "HDTV-720p"}]}],
}
SAMPLES["qbittorrent_preferences"] = [
    {"key": "current_network_interface", "value": "wg0"},
    {"key": "max_ratio_enabled", "value": True},
    {"key": "max_ratio", "value": 2},
]
SAMPLES["category"] = [
    {"name": "tv", "save_path": "/data/downloads/tv/"},
    {"name": "anime/seasonal", "save_path": ""},
]
# Sensitive values of the samples: never in any output.
SECRETS = ("qbt-s3cret-Value", "plex-t0ken-Value", "sonarr-Secret-Key-Value")

KINDS = [pytest.param(kind, id=kind.name) for kind in registry.KINDS]


def test_every_kind_has_a_sample_and_a_config_section() -> None:
    assert {*SAMPLES, *DESIRED} == {k.name for k in registry.KINDS}
    # A kind reads either resource entries (its section is in RESOURCE_SECTIONS) or the
    # resolved desired state of a typed instance section.
    generic = [k.section for k in registry.KINDS if k.name in SAMPLES]
    assert sorted(RESOURCE_SECTIONS + QBITTORRENT_SECTIONS) == sorted(generic)
    assert all(k.section in InstanceConfig.model_fields for k in registry.KINDS if k.name in DESIRED)


def service_of(kind: Kind) -> str:
    return "sonarr" if "sonarr" in kind.services else sorted(kind.services)[0]


def states_for(kind: Kind) -> list[engine.KindState]:
    """The kind, and the kinds it depends on, with what the samples want of them."""
    service = service_of(kind)
    entries = tuple(ResourceEntry(value=v) for v in SAMPLES.get(kind.name, ()))
    desired = (
        DesiredInstance(service=service, name="main", **DESIRED.get(kind.name, {}))  # type: ignore[arg-type]
        if service in ("sonarr", "radarr")
        else None
    )
    context = Context(f"{service}.main", service, desired=desired)
    kinds = [k for k in registry.for_service(service) if k.name in kind.depends_on] + [kind]
    states = [engine.KindState(kind=k, wants=k.wanted(entries if k is kind else (), context)) for k in kinds]
    assert [d for d in states[-1].wants.diagnostics if d.severity == "error"] == []
    assert states[-1].wants.objects
    return states


class Gateway(Protocol):
    address: str

    async def read(self, paths: Any) -> dict[str, Any]: ...

    async def send(self, request: Request) -> Any: ...


@asynccontextmanager
async def gateway_for(kind: Kind, server: LoopbackServer) -> AsyncIterator[Gateway]:
    service = service_of(kind)
    if service == "prowlarr":
        async with prowlarr.client(server.url, PROWLARR_KEY, instance="prowlarr.main", backoffs=()) as client:
            yield prowlarr.ProwlarrGateway(client, name="main")
    elif service == "plex":
        async with plex.client(server.url, PLEX_TOKEN, instance="plex.main", backoffs=()) as client:
            yield plex.PlexGateway(client, name="main")
    elif service == "qbittorrent":
        async with qbittorrent.client(
            server.url, instance="qbittorrent.main", password=None, backoffs=()
        ) as c:
            yield qbittorrent.QbittorrentGateway(c, name="main")
    else:
        key = SONARR_KEY if service == "sonarr" else RADARR_KEY
        async with ApiClient(server.url, key, instance=f"{service}.main", backoffs=()) as client:
            yield ServarrGateway(client, service=service, name="main")  # type: ignore[arg-type]


async def planned(gateway: Gateway, kind: Kind, ownership: Ownership) -> engine.KindPlan:
    states = states_for(kind)
    reads = await gateway.read(sorted({p for s in states for p in s.kind.reads}))
    states = [replace(s, found=s.kind.found(reads), reads=reads) for s in states]
    result = engine.plan_kinds(states, ownership, instance=gateway.address)
    assert [d for d in result.diagnostics if d.severity == "error"] == []
    return result


async def write_and_read_back(
    kind: Kind, server: LoopbackServer
) -> tuple[engine.KindState, tuple[Found, ...], tuple[engine.KindPlan, engine.KindPlan]]:
    """Plan the samples against the server and write them through the kinds' own requests;
    the settled planning state of `kind`, its objects read back afterwards, and the plans
    before and after the writes."""
    async with gateway_for(kind, server) as gateway:
        first = await planned(gateway, kind, Ownership())
        settled = {s.kind.name: s for s in first.states}
        result = await apply_engine.execute(
            first.changes,
            settled,
            gateway,
            Ownership(),
            instance=gateway.address,
            save=lambda _o: None,
            on_event=lambda _e, _f: None,
            should_stop=lambda: False,
        )
        assert result.failed is None, result.error
        again = await planned(gateway, kind, result.ownership)
        return settled[kind.name], kind.found(await gateway.read(kind.reads)), (first, again)


@pytest.fixture
def server(kind: Kind, request: pytest.FixtureRequest) -> Iterator[LoopbackServer]:
    """The simulator of the kind's service."""
    service = service_of(kind)
    if service in ("sonarr", "radarr"):
        yield request.getfixturevalue(service)
        return
    if service == "qbittorrent":
        with SimulatedQbittorrent() as fake:
            yield fake
        return
    validator = OpenApiValidator("prowlarr", allow_unknown_properties=False)
    simulated: LoopbackServer = (
        SimulatedProwlarr(api_key=PROWLARR_KEY, request_validator=validator)
        if service == "prowlarr"
        else SimulatedPlex(token=PLEX_TOKEN)
    )
    with simulated:
        yield simulated


@pytest.mark.parametrize("kind", KINDS)
def test_the_written_request_reads_back_to_the_same_essence(kind: Kind, server: LoopbackServer) -> None:
    state, found, _ = asyncio.run(write_and_read_back(kind, server))
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
def test_essence_is_idempotent(kind: Kind, server: LoopbackServer) -> None:
    state, found, _ = asyncio.run(write_and_read_back(kind, server))
    for live in found:
        wanted = next((w for w in state.wants.objects if w.name == live.name), None)
        once = dict(kind.essence(live, wanted))
        projected = {"id": live.id, **once}
        again = kind.essence(Found(id=live.id, name=live.name, raw=projected, value=projected), wanted)
        assert dict(again) == once


@pytest.mark.parametrize("kind", KINDS)
def test_a_sensitive_value_never_leaves_the_process(
    kind: Kind, server: LoopbackServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    _, _, plans = asyncio.run(write_and_read_back(kind, server))
    for changes in (p.changes for p in plans):
        plan = Plan(
            instances=(
                InstancePlan(
                    instance=f"{service_of(kind)}.main", service=service_of(kind), changes=tuple(changes)
                ),
            )
        )
        outputs = human.render(plan) + json_render.render(plan) + saved.dump(plan) + caplog.text
        for secret in SECRETS:
            assert secret not in outputs
        assert all(c.address in outputs for c in changes if c.action is not Action.NOOP)


@pytest.mark.parametrize("kind", KINDS)
def test_the_kind_converges_against_the_simulator(kind: Kind, server: LoopbackServer) -> None:
    _, _, (first, again) = asyncio.run(write_and_read_back(kind, server))
    assert any(c.action is not Action.NOOP for c in first.changes)
    assert again.changes
    assert {c.action for c in again.changes} == {Action.NOOP}
