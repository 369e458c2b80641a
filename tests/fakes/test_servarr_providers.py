"""Sonarr/Radarr download clients, notifications and indexers in the simulator behave like the
real providers: whole-object PUTs, masked secrets, /schema templates, and connection tests that
really reach the simulated qBittorrent and Plex. Every body is checked against the OpenAPI spec."""

from __future__ import annotations

import copy
import socket
from collections.abc import Iterator
from typing import Any, Literal

import httpx
import pytest

from syncd.simulator import SimulatedServarr
from syncd.simulator.plex import SimulatedPlex
from syncd.simulator.qbittorrent import SimulatedQbittorrent

from .openapi import OpenApiValidator

KEY = "secret-key"
QBT_PASSWORD = "qbt-Passw0rd"
PLEX_TOKEN = "plex-token-123"
App = Literal["sonarr", "radarr"]


@pytest.fixture
def qbt() -> Iterator[SimulatedQbittorrent]:
    with SimulatedQbittorrent(username="admin", password=QBT_PASSWORD) as server:
        yield server


@pytest.fixture
def plex() -> Iterator[SimulatedPlex]:
    with SimulatedPlex(token=PLEX_TOKEN) as server:
        yield server


def servarr(app: App) -> SimulatedServarr:
    return SimulatedServarr(app, api_key=KEY, request_validator=OpenApiValidator(app))


@pytest.fixture(params=["sonarr", "radarr"])
def server(request: pytest.FixtureRequest) -> Iterator[SimulatedServarr]:
    with servarr(request.param) as simulated:
        yield simulated


@pytest.fixture
def sonarr() -> Iterator[SimulatedServarr]:
    with servarr("sonarr") as simulated:
        yield simulated


def api(server: SimulatedServarr) -> httpx.Client:
    return httpx.Client(base_url=server.url, headers={"X-Api-Key": KEY}, timeout=10)


def template(http: httpx.Client, resource: str, implementation: str) -> dict[str, Any]:
    schema = http.get(f"/api/v3/{resource}/schema").json()
    return copy.deepcopy(next(t for t in schema if t["implementation"] == implementation))


def set_fields(resource: dict[str, Any], **values: Any) -> dict[str, Any]:
    by_name = {field["name"]: field for field in resource["fields"]}
    for name, value in values.items():
        by_name[name]["value"] = value
    return resource


def field(resource: dict[str, Any], name: str) -> Any:
    return next(f.get("value") for f in resource["fields"] if f["name"] == name)


def category_field(app: str) -> str:
    return "tvCategory" if app == "sonarr" else "movieCategory"


def qbt_client(http: httpx.Client, qbt: SimulatedQbittorrent, **values: Any) -> dict[str, Any]:
    port = int(qbt.url.rsplit(":", 1)[1])
    resource = template(http, "downloadclient", "QBittorrent")
    resource.update(name="qBittorrent", enable=True)
    defaults = {"host": "127.0.0.1", "port": port, "username": "admin", "password": QBT_PASSWORD}
    return set_fields(resource, **{**defaults, **values})


def failures(response: httpx.Response) -> list[tuple[str, str]]:
    assert response.status_code == 400, response.text
    return [(item["propertyName"], item["errorMessage"]) for item in response.json()]


# ------------------------------------------------------------------ schema


def test_schema_templates_carry_every_field_at_its_settings_default(server: SimulatedServarr) -> None:
    with api(server) as http:
        qbittorrent = template(http, "downloadclient", "QBittorrent")
        plex = template(http, "notification", "PlexServer")
    names = [f["name"] for f in qbittorrent["fields"]]
    if server.app == "sonarr":
        assert names[:8] == [
            "host",
            "port",
            "useSsl",
            "urlBase",
            "apiKey",
            "username",
            "password",
            "tvCategory",
        ]
        assert field(qbittorrent, "tvCategory") == "tv-sonarr"
    else:
        assert "apiKey" not in names
        assert field(qbittorrent, "movieCategory") == "radarr"
    assert (field(qbittorrent, "host"), field(qbittorrent, "port")) == ("localhost", 8080)
    assert next(f for f in qbittorrent["fields"] if f["name"] == "password")["privacy"] == "password"
    assert (qbittorrent["enable"], qbittorrent["priority"], qbittorrent["protocol"]) == (False, 1, "torrent")
    assert qbittorrent["removeCompletedDownloads"] is True and qbittorrent["presets"] == []
    assert (field(plex, "port"), field(plex, "updateLibrary")) == (32400, True)
    assert next(f for f in plex["fields"] if f["name"] == "authToken")["privacy"] == "apiKey"
    assert plex["supportsOnDownload"] is True and plex["supportsOnGrab"] is False


# ------------------------------------------------- qBittorrent download client


def test_creating_a_client_tests_it_against_qbittorrent_and_creates_its_category(
    server: SimulatedServarr, qbt: SimulatedQbittorrent
) -> None:
    with api(server) as http:
        created = http.post("/api/v3/downloadclient", json=qbt_client(http, qbt))
        assert created.status_code == 201, created.text
        stored = http.get("/api/v3/downloadclient").json()
    assert stored == [created.json()]
    assert field(stored[0], "password") == "********"
    assert field(stored[0], "username") == "admin"
    paths = [r.path for r in qbt.requests]
    assert "/api/v2/auth/login" in paths and "/api/v2/torrents/info" in paths
    category = "tv-sonarr" if server.app == "sonarr" else "radarr"
    assert qbt.categories.to_json() == {category: {"name": category, "savePath": ""}}


def test_a_wrong_password_is_the_servers_authentication_failure_and_nothing_is_saved(
    server: SimulatedServarr, qbt: SimulatedQbittorrent
) -> None:
    with api(server) as http:
        refused = http.post("/api/v3/downloadclient", json=qbt_client(http, qbt, password="wrong"))
        assert failures(refused) == [("Username", "Authentication Failure")]
        assert "WhiteList" in refused.json()[0]["detailedDescription"]
        assert http.get("/api/v3/downloadclient").json() == []
    assert qbt.failed_logins == 1


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_an_unreachable_qbittorrent_cannot_be_saved_unless_disabled(
    server: SimulatedServarr, qbt: SimulatedQbittorrent
) -> None:
    with api(server) as http:
        resource = qbt_client(http, qbt, port=closed_port())
        assert failures(http.post("/api/v3/downloadclient", json=resource)) == [
            ("Host", "Unable to connect to qBittorrent")
        ]
        resource["enable"] = False
        assert http.post("/api/v3/downloadclient", json=resource).status_code == 201


def test_an_empty_category_is_a_warning_that_forcesave_overrides(
    server: SimulatedServarr, qbt: SimulatedQbittorrent
) -> None:
    with api(server) as http:
        resource = qbt_client(http, qbt, **{category_field(server.app): ""})
        refused = http.post("/api/v3/downloadclient", json=resource)
        assert failures(refused) == [
            (
                category_field(server.app)[0].upper() + category_field(server.app)[1:],
                "Category is recommended",
            )
        ]
        assert refused.json()[0]["isWarning"] is True
        assert (
            http.post("/api/v3/downloadclient", params={"forceSave": "true"}, json=resource).status_code
            == 201
        )


def test_remove_at_ratio_in_qbittorrent_fails_the_test(
    server: SimulatedServarr, qbt: SimulatedQbittorrent
) -> None:
    qbt.preferences.update(max_ratio_enabled=True, max_ratio=1, max_ratio_act=1)
    with api(server) as http:
        assert failures(http.post("/api/v3/downloadclient", json=qbt_client(http, qbt))) == [
            ("", "qBittorrent is configured to remove torrents when they reach their Share Ratio Limit")
        ]


def test_a_non_default_priority_needs_queueing_in_qbittorrent(
    sonarr: SimulatedServarr, qbt: SimulatedQbittorrent
) -> None:
    qbt.preferences["queueing_enabled"] = False
    with api(sonarr) as http:
        refused = http.post("/api/v3/downloadclient", json=qbt_client(http, qbt, recentTvPriority=1))
        assert failures(refused) == [("RecentTvPriority", "Queueing Not Enabled")]


def test_put_replaces_the_whole_object_and_masked_secrets_keep_the_stored_one(
    server: SimulatedServarr, qbt: SimulatedQbittorrent
) -> None:
    with api(server) as http:
        created = http.post("/api/v3/downloadclient", json=qbt_client(http, qbt, initialState=2)).json()
        qbt.requests.clear()
        same = http.put(f"/api/v3/downloadclient/{created['id']}", json=created)
        assert (same.status_code, same.json()) == (202, created)
        assert qbt.requests == [], "an unchanged PUT is neither tested nor written"

        partial = copy.deepcopy(created)
        partial["fields"] = [
            f for f in partial["fields"] if f["name"] not in ("initialState", category_field(server.app))
        ]
        del partial["removeCompletedDownloads"]
        updated = http.put(f"/api/v3/downloadclient/{created['id']}", json=partial)
        assert updated.status_code == 202, updated.text
        stored = http.get(f"/api/v3/downloadclient/{created['id']}").json()
    assert field(stored, "initialState") == 0
    assert field(stored, category_field(server.app)) == ("tv-sonarr" if server.app == "sonarr" else "radarr")
    assert stored["removeCompletedDownloads"] is False
    assert "/api/v2/auth/login" in [r.path for r in qbt.requests], "the masked password still logs in"
    assert server.state.download_clients.rows[created["id"]]["settings"]["password"] == QBT_PASSWORD


def test_a_changed_secret_is_tested_and_stored(server: SimulatedServarr, qbt: SimulatedQbittorrent) -> None:
    with api(server) as http:
        created = http.post("/api/v3/downloadclient", json=qbt_client(http, qbt)).json()
        changed = set_fields(copy.deepcopy(created), password="wrong")
        assert failures(http.put(f"/api/v3/downloadclient/{created['id']}", json=changed)) == [
            ("Username", "Authentication Failure")
        ]
        assert server.state.download_clients.rows[created["id"]]["settings"]["password"] == QBT_PASSWORD
        forced = http.put(
            f"/api/v3/downloadclient/{created['id']}", params={"forceSave": "true"}, json=changed
        )
        assert forced.status_code == 202
    assert server.state.download_clients.rows[created["id"]]["settings"]["password"] == "wrong"


def test_names_are_required_and_unique_case_insensitively(
    sonarr: SimulatedServarr, qbt: SimulatedQbittorrent
) -> None:
    with api(sonarr) as http:
        assert http.post("/api/v3/downloadclient", json=qbt_client(http, qbt)).status_code == 201
        twin = qbt_client(http, qbt)
        twin["name"] = "QBITTORRENT"
        assert failures(http.post("/api/v3/downloadclient", json=twin)) == [("Name", "Should be unique")]
        twin["name"] = ""
        assert failures(http.post("/api/v3/downloadclient", json=twin)) == [
            ("Name", "'Name' must not be empty.")
        ]


def test_settings_are_validated_before_any_connection(
    sonarr: SimulatedServarr, qbt: SimulatedQbittorrent
) -> None:
    with api(sonarr) as http:
        bad = qbt_client(http, qbt, host="http://qbittorrent", port=0, tvCategory="/tv")
        assert failures(http.post("/api/v3/downloadclient", json=bad)) == [
            ("Host", "must be valid Host without http://"),
            ("Port", "'Port' must be between 1 and 65535. You entered 0."),
            ("TvCategory", "Can not contain '\\', '//', or start/end with '/'"),
        ]
        with_key = qbt_client(http, qbt, apiKey="qbt_abc")
        assert failures(http.post("/api/v3/downloadclient", json=with_key)) == [
            ("Username", "Username must be empty when using API Key."),
            ("Password", "Password must be empty when using API Key."),
        ]
    assert qbt.requests == []


def test_radarr_wants_a_priority_between_1_and_50(qbt: SimulatedQbittorrent) -> None:
    with servarr("radarr") as radarr, api(radarr) as http:
        resource = qbt_client(http, qbt)
        resource["priority"] = 0
        assert failures(http.post("/api/v3/downloadclient", json=resource)) == [
            ("Priority", "'Priority' must be between 1 and 50. You entered 0.")
        ]


def test_sonarr_before_4_0_17_has_no_api_key_field() -> None:
    with SimulatedServarr("sonarr", api_key=KEY, version="4.0.16.2944") as old, api(old) as http:
        names = [f["name"] for f in template(http, "downloadclient", "QBittorrent")["fields"]]
    assert "apiKey" not in names and "password" in names


def test_sonarr_authenticates_with_a_qbittorrent_52_api_key() -> None:
    with (
        SimulatedQbittorrent(
            username="admin", password=QBT_PASSWORD, version="5.2.3", api_key="qbt_key"
        ) as qbt,
        servarr("sonarr") as sonarr,
        api(sonarr) as http,
    ):
        good = qbt_client(http, qbt, username=None, password=None, apiKey="qbt_key")
        assert http.post("/api/v3/downloadclient", json=good).status_code == 201
        bad = qbt_client(http, qbt, username=None, password=None, apiKey="qbt_nope")
        bad["name"] = "other"
        assert failures(http.post("/api/v3/downloadclient", json=bad)) == [
            ("ApiKey", "Authentication Failure")
        ]
    assert "/api/v2/auth/login" not in [r.path for r in qbt.requests]


def test_test_and_testall_run_the_connection_test_without_saving(
    sonarr: SimulatedServarr, qbt: SimulatedQbittorrent
) -> None:
    with api(sonarr) as http:
        resource = qbt_client(http, qbt)
        assert http.post("/api/v3/downloadclient/test", json=resource).status_code == 200
        assert failures(
            http.post("/api/v3/downloadclient/test", json=set_fields(copy.deepcopy(resource), password="x"))
        ) == [("Username", "Authentication Failure")]
        assert http.get("/api/v3/downloadclient").json() == []
        created = http.post("/api/v3/downloadclient", json=resource).json()
        assert http.post("/api/v3/downloadclient/testall").json() == [
            {"id": created["id"], "isValid": True, "validationFailures": []}
        ]
        qbt.password = "rotated"
        result = http.post("/api/v3/downloadclient/testall")
        assert result.status_code == 400
        assert result.json()[0]["validationFailures"][0]["errorMessage"] == "Authentication Failure"


def test_delete_removes_a_client(sonarr: SimulatedServarr, qbt: SimulatedQbittorrent) -> None:
    with api(sonarr) as http:
        created = http.post("/api/v3/downloadclient", json=qbt_client(http, qbt)).json()
        assert http.delete(f"/api/v3/downloadclient/{created['id']}").json() == {}
        assert http.get("/api/v3/downloadclient").json() == []
        assert http.get(f"/api/v3/downloadclient/{created['id']}").status_code == 404


# ------------------------------------------------------- Plex notification


def plex_connection(http: httpx.Client, plex: SimulatedPlex, app: str, **values: Any) -> dict[str, Any]:
    resource = template(http, "notification", "PlexServer")
    resource.update(name="Plex", onDownload=True, onUpgrade=True, onRename=True)
    if app == "sonarr":
        resource["onImportComplete"] = True
    port = int(plex.url.rsplit(":", 1)[1])
    return set_fields(resource, **{"host": "127.0.0.1", "port": port, "authToken": PLEX_TOKEN, **values})


def test_a_plex_connection_needs_a_library_of_the_apps_type(
    server: SimulatedServarr, plex: SimulatedPlex
) -> None:
    library = "TV" if server.app == "sonarr" else "Movie"
    with api(server) as http:
        resource = plex_connection(http, plex, server.app)
        assert failures(http.post("/api/v3/notification", json=resource)) == [
            ("Host", f"At least one {library} library is required")
        ]
        other = "movie" if server.app == "sonarr" else "show"
        plex.filesystem.add("/data/library/other")
        httpx.post(
            f"{plex.url}/library/sections",
            params={
                "name": "x",
                "type": other,
                "location": "/data/library/other",
                "X-Plex-Token": PLEX_TOKEN,
            },
        )
        assert failures(http.post("/api/v3/notification", json=resource))[0][1].startswith("At least one")
        mine = "show" if server.app == "sonarr" else "movie"
        httpx.post(
            f"{plex.url}/library/sections",
            params={
                "name": "y",
                "type": mine,
                "location": "/data/library/tvshows",
                "X-Plex-Token": PLEX_TOKEN,
            },
        )
        created = http.post("/api/v3/notification", json=resource)
        assert created.status_code == 201, created.text
    assert field(created.json(), "authToken") == "********"
    assert any(r.path == "/library/sections" and r.method == "GET" for r in plex.requests)


def test_a_bad_plex_token_or_a_dead_plex_fails_the_test(
    sonarr: SimulatedServarr, plex: SimulatedPlex
) -> None:
    with api(sonarr) as http:
        assert failures(
            http.post("/api/v3/notification", json=plex_connection(http, plex, "sonarr", authToken="nope"))
        ) == [("AuthToken", "Authentication Token is invalid")]
        plex.fail_next(1, 500)
        [(prop, message)] = failures(
            http.post("/api/v3/notification", json=plex_connection(http, plex, "sonarr"))
        )
        assert (prop, message) == (
            "Host",
            "Unable to connect: Unable to connect to Plex Media Server. Status Code: InternalServerError",
        )


def test_a_notification_with_no_events_is_disabled_and_saved_untested(sonarr: SimulatedServarr) -> None:
    with api(sonarr) as http:
        resource = template(http, "notification", "PlexServer")
        resource["name"] = "Plex later"
        set_fields(resource, host="plex", authToken="t")
        created = http.post("/api/v3/notification", json=resource)
        assert created.status_code == 201, created.text
        assert http.get("/api/v3/notification").json()[0]["onDownload"] is False


def test_a_tag_used_by_a_provider_cannot_be_deleted(sonarr: SimulatedServarr) -> None:
    with api(sonarr) as http:
        tag = http.post("/api/v3/tag", json={"label": "plex"}).json()
        resource = template(http, "notification", "PlexServer")
        resource.update(name="Plex later", tags=[tag["id"]])
        set_fields(resource, host="plex")
        assert http.post("/api/v3/notification", json=resource).status_code == 201
        assert http.delete(f"/api/v3/tag/{tag['id']}").status_code == 409


# ---------------------------------------------------------------- indexers


def test_an_indexer_whose_feed_is_down_is_refused_even_forced_unless_disabled(
    sonarr: SimulatedServarr,
) -> None:
    """forceSave only silences warnings: a POST still tests, and a refused connection is an error."""
    with api(sonarr) as http:
        resource = template(http, "indexer", "Torznab")
        resource.update(name="Nyaa (Prowlarr)", priority=25)
        set_fields(
            resource, baseUrl=f"http://127.0.0.1:{closed_port()}/1/", apiKey="prowlarr-key", categories=[5000]
        )
        assert http.post("/api/v3/indexer", json=resource).status_code == 400
        assert http.post("/api/v3/indexer", params={"forceSave": "true"}, json=resource).status_code == 400
        resource.update(enableRss=False, enableAutomaticSearch=False, enableInteractiveSearch=False)
        forced = http.post("/api/v3/indexer", json=resource)
        assert forced.status_code == 201, forced.text
        assert field(forced.json(), "apiKey") == "********"
        assert forced.json()["protocol"] == "torrent"
        bad = set_fields(copy.deepcopy(resource), baseUrl="prowlarr:9696")
        bad.update(name="Other (Prowlarr)", enableRss=True)
        assert failures(http.post("/api/v3/indexer", params={"forceSave": "true"}, json=bad)) == [
            ("BaseUrl", "must be valid URL that starts with http(s)://")
        ]
