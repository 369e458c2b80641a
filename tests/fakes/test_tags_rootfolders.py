"""Tags and root folders of the simulated Sonarr/Radarr follow the real servers' rules, over
real HTTP, with every request body checked against the OpenAPI spec."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

import httpx
import pytest

from syncd.simulator import SimulatedServarr

from .openapi import OpenApiValidator

KEY = "secret-key"
App = Literal["sonarr", "radarr"]


def _server(app: App, version: str | None = None) -> SimulatedServarr:
    return SimulatedServarr(app, api_key=KEY, version=version, request_validator=OpenApiValidator(app))


@pytest.fixture(params=["sonarr", "radarr"])
def server(request: pytest.FixtureRequest) -> Iterator[SimulatedServarr]:
    with _server(request.param) as simulated:
        yield simulated


@pytest.fixture
def api(server: SimulatedServarr) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, headers={"X-Api-Key": KEY}, timeout=5) as http:
        yield http


def failure(response: httpx.Response) -> tuple[str, str]:
    assert response.status_code == 400, response.text
    [item] = response.json()
    return item["propertyName"], item["errorMessage"]


# ---------------------------------------------------------------------- tags


def test_tags_list_by_label_and_read_back_by_id(api: httpx.Client) -> None:
    zulu = api.post("/api/v3/tag", json={"label": "zulu"}).json()
    alpha = api.post("/api/v3/tag", json={"label": "Alpha"}).json()
    assert api.get("/api/v3/tag").json() == [{"id": 2, "label": "alpha"}, {"id": 1, "label": "zulu"}]
    assert api.get(f"/api/v3/tag/{zulu['id']}").json() == zulu
    assert alpha == {"id": 2, "label": "alpha"}
    assert api.get("/api/v3/tag/99").status_code == 404


def test_tag_update_lowercases_and_unknown_ids_are_404(api: httpx.Client) -> None:
    tag = api.post("/api/v3/tag", json={"label": "old"}).json()
    updated = api.put(f"/api/v3/tag/{tag['id']}", json={"id": tag["id"], "label": "New-One"})
    assert (updated.status_code, updated.json()) == (202, {"id": tag["id"], "label": "new-one"})
    assert api.get("/api/v3/tag").json() == [{"id": tag["id"], "label": "new-one"}]
    assert api.put("/api/v3/tag/42", json={"id": 42, "label": "x"}).status_code == 404


def test_tag_delete_frees_the_label_and_ids_are_never_reused(api: httpx.Client) -> None:
    first = api.post("/api/v3/tag", json={"label": "a"}).json()
    assert api.delete(f"/api/v3/tag/{first['id']}").status_code == 200
    assert api.get("/api/v3/tag").json() == []
    assert api.delete(f"/api/v3/tag/{first['id']}").status_code == 404
    assert api.post("/api/v3/tag", json={"label": "a"}).json() == {"id": 2, "label": "a"}


def test_a_tag_in_use_cannot_be_deleted(server: SimulatedServarr, api: httpx.Client) -> None:
    tag = api.post("/api/v3/tag", json={"label": "anime"}).json()
    server.state.tags.marked_in_use.add(tag["id"])
    refused = api.delete(f"/api/v3/tag/{tag['id']}")
    assert refused.status_code == 409
    assert refused.json() == {"message": "'anime' cannot be deleted since it's still in use"}
    assert api.get("/api/v3/tag").json() == [tag]


@pytest.mark.parametrize(
    ("app", "version", "label", "message"),
    [
        ("radarr", None, "", "'Label' must not be empty."),
        ("radarr", "6.0.4.10291", "xt-H.265", "Allowed characters a-z, 0-9 and -"),
        ("radarr", "6.0.4.10291", "  ", "'Label' must not be empty."),
    ],
)
def test_tag_label_rules_follow_the_server_version(
    app: App, version: str | None, label: str, message: str
) -> None:
    with (
        _server(app, version) as server,
        httpx.Client(base_url=server.url, headers={"X-Api-Key": KEY}) as http,
    ):
        assert failure(http.post("/api/v3/tag", json={"label": label})) == ("Label", message)
        assert http.get("/api/v3/tag").json() == []


def test_sonarr_takes_any_label_and_radarr_v6_takes_slugs() -> None:
    with _server("sonarr") as server, httpx.Client(base_url=server.url, headers={"X-Api-Key": KEY}) as http:
        assert http.post("/api/v3/tag", json={"label": "xt-H.265"}).json()["label"] == "xt-h.265"
    with (
        _server("radarr", "6.0.4.10291") as server,
        httpx.Client(base_url=server.url, headers={"X-Api-Key": KEY}) as http,
    ):
        assert http.post("/api/v3/tag", json={"label": "Web-2160p"}).json()["label"] == "web-2160p"


# -------------------------------------------------------------- root folders


def test_root_folder_is_created_listed_read_and_deleted(api: httpx.Client) -> None:
    created = api.post("/api/v3/rootfolder", json={"path": "/data/library/tvshows/"})
    assert created.status_code == 201, created.text
    folder = created.json()
    assert folder["path"] == "/data/library/tvshows"
    assert folder["accessible"] is True
    assert folder["freeSpace"] > 0
    assert api.get("/api/v3/rootfolder").json() == [folder]
    assert api.get(f"/api/v3/rootfolder/{folder['id']}").json() == folder
    assert api.delete(f"/api/v3/rootfolder/{folder['id']}").status_code == 200
    assert api.get("/api/v3/rootfolder").json() == []
    assert api.get(f"/api/v3/rootfolder/{folder['id']}").status_code == 404


def test_root_folders_have_no_put(api: httpx.Client) -> None:
    folder = api.post("/api/v3/rootfolder", json={"path": "/tv"}).json()
    assert (
        api.put(f"/api/v3/rootfolder/{folder['id']}", json={**folder, "path": "/movies"}).status_code == 405
    )
    assert [f["path"] for f in api.get("/api/v3/rootfolder").json()] == ["/tv"]


def test_unmapped_folders_are_the_sub_folders_on_the_fake_disk(
    server: SimulatedServarr, api: httpx.Client
) -> None:
    server.state.filesystem.add("/data/library/tvshows/Show B")
    server.state.filesystem.add("/data/library/tvshows/Show A/Season 01")
    folder = api.post("/api/v3/rootfolder", json={"path": "/data/library/tvshows"}).json()
    assert [u["name"] for u in folder["unmappedFolders"]] == ["Show A", "Show B"]
    server.state.filesystem.remove("/data/library/tvshows")
    [gone] = api.get("/api/v3/rootfolder").json()
    assert (gone["accessible"], gone["unmappedFolders"]) == (False, [])


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("relative/path", "Invalid Path"),
        ("", "Invalid Path"),
        (None, "Invalid Path"),
        ("/nowhere", "Path '/nowhere' does not exist"),
        ("/usr/bin", "Path '/usr/bin' is set to system folder /usr/bin"),
        ("/proc/self", "Path '/proc/self' is child of system folder /proc"),
        ("/app/sonarr/bin", "Path '/app/sonarr/bin' cannot be set to the start up folder"),
        ("/readonly", "Folder '/readonly' is not writable by user 'abc'"),
    ],
)
def test_root_folder_path_rules(path: str | None, message: str) -> None:
    with _server("sonarr") as server, httpx.Client(base_url=server.url, headers={"X-Api-Key": KEY}) as http:
        server.state.filesystem.add("/readonly", writable=False)
        server.state.filesystem.add("/proc/self")
        server.state.filesystem.add("/app/sonarr/bin")
        assert failure(http.post("/api/v3/rootfolder", json={"path": path})) == ("Path", message)
        assert http.get("/api/v3/rootfolder").json() == []


def test_a_root_folder_cannot_be_added_twice_even_with_a_trailing_slash(api: httpx.Client) -> None:
    assert api.post("/api/v3/rootfolder", json={"path": "/movies"}).status_code == 201
    assert failure(api.post("/api/v3/rootfolder", json={"path": "/movies/"})) == (
        "Path",
        "Path '/movies/' is already configured as a root folder",
    )


def test_nested_root_folders_are_allowed_as_on_the_real_server(api: httpx.Client) -> None:
    """RootFolderController has no ancestor rule (that one guards series paths)."""
    assert api.post("/api/v3/rootfolder", json={"path": "/data/library"}).status_code == 201
    assert api.post("/api/v3/rootfolder", json={"path": "/data/library/movies"}).status_code == 201


def test_the_recycle_bin_cannot_be_a_root_folder(api: httpx.Client) -> None:
    config = api.get("/api/v3/config/mediamanagement").json()
    assert (
        api.put("/api/v3/config/mediamanagement/1", json={**config, "recycleBin": "/data"}).status_code == 202
    )
    assert failure(api.post("/api/v3/rootfolder", json={"path": "/data/library/movies"})) == (
        "Path",
        "Path '/data/library/movies' is child of configured recycle bin folder",
    )
