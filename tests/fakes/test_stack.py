"""The whole simulated stack wired by raw HTTP the way the wiring kinds will do it, over the
in-cluster service names: every connection test really crosses between the fakes, and a read
of the converged stack writes nothing anywhere and sets off no Prowlarr test or sync."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from syncd.simulator.stack import SimulatedStack

from .openapi import OpenApiValidator


@pytest.fixture
def stack() -> Iterator[SimulatedStack]:
    validators = {app: OpenApiValidator(app) for app in ("sonarr", "radarr", "prowlarr")}
    with SimulatedStack(validators=validators) as simulated:
        yield simulated


def client(url: str, key: str) -> httpx.Client:
    return httpx.Client(base_url=url, headers={"X-Api-Key": key}, timeout=20)


def from_schema(
    http: httpx.Client, path: str, implementation: str, name: str, **values: Any
) -> dict[str, Any]:
    template = copy.deepcopy(
        next(t for t in http.get(f"{path}/schema").json() if t["implementation"] == implementation)
    )
    template["name"] = name
    for item in template["fields"]:
        if item["name"] in values:
            item["value"] = values[item["name"]]
    return dict(template)


def created(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 201, response.text
    return dict(response.json())


def wire(stack: SimulatedStack) -> None:
    with httpx.Client(base_url=stack.qbittorrent.url) as qbt:
        for name in ("tv", "movies"):
            answer = qbt.post(
                "/api/v2/torrents/createCategory",
                data={"category": name, "savePath": f"/data/downloads/{name}"},
            )
            assert answer.status_code == 200
    plex_params = {"X-Plex-Token": stack.keys.plex_token}
    for title, kind, path in (
        ("Movies", "movie", "/data/library/movies"),
        ("TV Shows", "show", "/data/library/tvshows"),
    ):
        answer = httpx.post(
            f"{stack.plex.url}/library/sections",
            params={**plex_params, "name": title, "type": kind, "location": path},
        )
        assert answer.status_code == 201
    for app, key, noun, folder in (
        ("sonarr", stack.keys.sonarr, "tv", "tvshows"),
        ("radarr", stack.keys.radarr, "movie", "movies"),
    ):
        with client(getattr(stack, app).url, key) as http:
            created(http.post("/api/v3/rootfolder", json={"path": f"/data/library/{folder}"}))
            qbt = from_schema(
                http, "/api/v3/downloadclient", "QBittorrent", "qBittorrent", host="qbittorrent", port=8080
            )
            qbt["fields"] = [
                f | ({"value": "tv" if noun == "tv" else "movies"} if f["name"] == f"{noun}Category" else {})
                for f in qbt["fields"]
            ]
            qbt["enable"] = True
            created(http.post("/api/v3/downloadclient", json=qbt))
            plex = from_schema(
                http,
                "/api/v3/notification",
                "PlexServer",
                "Plex",
                host="plex",
                port=32400,
                authToken=stack.keys.plex_token,
            )
            plex.update(onDownload=True, onUpgrade=True, onRename=True)
            created(http.post("/api/v3/notification", json=plex))
    with client(stack.prowlarr.url, stack.keys.prowlarr) as http:
        indexer = from_schema(
            http, "/api/v1/indexer", "Torznab", "Tracker", baseUrl="https://tracker.example/", apiKey="t"
        )
        created(http.post("/api/v1/indexer", json=indexer))
        for solver, port in (("flaresolverr", 8191), ("byparr", 39001)):
            tag = created(http.post("/api/v1/tag", json={"label": solver}))
            proxy = from_schema(
                http, "/api/v1/indexerproxy", "FlareSolverr", solver, host=f"http://{solver}:{port}/"
            )
            proxy["tags"] = [tag["id"]]
            created(http.post("/api/v1/indexerproxy", json=proxy))
        for app, key in (("Sonarr", stack.keys.sonarr), ("Radarr", stack.keys.radarr)):
            values = {
                "prowlarrUrl": "http://prowlarr:9696",
                "baseUrl": stack.in_cluster_url(app.lower()),
                "apiKey": key,
            }
            created(
                http.post(
                    "/api/v1/applications", json=from_schema(http, "/api/v1/applications", app, app, **values)
                )
            )
        qbt = from_schema(
            http, "/api/v1/downloadclient", "QBittorrent", "qBittorrent", host="qbittorrent", port=8080
        )
        qbt["enable"] = True
        created(http.post("/api/v1/downloadclient", json=qbt))


def test_the_stack_wires_across_the_fakes_by_service_name(stack: SimulatedStack) -> None:
    wire(stack)
    assert sorted(stack.qbittorrent.categories.rows) == ["movies", "prowlarr", "tv"]
    assert stack.qbittorrent.categories.rows["tv"]["savePath"] == "/data/downloads/tv"
    assert [i["name"] for i in stack.sonarr.state.indexers.list_all()] == ["Tracker (Prowlarr)"]
    assert [i["name"] for i in stack.radarr.state.indexers.list_all()] == ["Tracker (Prowlarr)"]
    assert [r["cmd"] for r in stack.flaresolverr.requests] == ["request.get"]
    assert [r["cmd"] for r in stack.byparr.requests] == ["request.get"]
    assert stack.prowlarr.state.application_tests == 2
    assert stack.prowlarr.side_effects.syncs == 2


def test_reading_a_converged_stack_writes_nothing_and_sets_nothing_off(stack: SimulatedStack) -> None:
    wire(stack)
    tests, syncs = stack.prowlarr.state.application_tests, stack.prowlarr.side_effects.syncs
    stack.reset_requests()
    for app, key in (("sonarr", stack.keys.sonarr), ("radarr", stack.keys.radarr)):
        with client(getattr(stack, app).url, key) as http:
            for path in (
                "rootfolder",
                "downloadclient",
                "notification",
                "tag",
                "indexer",
                "remotepathmapping",
                "delayprofile",
            ):
                assert http.get(f"/api/v3/{path}").status_code == 200
    with client(stack.prowlarr.url, stack.keys.prowlarr) as http:
        for path in ("applications", "indexerproxy", "downloadclient", "tag"):
            assert http.get(f"/api/v1/{path}").status_code == 200
    assert stack.writes() == {}
    assert (stack.prowlarr.state.application_tests, stack.prowlarr.side_effects.syncs) == (tests, syncs)


def test_a_plex_connection_before_its_library_fails_with_plexs_message(stack: SimulatedStack) -> None:
    with client(stack.sonarr.url, stack.keys.sonarr) as http:
        plex = from_schema(
            http,
            "/api/v3/notification",
            "PlexServer",
            "Plex",
            host="plex",
            port=32400,
            authToken=stack.keys.plex_token,
        )
        plex["onDownload"] = True
        refused = http.post("/api/v3/notification", json=plex)
    assert refused.status_code == 400
    assert refused.json()[0]["errorMessage"] == "At least one TV library is required"
