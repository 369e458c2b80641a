"""The contract every registry kind keeps, checked kind by kind against the simulators (which
check request bodies against the real OpenAPI specs): its write request reads back to the same
essence, its essence is idempotent, and no sensitive value ever leaves the process. That each
kind converges is `tests/e2e/test_kinds.py`."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from typing import Any

import pytest

from syncd.apply import engine as apply_engine
from syncd.config.model import RESOURCE_SECTIONS, InstanceConfig, ResourceEntry
from syncd.domain.resources import CustomFormat, ProfileItem, QualitySize, Specification
from syncd.domain.state import DesiredCustomFormat, DesiredInstance, DesiredProfile, Ownership
from syncd.kinds import registry
from syncd.kinds.base import Context, Found, Kind
from syncd.live.http import ApiClient
from syncd.live.servarr import ServarrGateway
from syncd.plan import engine, saved
from syncd.plan.model import Action, InstancePlan, Plan
from syncd.render import human
from syncd.render import json as json_render
from syncd.simulator import SimulatedServarr
from tests.shared import RADARR_KEY, SONARR_KEY

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
# Sensitive values of the samples: never in any output.
SECRETS = ("qbt-s3cret-Value", "plex-t0ken-Value")

KINDS = [pytest.param(kind, id=kind.name) for kind in registry.KINDS]


def test_every_kind_has_a_sample_and_a_config_section() -> None:
    assert {*SAMPLES, *DESIRED} == {k.name for k in registry.KINDS}
    # A kind reads either resource entries (its section is in RESOURCE_SECTIONS) or the
    # resolved desired state of a typed instance section.
    generic = [k.section for k in registry.KINDS if k.name in SAMPLES]
    assert sorted(RESOURCE_SECTIONS) == sorted(generic)
    assert all(k.section in InstanceConfig.model_fields for k in registry.KINDS if k.name in DESIRED)


def service_of(kind: Kind) -> str:
    return "sonarr" if "sonarr" in kind.services else sorted(kind.services)[0]


def states_for(kind: Kind) -> list[engine.KindState]:
    """The kind, and the kinds it depends on, with what the samples want of them."""
    service = service_of(kind)
    entries = tuple(ResourceEntry(value=v) for v in SAMPLES.get(kind.name, ()))
    desired = DesiredInstance(service=service, name="main", **DESIRED.get(kind.name, {}))  # type: ignore[arg-type]
    context = Context(f"{service}.main", service, desired=desired)
    kinds = [k for k in registry.for_service(service) if k.name in kind.depends_on] + [kind]
    states = [engine.KindState(kind=k, wants=k.wanted(entries if k is kind else (), context)) for k in kinds]
    assert states[-1].wants.diagnostics == ()
    assert states[-1].wants.objects
    return states


async def planned(gateway: ServarrGateway, kind: Kind, ownership: Ownership) -> engine.KindPlan:
    states = states_for(kind)
    reads = await gateway.read(sorted({p for s in states for p in s.kind.reads}))
    states = [replace(s, found=s.kind.found(reads), reads=reads) for s in states]
    result = engine.plan_kinds(states, ownership, instance=gateway.address)
    assert result.diagnostics == []
    return result


async def write_and_read_back(
    kind: Kind, server: SimulatedServarr
) -> tuple[engine.KindState, tuple[Found, ...], tuple[engine.KindPlan, engine.KindPlan]]:
    """Plan the samples against the server and write them through the kinds' own requests;
    the settled planning state of `kind`, its objects read back afterwards, and the plans
    before and after the writes."""
    service = service_of(kind)
    key = SONARR_KEY if service == "sonarr" else RADARR_KEY
    async with ApiClient(server.url, key, instance=f"{service}.main", backoffs=()) as client:
        gateway = ServarrGateway(client, service=service, name="main")  # type: ignore[arg-type]
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
def server(kind: Kind, request: pytest.FixtureRequest) -> SimulatedServarr:
    served: SimulatedServarr = request.getfixturevalue(service_of(kind))
    return served


@pytest.mark.parametrize("kind", KINDS)
def test_the_written_request_reads_back_to_the_same_essence(kind: Kind, server: SimulatedServarr) -> None:
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
def test_essence_is_idempotent(kind: Kind, server: SimulatedServarr) -> None:
    state, found, _ = asyncio.run(write_and_read_back(kind, server))
    for live in found:
        wanted = next((w for w in state.wants.objects if w.name == live.name), None)
        once = dict(kind.essence(live, wanted))
        projected = {"id": live.id, **once}
        again = kind.essence(Found(id=live.id, name=live.name, raw=projected, value=projected), wanted)
        assert dict(again) == once


@pytest.mark.parametrize("kind", KINDS)
def test_a_sensitive_value_never_leaves_the_process(
    kind: Kind, server: SimulatedServarr, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    _, _, plans = asyncio.run(write_and_read_back(kind, server))
    for changes in (p.changes for p in plans):
        plan = Plan(
            instances=(InstancePlan(instance="sonarr.main", service="sonarr", changes=tuple(changes)),)
        )
        outputs = human.render(plan) + json_render.render(plan) + saved.dump(plan) + caplog.text
        for secret in SECRETS:
            assert secret not in outputs
        assert all(c.address in outputs for c in changes if c.action is not Action.NOOP)


@pytest.mark.parametrize("kind", KINDS)
def test_the_kind_converges_against_the_simulator(kind: Kind, server: SimulatedServarr) -> None:
    _, _, (first, again) = asyncio.run(write_and_read_back(kind, server))
    assert any(c.action is not Action.NOOP for c in first.changes)
    assert again.changes
    assert {c.action for c in again.changes} == {Action.NOOP}
