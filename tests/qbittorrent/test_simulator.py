"""SimulatedQbittorrent enforces the real WebUI's rules: login and session cookie, Fails./401 by
version, a ban after five failures, POST-only partial setPreferences, CSRF checks."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest

from syncd.simulator.qbittorrent import SimulatedQbittorrent


@pytest.fixture
def server() -> Iterator[SimulatedQbittorrent]:
    with SimulatedQbittorrent(username="admin", password="pw") as simulated:
        yield simulated


def login(client: httpx.Client, password: str = "pw") -> httpx.Response:
    return client.post("/api/v2/auth/login", data={"username": "admin", "password": password})


def test_it_starts_with_the_reference_preferences_without_the_password(server: SimulatedQbittorrent) -> None:
    with httpx.Client(base_url=server.url) as client:
        assert login(client).text == "Ok."
        preferences = client.get("/api/v2/app/preferences").json()
    assert preferences["save_path"] == "/downloads/"
    assert preferences["current_network_interface"] == ""
    assert "web_ui_password" not in preferences


def test_everything_but_login_needs_a_session(server: SimulatedQbittorrent) -> None:
    with httpx.Client(base_url=server.url) as client:
        assert client.get("/api/v2/app/preferences").status_code == 403


@pytest.mark.parametrize(("version", "status"), [("5.1.4", 200), ("5.2.3", 401)])
def test_bad_credentials_fail_by_version_and_the_sixth_try_is_banned(version: str, status: int) -> None:
    with (
        SimulatedQbittorrent(username="admin", password="pw", version=version) as server,
        httpx.Client(base_url=server.url) as client,
    ):
        answers = [login(client, "wrong") for _ in range(5)]
        assert [(a.status_code, a.text) for a in answers] == [(status, "Fails.")] * 5
        banned = login(client)
    assert banned.status_code == 403 and "banned" in banned.text


def test_set_preferences_is_post_only_partial_and_ignores_unknown_keys(server: SimulatedQbittorrent) -> None:
    with httpx.Client(base_url=server.url) as client:
        login(client)
        assert client.get("/api/v2/app/setPreferences").status_code == 405
        changes = {"current_network_interface": "wg0", "no_such_key": 1, "web_ui_password": "new"}
        assert (
            client.post("/api/v2/app/setPreferences", data={"json": json.dumps(changes)}).status_code == 200
        )
        assert client.post("/api/v2/app/setPreferences", data={}).status_code == 400
    assert server.preferences["current_network_interface"] == "wg0"
    assert server.preferences["dht"] is True
    assert "no_such_key" not in server.preferences and "web_ui_password" not in server.preferences
    assert server.password == "new"


def test_a_foreign_origin_is_refused_by_csrf_protection(server: SimulatedQbittorrent) -> None:
    with httpx.Client(base_url=server.url, headers={"Origin": "http://evil.example"}) as client:
        assert login(client).status_code == 401


def test_without_credentials_the_whitelist_lets_requests_in() -> None:
    with SimulatedQbittorrent() as server, httpx.Client(base_url=server.url) as client:
        assert client.get("/api/v2/app/preferences").status_code == 200
        assert client.get("/api/v2/app/version").text == "v5.1.4"


def test_injected_failures_are_answered_without_touching_the_state(server: SimulatedQbittorrent) -> None:
    server.fail_next(1, 500, path_prefix="/api/v2/app/setPreferences")
    with httpx.Client(base_url=server.url) as client:
        login(client)
        answer = client.post("/api/v2/app/setPreferences", data={"json": '{"dht": false}'})
    assert answer.status_code == 500
    assert server.preferences["dht"] is True
    assert [r.status for r in server.requests] == [200, 500]
