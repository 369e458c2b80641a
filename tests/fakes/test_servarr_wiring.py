"""Remote path mappings, delay profiles and download-client settings of the simulated
Sonarr/Radarr follow the real servers' rules; every body is checked against the OpenAPI spec."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from syncd.simulator import SimulatedServarr

from .openapi import OpenApiValidator

KEY = "secret-key"


@pytest.fixture(params=["sonarr", "radarr"])
def api(request: pytest.FixtureRequest) -> Iterator[httpx.Client]:
    with (
        SimulatedServarr(
            request.param, api_key=KEY, request_validator=OpenApiValidator(request.param)
        ) as server,
        httpx.Client(base_url=server.url, headers={"X-Api-Key": KEY}, timeout=5) as http,
    ):
        yield http


def failures(response: httpx.Response) -> list[tuple[str, str]]:
    assert response.status_code == 400, response.text
    return [(item["propertyName"], item["errorMessage"]) for item in response.json()]


# ------------------------------------------------------ remote path mappings


def test_a_created_mapping_stores_both_paths_with_a_trailing_slash(api: httpx.Client) -> None:
    body = {"host": "qbittorrent", "remotePath": "/downloads", "localPath": "/data/downloads"}
    created = api.post("/api/v3/remotepathmapping", json=body)
    assert created.status_code == 201, created.text
    assert created.json() == {
        "id": 1,
        "host": "qbittorrent",
        "remotePath": "/downloads/",
        "localPath": "/data/downloads/",
    }
    assert api.get("/api/v3/remotepathmapping").json() == [created.json()]
    assert api.get("/api/v3/remotepathmapping/1").json() == created.json()


def test_a_mapping_put_stores_the_paths_as_sent(api: httpx.Client) -> None:
    api.post(
        "/api/v3/remotepathmapping", json={"host": "qbt", "remotePath": "/dl", "localPath": "/data/downloads"}
    )
    updated = api.put(
        "/api/v3/remotepathmapping/1",
        json={"id": 1, "host": "qbt", "remotePath": "/dl", "localPath": "/data/downloads"},
    )
    assert updated.status_code == 202
    assert api.get("/api/v3/remotepathmapping/1").json()["localPath"] == "/data/downloads"
    assert (
        api.put(
            "/api/v3/remotepathmapping/9", json={"id": 9, "host": "h", "remotePath": "/r", "localPath": "/tv"}
        ).status_code
        == 404
    )


def test_mapping_rules(api: httpx.Client) -> None:
    assert failures(
        api.post("/api/v3/remotepathmapping", json={"host": "", "remotePath": "", "localPath": "relative"})
    ) == [
        ("Host", "'Host' must not be empty."),
        ("RemotePath", "'Remote Path' must not be empty."),
        ("LocalPath", "Invalid Path"),
    ]
    assert failures(
        api.post("/api/v3/remotepathmapping", json={"host": "h", "remotePath": "/r", "localPath": "/missing"})
    ) == [("LocalPath", "Path '/missing' does not exist")]
    body = {"host": "h", "remotePath": "/r/", "localPath": "/tv"}
    assert api.post("/api/v3/remotepathmapping", json=body).status_code == 201
    duplicate = api.post(
        "/api/v3/remotepathmapping", json={**body, "remotePath": "/r", "localPath": "/movies"}
    )
    assert (duplicate.status_code, duplicate.json()) == (500, {"message": "RemotePath already configured."})
    assert api.delete("/api/v3/remotepathmapping/1").status_code == 200
    assert api.get("/api/v3/remotepathmapping").json() == []


# ------------------------------------------------------------ delay profiles


def test_a_fresh_server_has_the_default_delay_profile_which_cannot_be_deleted(api: httpx.Client) -> None:
    [default] = api.get("/api/v3/delayprofile").json()
    assert default == {
        "id": 1,
        "enableUsenet": True,
        "enableTorrent": True,
        "preferredProtocol": "usenet",
        "usenetDelay": 0,
        "torrentDelay": 0,
        "bypassIfHighestQuality": True,
        "bypassIfAboveCustomFormatScore": False,
        "minimumCustomFormatScore": 0,
        "order": 2147483647,
        "tags": [],
    }
    refused = api.delete("/api/v3/delayprofile/1")
    assert (refused.status_code, refused.json()) == (405, {"message": "Cannot delete global delay profile"})


def test_a_put_without_order_resets_it_to_zero(api: httpx.Client) -> None:
    default = api.get("/api/v3/delayprofile/1").json()
    del default["order"]
    assert api.put("/api/v3/delayprofile/1", json={**default, "torrentDelay": 30}).status_code == 202
    stored = api.get("/api/v3/delayprofile/1").json()
    assert (stored["order"], stored["torrentDelay"]) == (0, 30)


def test_delay_profile_rules(api: httpx.Client) -> None:
    tag = api.post("/api/v3/tag", json={"label": "anime"}).json()["id"]
    default = api.get("/api/v3/delayprofile/1").json()
    assert failures(api.put("/api/v3/delayprofile/1", json={**default, "tags": [tag]})) == [
        ("Tags", "'Tags' must be empty.")
    ]
    body = {"enableUsenet": False, "enableTorrent": False, "usenetDelay": -1, "torrentDelay": 0, "tags": []}
    assert failures(api.post("/api/v3/delayprofile", json=body)) == [
        ("Tags", "'Tags' must not be empty."),
        ("UsenetDelay", "'Usenet Delay' must be greater than or equal to '0'."),
        ("", "Either Usenet or Torrent should be enabled"),
    ]
    good = {**body, "enableTorrent": True, "usenetDelay": 0, "tags": [tag], "order": 99}
    created = api.post("/api/v3/delayprofile", json=good)
    assert created.status_code == 201
    assert created.json()["order"] == 1, "POST appends, whatever order was sent"
    assert failures(api.post("/api/v3/delayprofile", json=good)) == [
        ("Tags", "One or more tags is used in another profile")
    ]
    assert api.delete(f"/api/v3/tag/{tag}").status_code == 409


def test_delay_profiles_reorder_and_renumber(api: httpx.Client) -> None:
    ids = []
    for label in ("a", "b", "c"):
        tag = api.post("/api/v3/tag", json={"label": label}).json()["id"]
        ids.append(api.post("/api/v3/delayprofile", json={"enableTorrent": True, "tags": [tag]}).json()["id"])
    assert [p["order"] for p in api.get("/api/v3/delayprofile").json()] == [2147483647, 1, 2, 3]
    moved = api.put(f"/api/v3/delayprofile/reorder/{ids[2]}")
    assert {p["id"]: p["order"] for p in moved.json()} == {1: 2147483647, ids[0]: 2, ids[1]: 3, ids[2]: 1}
    assert api.delete(f"/api/v3/delayprofile/{ids[0]}").status_code == 200
    assert {p["id"]: p["order"] for p in api.get("/api/v3/delayprofile").json()} == {
        1: 2147483647,
        ids[2]: 1,
        ids[1]: 2,
    }


# ------------------------------------------------ download-client settings


def test_download_client_config_saves_every_property_of_the_body(api: httpx.Client) -> None:
    config = api.get("/api/v3/config/downloadclient").json()
    assert config["id"] == 1 and config["enableCompletedDownloadHandling"] is True
    assert config["downloadClientWorkingFolders"] == "_UNPACK_|_FAILED_"
    updated = api.put("/api/v3/config/downloadclient/1", json={"id": 1, "downloadClientWorkingFolders": None})
    assert updated.status_code == 202
    stored = api.get("/api/v3/config/downloadclient").json()
    assert stored["downloadClientWorkingFolders"] == "_UNPACK_|_FAILED_", "null keeps the stored value"
    assert stored["enableCompletedDownloadHandling"] is False, "an omitted boolean arrives as false"
    assert api.put("/api/v3/config/downloadclient/1", json={**config}).status_code == 202
    assert api.get("/api/v3/config/downloadclient").json() == config
