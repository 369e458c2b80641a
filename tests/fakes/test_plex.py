"""The simulated Plex Media Server: token rules, library sections with Plex's own defaults per
type, browsable locations only, JSON or XML as asked."""

from __future__ import annotations

from collections.abc import Iterator
from xml.etree import ElementTree

import httpx
import pytest

from syncd.simulator.plex import SimulatedPlex

TOKEN = "plex-token"


@pytest.fixture
def plex() -> Iterator[SimulatedPlex]:
    with SimulatedPlex(token=TOKEN) as server:
        yield server


@pytest.fixture
def api(plex: SimulatedPlex) -> Iterator[httpx.Client]:
    headers = {"X-Plex-Token": TOKEN, "Accept": "application/json"}
    with httpx.Client(base_url=plex.url, headers=headers, timeout=5) as http:
        yield http


def test_identity_needs_no_token_and_everything_else_does(plex: SimulatedPlex) -> None:
    identity = httpx.get(f"{plex.url}/identity", headers={"Accept": "application/json"}).json()[
        "MediaContainer"
    ]
    assert identity["claimed"] is True and identity["version"] == plex.version
    assert httpx.get(f"{plex.url}/library/sections").status_code == 401
    assert httpx.get(f"{plex.url}/library/sections", params={"X-Plex-Token": "wrong"}).status_code == 401
    assert httpx.get(f"{plex.url}/library/sections", params={"X-Plex-Token": TOKEN}).status_code == 200


def test_sections_take_plex_defaults_per_type(api: httpx.Client) -> None:
    for name, kind, path in (
        ("Movies", "movie", "/data/library/movies"),
        ("TV Shows", "show", "/data/library/tvshows"),
    ):
        assert (
            api.post("/library/sections", params={"name": name, "type": kind, "location": path}).status_code
            == 201
        )
    sections = api.get("/library/sections").json()["MediaContainer"]["Directory"]
    assert [(s["key"], s["title"], s["type"], s["agent"], s["scanner"], s["language"]) for s in sections] == [
        ("1", "Movies", "movie", "tv.plex.agents.movie", "Plex Movie", "en-US"),
        ("2", "TV Shows", "show", "tv.plex.agents.series", "Plex TV Series", "en-US"),
    ]
    assert sections[0]["Location"] == [{"id": 1, "path": "/data/library/movies"}]


@pytest.mark.parametrize(
    "params",
    [
        {"type": "movie", "location": "/data/library/movies"},
        {"name": "x", "type": "book", "location": "/data/library/movies"},
        {"name": "x", "type": "movie"},
        {"name": "x", "type": "movie", "location": "/nowhere"},
        {"name": "x", "type": "movie", "location": "/data/library/movies", "agent": "tv.plex.agents.series"},
    ],
)
def test_bad_section_parameters_are_400_and_create_nothing(api: httpx.Client, params: dict[str, str]) -> None:
    assert api.post("/library/sections", params=params).status_code == 400
    assert api.get("/library/sections").json()["MediaContainer"]["Directory"] == []


def test_sections_can_be_edited_refreshed_and_deleted(api: httpx.Client, plex: SimulatedPlex) -> None:
    api.post(
        "/library/sections", params={"name": "Movies", "type": "movie", "location": "/data/library/movies"}
    )
    plex.filesystem.add("/data/library/films")
    edited = api.put(
        "/library/sections/1",
        params={"agent": "tv.plex.agents.movie", "location": ["/data/library/movies", "/data/library/films"]},
    )
    assert edited.status_code == 200
    [section] = api.get("/library/sections").json()["MediaContainer"]["Directory"]
    assert [loc["path"] for loc in section["Location"]] == ["/data/library/movies", "/data/library/films"]
    assert api.put("/library/sections/1", params={"name": "Films"}).status_code == 400, (
        "an edit names the agent"
    )
    assert (
        api.get("/library/sections/1/refresh", params={"path": "/data/library/movies/X"}).status_code == 200
    )
    assert api.delete("/library/sections/1").status_code == 200
    assert api.get("/library/sections/1").status_code == 404
    assert [w.method for w in plex.writes()] == ["POST", "PUT", "PUT", "DELETE"]


def test_xml_is_the_default_format(api: httpx.Client, plex: SimulatedPlex) -> None:
    api.post("/library/sections", params={"name": "TV", "type": "show", "location": "/data/library/tvshows"})
    xml = httpx.get(f"{plex.url}/library/sections", params={"X-Plex-Token": TOKEN})
    root = ElementTree.fromstring(xml.text)
    directory = root.find("Directory")
    assert directory is not None and directory.get("type") == "show"
    location = directory.find("Location")
    assert location is not None and location.get("path") == "/data/library/tvshows"
