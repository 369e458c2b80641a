"""What a delete policy can reach: with every registry kind told to delete everything it does
not want (owned and unmanaged), a plan and apply against a simulated Sonarr delete the hand-made
objects of those kinds, and never the indexers Prowlarr created ("X (Prowlarr)": syncd has no
indexer kind), the default delay profile or the download-client settings."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from syncd.apply import engine as apply_engine
from syncd.domain.state import Ownership
from syncd.kinds import registry
from syncd.kinds.base import DeleteRule, Wants
from syncd.live.http import ApiClient
from syncd.live.servarr import ServarrGateway
from syncd.plan import engine
from syncd.plan.model import Action
from syncd.simulator import SimulatedServarr
from tests.shared import SONARR_KEY

EVERYTHING = DeleteRule(owned=True, unmanaged=True)


def template(http: httpx.Client, resource: str, implementation: str) -> dict[str, Any]:
    schema = http.get(f"/api/v3/{resource}/schema").json()
    return next(t for t in schema if t["implementation"] == implementation)


def with_fields(resource: dict[str, Any], **values: Any) -> dict[str, Any]:
    for item in resource["fields"]:
        if item["name"] in values:
            item["value"] = values[item["name"]]
    return resource


def hand_made(server: SimulatedServarr) -> None:
    """What Prowlarr and a person clicking through the UI left on the server."""
    with httpx.Client(base_url=server.url, headers={"X-Api-Key": SONARR_KEY}, timeout=10) as http:
        indexer = template(http, "indexer", "Torznab")
        indexer.update(name="Nyaa (Prowlarr)", enableRss=False, enableAutomaticSearch=False)
        indexer.update(enableInteractiveSearch=False, tags=[])
        with_fields(indexer, baseUrl="http://prowlarr:9696/1/", apiKey="prowlarr-key")
        assert http.post("/api/v3/indexer", json=indexer).status_code == 201
        tag = http.post("/api/v3/tag", json={"label": "anime"}).json()
        profile = {"enableUsenet": True, "enableTorrent": True, "preferredProtocol": "usenet"}
        assert http.post("/api/v3/delayprofile", json={**profile, "tags": [tag["id"]]}).status_code == 201
        mapping = {"host": "qbt", "remotePath": "/dl/", "localPath": "/data/downloads/"}
        assert http.post("/api/v3/remotepathmapping", json=mapping).status_code == 201
        plex = with_fields(template(http, "notification", "PlexServer"), host="plex")
        assert http.post("/api/v3/notification", json={**plex, "name": "Plex"}).status_code == 201


async def delete_everything(server: SimulatedServarr) -> list[str]:
    states = [
        engine.KindState(kind=k, wants=Wants(delete=EVERYTHING)) for k in registry.for_service("sonarr")
    ]
    async with ApiClient(server.url, SONARR_KEY, instance="sonarr.main", backoffs=()) as client:
        gateway = ServarrGateway(client, service="sonarr", name="main")
        reads = await gateway.read(sorted({path for s in states for path in s.kind.reads}))
        states = [
            engine.KindState(kind=s.kind, wants=s.wants, found=s.kind.found(reads), reads=reads)
            for s in states
        ]
        changes = engine.plan_kinds(states, Ownership(), instance="sonarr.main").changes
        result = await apply_engine.execute(
            changes,
            {s.kind.name: s for s in states},
            gateway,
            Ownership(),
            instance="sonarr.main",
            save=lambda _: None,
            on_event=lambda *_: None,
            should_stop=lambda: False,
        )
    assert result.failed is None, result.error
    assert all(c.action is Action.DELETE for c in changes)
    return [c.address for c in changes]


def test_a_delete_everything_policy_spares_prowlarrs_indexers_and_the_servers_own_objects(
    sonarr: SimulatedServarr,
) -> None:
    hand_made(sonarr)
    sonarr.requests.clear()
    config_before = sonarr.state.get_download_client_config()
    # The server's own quality profiles are objects syncd does not manage, so they are reached
    # too (none is in use here; one in use would be spared, see tests/e2e/test_safety.py).
    profiles = [f'sonarr.main.quality_profile["{p["name"]}"]' for p in sonarr.state.quality_profiles.values()]
    deleted = asyncio.run(delete_everything(sonarr))
    assert sorted(deleted) == sorted(
        [
            'sonarr.main.tag["anime"]',
            'sonarr.main.delay_profile["anime"]',
            'sonarr.main.remote_path_mapping["qbt:/dl"]',
            'sonarr.main.connection["Plex"]',
            *profiles,
        ]
    )
    assert [row["name"] for row in sonarr.state.indexers.rows.values()] == ["Nyaa (Prowlarr)"]
    assert not any("/indexer" in r.path for r in sonarr.requests if r.method != "GET")
    assert list(sonarr.state.delay_profiles.rows) == [1]
    assert sonarr.state.get_download_client_config() == config_before
