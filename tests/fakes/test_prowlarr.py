"""The simulated Prowlarr v2: applications that really test and sync into the simulated
Sonarr/Radarr, FlareSolverr proxies tested against the simulated solver, a qBittorrent client,
tags, and the test-on-PUT side effect, counted. Bodies sent to every fake are checked against
their OpenAPI specs."""

from __future__ import annotations

import copy
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from syncd.simulator import SimulatedServarr
from syncd.simulator.flaresolverr import SimulatedFlareSolverr
from syncd.simulator.network import Network
from syncd.simulator.prowlarr import SimulatedProwlarr
from syncd.simulator.qbittorrent import SimulatedQbittorrent

from .openapi import OpenApiValidator

PROWLARR_KEY = "prowlarr-key"
SONARR_KEY = "sonarr-key"
RADARR_KEY = "radarr-key"


@dataclass
class Stack:
    prowlarr: SimulatedProwlarr
    sonarr: SimulatedServarr
    radarr: SimulatedServarr
    solver: SimulatedFlareSolverr
    qbt: SimulatedQbittorrent
    api: httpx.Client


@pytest.fixture
def stack() -> Iterator[Stack]:
    network = Network()
    with (
        SimulatedProwlarr(
            api_key=PROWLARR_KEY, request_validator=OpenApiValidator("prowlarr"), network=network
        ) as prowlarr,
        SimulatedServarr(
            "sonarr", api_key=SONARR_KEY, request_validator=OpenApiValidator("sonarr"), network=network
        ) as sonarr,
        SimulatedServarr(
            "radarr", api_key=RADARR_KEY, request_validator=OpenApiValidator("radarr"), network=network
        ) as radarr,
        SimulatedFlareSolverr() as solver,
        SimulatedQbittorrent(username="admin", password="qbt-pw") as qbt,
        httpx.Client(base_url=prowlarr.url, headers={"X-Api-Key": PROWLARR_KEY}, timeout=20) as api,
    ):
        for name, server in (
            ("prowlarr", prowlarr),
            ("sonarr", sonarr),
            ("radarr", radarr),
            ("flaresolverr", solver),
        ):
            port = {"prowlarr": 9696, "sonarr": 8989, "radarr": 7878, "flaresolverr": 8191}[name]
            network.alias(name, port, server.url)
        yield Stack(prowlarr, sonarr, radarr, solver, qbt, api)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def template(api: httpx.Client, resource: str, implementation: str) -> dict[str, Any]:
    schema = api.get(f"/api/v1/{resource}/schema").json()
    return copy.deepcopy(next(t for t in schema if t["implementation"] == implementation))


def set_fields(resource: dict[str, Any], **values: Any) -> dict[str, Any]:
    by_name = {f["name"]: f for f in resource["fields"]}
    for name, value in values.items():
        by_name[name]["value"] = value
    return resource


def field(resource: dict[str, Any], name: str) -> Any:
    return next(f.get("value") for f in resource["fields"] if f["name"] == name)


def sonarr_app(api: httpx.Client, **values: Any) -> dict[str, Any]:
    resource = template(api, "applications", "Sonarr")
    resource["name"] = "Sonarr"
    settings = {"prowlarrUrl": "http://prowlarr:9696", "baseUrl": "http://sonarr:8989", "apiKey": SONARR_KEY}
    return set_fields(resource, **{**settings, **values})


def failures(response: httpx.Response) -> list[tuple[str, str]]:
    assert response.status_code == 400, response.text
    return [(item["propertyName"], item["errorMessage"]) for item in response.json()]


def add_indexer(api: httpx.Client, name: str = "Nyaa") -> dict[str, Any]:
    resource = template(api, "indexer", "Torznab")
    resource["name"] = name
    set_fields(resource, baseUrl="https://nyaa.example/", apiKey="tracker-key")
    created = api.post("/api/v1/indexer", json=resource)
    assert created.status_code == 201, created.text
    return dict(created.json())


# ------------------------------------------------------------- applications


def test_an_application_test_connects_to_sonarr_which_connects_back(stack: Stack) -> None:
    created = stack.api.post("/api/v1/applications", json=sonarr_app(stack.api))
    assert created.status_code == 201, created.text
    assert field(created.json(), "apiKey") == "********"
    assert created.json()["syncLevel"] == "fullSync"
    sonarr_calls = [(r.method, r.path, r.status) for r in stack.sonarr.requests]
    assert ("GET", "/api/v3/indexer/schema", 200) in sonarr_calls
    assert ("POST", "/api/v3/indexer/test", 200) in sonarr_calls
    assert ("GET", "/0/api", 200) in [(r.method, r.path, r.status) for r in stack.prowlarr.requests]
    assert stack.prowlarr.state.application_tests == 1


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"apiKey": "wrong"}, ("ApiKey", "API Key is invalid")),
        (
            {"prowlarrUrl": "http://nowhere-prowlarr:9696"},
            ("ProwlarrUrl", "Prowlarr URL is invalid, Sonarr cannot connect to Prowlarr"),
        ),
        (
            {"baseUrl": "http://sonarr:8989/sonarr"},
            (
                "BaseUrl",
                "Sonarr URL is invalid, Prowlarr cannot connect to Sonarr. Is Sonarr running and accessible? Sonarr v2 is not supported.",
            ),
        ),
    ],
)
def test_a_failing_application_test_names_the_servers_message(
    stack: Stack, values: dict[str, str], expected: tuple[str, str]
) -> None:
    assert failures(stack.api.post("/api/v1/applications", json=sonarr_app(stack.api, **values))) == [
        expected
    ]
    assert stack.api.get("/api/v1/applications").json() == []


def test_an_unreachable_application_is_reported_with_the_connection_error(stack: Stack) -> None:
    resource = sonarr_app(stack.api, baseUrl=f"http://127.0.0.1:{closed_port()}")
    [(prop, message)] = failures(stack.api.post("/api/v1/applications", json=resource))
    assert prop == "BaseUrl"
    assert message.startswith("Unable to complete application test, cannot connect to Sonarr.")


def test_settings_are_validated_first(stack: Stack) -> None:
    resource = sonarr_app(stack.api, baseUrl="sonarr:8989", apiKey="")
    assert failures(stack.api.post("/api/v1/applications", json=resource)) == [
        ("BaseUrl", "Invalid Url: 'sonarr:8989'"),
        ("ApiKey", "'Api Key' must not be empty."),
    ]
    assert stack.sonarr.requests == []


def test_saving_an_application_syncs_prowlarr_indexers_into_the_app(stack: Stack) -> None:
    indexer = add_indexer(stack.api)
    created = stack.api.post("/api/v1/applications", json=sonarr_app(stack.api))
    assert created.status_code == 201, created.text
    [remote] = stack.sonarr.state.indexers.list_all()
    assert remote["name"] == "Nyaa (Prowlarr)"
    assert remote["implementation"] == "Torznab"
    assert field(remote, "baseUrl") == f"http://prowlarr:9696/{indexer['id']}/"
    assert field(remote, "categories") == [5000, 5010, 5020, 5030, 5040, 5045, 5050, 5090]
    assert field(remote, "animeCategories") == [5070]
    assert stack.sonarr.state.indexers.rows[remote["id"]]["settings"]["apiKey"] == PROWLARR_KEY
    assert (stack.prowlarr.side_effects.syncs, stack.prowlarr.side_effects.indexers_added) == (1, 1)


def test_every_put_of_an_enabled_application_retests_and_resyncs_even_unchanged(stack: Stack) -> None:
    add_indexer(stack.api)
    app = stack.api.post("/api/v1/applications", json=sonarr_app(stack.api)).json()
    stack.sonarr.reset_requests()
    again = stack.api.put(f"/api/v1/applications/{app['id']}", json=app)
    assert again.status_code == 202, again.text
    assert stack.prowlarr.state.application_tests == 2
    assert stack.prowlarr.side_effects.syncs == 2
    assert stack.prowlarr.side_effects.indexers_updated == 0, "the synced indexer already matches"
    assert ("POST", "/api/v3/indexer/test") in [(r.method, r.path) for r in stack.sonarr.requests]
    assert [r for r in stack.sonarr.writes() if r.path != "/api/v3/indexer/test"] == []


def test_a_full_sync_puts_back_a_synced_indexer_changed_in_the_app(stack: Stack) -> None:
    add_indexer(stack.api)
    app = stack.api.post("/api/v1/applications", json=sonarr_app(stack.api)).json()
    [remote_id] = stack.sonarr.state.indexers.rows
    stack.sonarr.state.indexers.rows[remote_id]["priority"] = 50
    assert stack.api.put(f"/api/v1/applications/{app['id']}", json=app).status_code == 202
    assert stack.prowlarr.side_effects.indexers_updated == 1
    assert stack.sonarr.state.indexers.rows[remote_id]["priority"] == 25


def test_a_disabled_application_is_neither_tested_nor_synced(stack: Stack) -> None:
    add_indexer(stack.api)
    resource = sonarr_app(stack.api, baseUrl=f"http://127.0.0.1:{closed_port()}")
    resource["syncLevel"] = "disabled"
    assert stack.api.post("/api/v1/applications", json=resource).status_code == 201
    assert stack.prowlarr.state.application_tests == 0
    assert stack.prowlarr.side_effects.syncs == 0


def test_radarr_applications_sync_movie_categories(stack: Stack) -> None:
    add_indexer(stack.api)
    resource = template(stack.api, "applications", "Radarr")
    resource["name"] = "Radarr"
    set_fields(resource, prowlarrUrl="http://prowlarr:9696", baseUrl="http://radarr:7878", apiKey=RADARR_KEY)
    assert stack.api.post("/api/v1/applications", json=resource).status_code == 201
    [remote] = stack.radarr.state.indexers.list_all()
    assert field(remote, "categories") == [2000, 2010, 2020, 2030, 2040, 2045, 2050, 2060, 2070, 2080, 2090]


# ----------------------------------------------------------- indexer proxies


def flaresolverr(api: httpx.Client, **values: Any) -> dict[str, Any]:
    resource = template(api, "indexerproxy", "FlareSolverr")
    resource["name"] = "FlareSolverr"
    return set_fields(resource, **{"host": "http://flaresolverr:8191/", **values})


def test_a_proxy_without_tags_is_off_and_saved_untested(stack: Stack) -> None:
    assert stack.api.post("/api/v1/indexerproxy", json=flaresolverr(stack.api)).status_code == 201
    assert stack.solver.requests == []


def test_a_tagged_proxy_is_tested_through_the_solver(stack: Stack) -> None:
    tag = stack.api.post("/api/v1/tag", json={"label": "flaresolverr"}).json()
    resource = flaresolverr(stack.api)
    resource["tags"] = [tag["id"]]
    assert stack.api.post("/api/v1/indexerproxy", json=resource).status_code == 201
    [command] = stack.solver.requests
    assert (command["cmd"], command["url"], command["maxTimeout"]) == (
        "request.get",
        "https://prowlarr.servarr.com/v1/ping",
        60000,
    )
    stack.solver.fail_next(1)
    resource["name"] = "Byparr"
    assert failures(stack.api.post("/api/v1/indexerproxy", json=resource)) == [
        ("Host", "Failed to test proxy. Status code: InternalServerError")
    ]
    resource = set_fields(resource, host=f"http://127.0.0.1:{closed_port()}/")
    [(prop, message)] = failures(stack.api.post("/api/v1/indexerproxy", json=resource))
    assert prop == "Host" and message.startswith("Unable to connect to proxy: ")
    assert stack.api.delete(f"/api/v1/tag/{tag['id']}").status_code == 409


def test_proxy_settings_rules(stack: Stack) -> None:
    resource = flaresolverr(stack.api, host="", requestTimeout=0)
    resource["tags"] = [stack.api.post("/api/v1/tag", json={"label": "x"}).json()["id"]]
    assert failures(stack.api.post("/api/v1/indexerproxy", json=resource)) == [
        ("Host", "'Host' must not be empty."),
        ("RequestTimeout", "'Request Timeout' must be between 1 and 180. You entered 0."),
    ]


# --------------------------------------------------- download client and tags


def test_the_qbittorrent_client_logs_in_and_creates_prowlarrs_category(stack: Stack) -> None:
    resource = template(stack.api, "downloadclient", "QBittorrent")
    resource.update(name="qBittorrent", enable=True)
    port = int(stack.qbt.url.rsplit(":", 1)[1])
    set_fields(resource, host="127.0.0.1", port=port, username="admin", password="qbt-pw")
    assert field(resource, "category") == "prowlarr"
    created = stack.api.post("/api/v1/downloadclient", json=resource)
    assert created.status_code == 201, created.text
    assert created.json()["supportsCategories"] is True
    assert "prowlarr" in stack.qbt.categories.rows
    wrong = set_fields(copy.deepcopy(resource), password="nope")
    wrong["name"] = "other"
    assert failures(stack.api.post("/api/v1/downloadclient", json=wrong)) == [
        ("Username", "Authentication failure")
    ]


def test_prowlarr_tags_allow_only_slug_characters(stack: Stack) -> None:
    for label in ("flare solverr", ""):
        assert failures(stack.api.post("/api/v1/tag", json={"label": label})) == [
            ("Label", "Allowed characters a-z, 0-9 and -")
        ]
    assert stack.api.post("/api/v1/tag", json={"label": "FlareSolverr"}).json() == {
        "id": 1,
        "label": "flaresolverr",
    }


def test_the_feed_needs_prowlarrs_key(stack: Stack) -> None:
    assert httpx.get(f"{stack.prowlarr.url}/0/api", params={"t": "caps", "apikey": "nope"}).status_code == 401
    caps = httpx.get(f"{stack.prowlarr.url}/0/api", params={"t": "caps", "apikey": PROWLARR_KEY})
    assert caps.status_code == 200 and '<category id="5070"' in caps.text
    assert (
        httpx.get(f"{stack.prowlarr.url}/7/api", params={"t": "caps", "apikey": PROWLARR_KEY}).status_code
        == 404
    )
