"""qBittorrent categories over raw WebUI HTTP: the same script gives the same answers from the
simulated qBittorrent and from Debian's real qbittorrent-nox 4.5, so the simulator's category
rules are the real program's."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from syncd.simulator.qbittorrent import SimulatedQbittorrent
from tests.qbittorrent_real.conftest import PASSWORD
from tests.qbittorrent_real.harness import RealQbittorrent

Step = tuple[str, dict[str, str]]
SCRIPT: list[Step] = [
    ("createCategory", {"category": "tv", "savePath": "/data/downloads/tv/"}),
    ("createCategory", {"category": "movies", "savePath": "/data/downloads/movies"}),
    ("createCategory", {"category": "tv"}),
    ("createCategory", {"category": "/bad"}),
    ("createCategory", {"category": "bad//name"}),
    ("createCategory", {"category": ""}),
    ("createCategory", {}),
    ("editCategory", {"category": "tv", "savePath": "/data/downloads/tv"}),
    ("editCategory", {"category": "tv", "savePath": "/data/downloads/series"}),
    ("editCategory", {"category": "nope", "savePath": "/x"}),
    ("editCategory", {"category": "tv"}),
    ("createCategory", {"category": "anime/seasonal"}),
    ("createCategory", {"category": "off", "savePath": "off", "downloadPathEnabled": "false"}),
    (
        "createCategory",
        {"category": "on", "savePath": "on", "downloadPathEnabled": "true", "downloadPath": "/tmp/on/"},
    ),
    ("removeCategories", {"categories": "movies\nunknown"}),
]


@pytest.fixture(params=["simulated", "real"])
def webui(request: pytest.FixtureRequest) -> Iterator[httpx.Client]:
    if request.param == "simulated":
        with (
            SimulatedQbittorrent(username="admin", password=PASSWORD, version="4.5.2") as fake,
            httpx.Client(base_url=fake.url, timeout=10) as client,
        ):
            login = client.post("/api/v2/auth/login", data={"username": "admin", "password": PASSWORD})
            assert login.text == "Ok."
            yield client
        return
    real: RealQbittorrent = request.getfixturevalue("real_qbittorrent")
    with real.session() as client:
        yield client


def run(webui: httpx.Client) -> list[tuple[int, str, dict[str, object]]]:
    transcript = []
    for action, form in SCRIPT:
        answer = webui.post(f"/api/v2/torrents/{action}", data=form)
        listing = webui.get("/api/v2/torrents/categories").json()
        transcript.append((answer.status_code, answer.text, listing))
    return transcript


def test_category_rules_answer_as_qbittorrent_does(webui: httpx.Client) -> None:
    transcript = run(webui)
    statuses = [(status, text) for status, text, _ in transcript]
    assert statuses == [
        (200, ""),
        (200, ""),
        (409, "Unable to create category"),
        (409, "Incorrect category name"),
        (409, "Incorrect category name"),
        (400, "Category cannot be empty"),
        (400, "Bad Request"),
        (409, "Unable to edit category"),
        (200, ""),
        (409, "Unable to edit category"),
        (400, "Bad Request"),
        (200, ""),
        (200, ""),
        (200, ""),
        (200, ""),
    ]
    assert transcript[-1][2] == {
        "anime/seasonal": {"name": "anime/seasonal", "savePath": ""},
        "off": {"name": "off", "savePath": "off", "download_path": False},
        "on": {"name": "on", "savePath": "on", "download_path": "/tmp/on"},
        "tv": {"name": "tv", "savePath": "/data/downloads/series"},
    }


def test_category_actions_are_post_only_and_need_a_session(webui: httpx.Client) -> None:
    assert webui.get("/api/v2/torrents/createCategory", params={"category": "x"}).status_code == 405
    anonymous = httpx.post(f"{webui.base_url}/api/v2/torrents/createCategory", data={"category": "x"})
    assert anonymous.status_code == 403
    assert webui.get("/api/v2/torrents/categories").json() == {}


def test_qbittorrent_52_edits_report_a_missing_category_as_404() -> None:
    with SimulatedQbittorrent(version="5.2.3") as fake, httpx.Client(base_url=fake.url) as http:
        missing = http.post("/api/v2/torrents/editCategory", data={"category": "nope", "savePath": "/x"})
        assert (missing.status_code, missing.text) == (404, "Category does not exist")
        assert (
            http.post(
                "/api/v2/torrents/createCategory", data={"category": "tv", "savePath": "/a"}
            ).status_code
            == 200
        )
        same = http.post("/api/v2/torrents/editCategory", data={"category": "tv", "savePath": "/a"})
        assert same.status_code == 200
        assert [(r.path, r.status) for r in fake.category_writes()] == [
            ("/api/v2/torrents/editCategory", 404),
            ("/api/v2/torrents/createCategory", 200),
            ("/api/v2/torrents/editCategory", 200),
        ]
