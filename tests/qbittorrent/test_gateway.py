"""QbittorrentGateway over a mocked WebUI API: the requests it sends (few, with CSRF headers,
login only with credentials, partial writes) and how failures read (never with the password)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest
import respx

from syncd.errors import ApiAuthError, ApiError
from syncd.live import qbittorrent
from syncd.live.qbittorrent import QbittorrentGateway

BASE = "http://qbittorrent.test:8080"
PASSWORD = "s3cret-Passw0rd"
PREFERENCES = {"current_network_interface": "", "dht": True}

Call = Callable[[QbittorrentGateway], Awaitable[Any]]


@pytest.fixture
def router() -> respx.MockRouter:
    return respx.MockRouter(base_url=f"{BASE}/api/v2", assert_all_called=False)


def run(router: respx.MockRouter, call: Call, *, credentials: bool = True) -> tuple[Any, dict[str, int]]:
    async def main() -> tuple[Any, dict[str, int]]:
        async with qbittorrent.client(
            BASE,
            instance="qbittorrent.main",
            password=PASSWORD,
            transport=httpx.MockTransport(router.async_handler),
            backoffs=(),
        ) as client:
            gateway = QbittorrentGateway(
                client,
                name="main",
                username="admin" if credentials else None,
                password=PASSWORD if credentials else None,
            )
            return await call(gateway), dict(client.stats)

    return asyncio.run(main())


def form(request: httpx.Request) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(request.content.decode()).items()}


def test_fetch_logs_in_once_then_reads_the_preferences_with_the_session_cookie(
    router: respx.MockRouter,
) -> None:
    login = router.post("/auth/login").respond(200, text="Ok.", headers={"Set-Cookie": "SID=abc; path=/"})
    read = router.get("/app/preferences").respond(200, json=PREFERENCES)

    async def twice(gateway: QbittorrentGateway) -> Any:
        await gateway.fetch()
        return await gateway.fetch()

    live, stats = run(router, twice)
    assert live.preferences == PREFERENCES and len(live.fingerprint) == 64
    assert stats == {"POST": 1, "GET": 2}
    assert form(login.calls[0].request) == {"username": "admin", "password": PASSWORD}
    request = read.calls[0].request
    assert request.headers["Cookie"] == "SID=abc"
    assert request.headers["Origin"] == BASE
    assert request.headers["Referer"] == f"{BASE}/"


def test_without_credentials_a_plan_is_one_get(router: respx.MockRouter) -> None:
    router.get("/app/preferences").respond(200, json=PREFERENCES)
    _, stats = run(router, lambda g: g.fetch(), credentials=False)
    assert stats == {"GET": 1}


def test_set_preferences_posts_only_the_changed_keys_as_the_json_form_field(router: respx.MockRouter) -> None:
    write = router.post("/app/setPreferences").respond(200)
    _, stats = run(
        router, lambda g: g.set_preferences({"current_network_interface": "wg0"}), credentials=False
    )
    assert stats == {"POST": 1}
    assert json.loads(form(write.calls[0].request)["json"]) == {"current_network_interface": "wg0"}


@pytest.mark.parametrize(("status", "text"), [(200, "Fails."), (401, "Fails.")], ids=["5.0-5.1", "5.2"])
def test_bad_credentials_are_an_auth_error_without_the_password(
    router: respx.MockRouter, status: int, text: str
) -> None:
    router.post("/auth/login").respond(status, text=text)
    with pytest.raises(ApiAuthError) as caught:
        run(router, lambda g: g.fetch())
    message = str(caught.value)
    assert message.startswith("qbittorrent.main: ")
    assert "wrong username or password" in message and "'admin'" in message
    assert PASSWORD not in message


def test_a_ban_says_so(router: respx.MockRouter) -> None:
    router.post("/auth/login").respond(403, text="Your IP address has been banned")
    with pytest.raises(ApiAuthError, match="banned syncd's IP address") as caught:
        run(router, lambda g: g.fetch())
    assert caught.value.status == 403


def test_forbidden_without_a_session_points_at_credentials_or_the_whitelist(router: respx.MockRouter) -> None:
    router.get("/app/preferences").respond(403, text="Forbidden")
    with pytest.raises(ApiAuthError, match=r"set 'username' and 'password'.*subnet whitelist"):
        run(router, lambda g: g.fetch(), credentials=False)


def test_a_csrf_refusal_is_explained(router: respx.MockRouter) -> None:
    router.get("/app/preferences").respond(401, text="Unauthorized")
    with pytest.raises(ApiAuthError, match="CSRF or Host-header check"):
        run(router, lambda g: g.fetch(), credentials=False)


def test_an_answer_that_is_not_a_preference_object_is_an_error(router: respx.MockRouter) -> None:
    router.get("/app/preferences").respond(200, json=["not", "preferences"])
    with pytest.raises(ApiError, match=r"is base_url of qbittorrent\.main a qBittorrent WebUI"):
        run(router, lambda g: g.fetch(), credentials=False)


def test_the_password_is_scrubbed_from_server_messages(router: respx.MockRouter) -> None:
    router.post("/auth/login").respond(200, text="Ok.")
    router.get("/app/preferences").respond(500, text=f"crashed while checking {PASSWORD}")
    with pytest.raises(ApiError) as caught:
        run(router, lambda g: g.fetch())
    assert PASSWORD not in str(caught.value) and "[redacted]" in str(caught.value)
