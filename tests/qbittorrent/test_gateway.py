"""QbittorrentGateway over a mocked WebUI API: the requests it sends (few, with CSRF headers,
login only with credentials and at most once, writes as forms) and how failures read (never
with the password)."""

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
from syncd.kinds.base import Request
from syncd.live import qbittorrent
from syncd.live.qbittorrent import QbittorrentGateway

BASE = "http://qbittorrent.test:8080"
PASSWORD = "s3cret-Passw0rd"
PREFERENCES = {"current_network_interface": "", "dht": True}
READ = ["app/preferences"]

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


def test_reads_log_in_once_then_get_with_the_session_cookie(router: respx.MockRouter) -> None:
    login = router.post("/auth/login").respond(200, text="Ok.", headers={"Set-Cookie": "SID=abc; path=/"})
    read = router.get("/app/preferences").respond(200, json=PREFERENCES)
    router.get("/torrents/categories").respond(200, json={})

    async def twice(gateway: QbittorrentGateway) -> Any:
        await gateway.read(READ)
        return await gateway.read(["app/preferences", "torrents/categories"])

    replies, stats = run(router, twice)
    assert replies == {"app/preferences": PREFERENCES, "torrents/categories": {}}
    assert stats == {"POST": 1, "GET": 3}
    assert form(login.calls[0].request) == {"username": "admin", "password": PASSWORD}
    request = read.calls[0].request
    assert request.headers["Cookie"] == "SID=abc"
    assert request.headers["Origin"] == BASE
    assert request.headers["Referer"] == f"{BASE}/"


def test_without_credentials_a_plan_is_one_get(router: respx.MockRouter) -> None:
    router.get("/app/preferences").respond(200, json=PREFERENCES)
    _, stats = run(router, lambda g: g.read(READ), credentials=False)
    assert stats == {"GET": 1}


def test_a_kind_write_is_sent_as_a_form_post(router: respx.MockRouter) -> None:
    write = router.post("/app/setPreferences").respond(200)
    body = {"json": json.dumps({"current_network_interface": "wg0"})}
    answer, stats = run(
        router, lambda g: g.send(Request("POST", "app/setPreferences", body)), credentials=False
    )
    assert (answer, stats) == ("", {"POST": 1})
    assert write.calls[0].request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert json.loads(form(write.calls[0].request)["json"]) == {"current_network_interface": "wg0"}


def test_a_write_the_webui_cannot_take_is_an_error_before_any_request(router: respx.MockRouter) -> None:
    with pytest.raises(ApiError, match="takes only form POSTs"):
        run(router, lambda g: g.send(Request("PUT", "app/setPreferences", {})), credentials=False)
    assert not router.calls


def test_a_refused_login_is_never_tried_again(router: respx.MockRouter) -> None:
    login = router.post("/auth/login").respond(200, text="Fails.")

    async def read_then_write(gateway: QbittorrentGateway) -> list[str]:
        errors = []
        for call in (
            lambda: gateway.read(READ),
            lambda: gateway.send(Request("POST", "app/setPreferences", {})),
        ):
            try:
                await call()
            except ApiAuthError as exc:
                errors.append(str(exc))
        return errors

    errors, stats = run(router, read_then_write)
    assert len(errors) == 2 and all("wrong username or password" in e for e in errors)
    assert login.call_count == 1 and stats == {"POST": 1}


@pytest.mark.parametrize(("status", "text"), [(200, "Fails."), (401, "Fails.")], ids=["5.0-5.1", "5.2"])
def test_bad_credentials_are_an_auth_error_without_the_password(
    router: respx.MockRouter, status: int, text: str
) -> None:
    router.post("/auth/login").respond(status, text=text)
    with pytest.raises(ApiAuthError) as caught:
        run(router, lambda g: g.read(READ))
    message = str(caught.value)
    assert message.startswith("qbittorrent.main: ")
    assert "wrong username or password" in message and "'admin'" in message
    assert PASSWORD not in message


def test_a_ban_says_so(router: respx.MockRouter) -> None:
    router.post("/auth/login").respond(403, text="Your IP address has been banned")
    with pytest.raises(ApiAuthError, match="banned syncd's IP address") as caught:
        run(router, lambda g: g.read(READ))
    assert caught.value.status == 403


def test_forbidden_without_a_session_points_at_credentials_or_the_whitelist(router: respx.MockRouter) -> None:
    router.get("/app/preferences").respond(403, text="Forbidden")
    with pytest.raises(ApiAuthError, match=r"set 'username' and 'password'.*subnet whitelist"):
        run(router, lambda g: g.read(READ), credentials=False)


def test_a_csrf_refusal_is_explained(router: respx.MockRouter) -> None:
    router.get("/app/preferences").respond(401, text="Unauthorized")
    with pytest.raises(ApiAuthError, match="CSRF or Host-header check"):
        run(router, lambda g: g.read(READ), credentials=False)


def test_the_password_is_scrubbed_from_server_messages(router: respx.MockRouter) -> None:
    router.post("/auth/login").respond(200, text="Ok.")
    router.get("/app/preferences").respond(500, text=f"crashed while checking {PASSWORD}")
    with pytest.raises(ApiError) as caught:
        run(router, lambda g: g.read(READ))
    assert PASSWORD not in str(caught.value) and "[redacted]" in str(caught.value)


def test_gateways_sharing_a_memory_never_resend_refused_credentials(router: respx.MockRouter) -> None:
    login = router.post("/auth/login").respond(200, text="Fails.")
    refused: set[str] = set()

    async def attempts() -> list[str]:
        errors = []
        async with qbittorrent.client(
            BASE,
            instance="qbittorrent.main",
            password=PASSWORD,
            transport=httpx.MockTransport(router.async_handler),
        ) as client:
            for password in (PASSWORD, PASSWORD, "another-Passw0rd"):
                gateway = QbittorrentGateway(
                    client, name="main", username="admin", password=password, refused=refused
                )
                with pytest.raises(ApiAuthError) as caught:
                    await gateway.read(READ)
                errors.append(str(caught.value))
        return errors

    first, again, other = asyncio.run(attempts())
    assert login.call_count == 2
    assert "not sent again" in again and "not sent again" not in first + other
    assert PASSWORD not in first + again + other and len(refused) == 2
