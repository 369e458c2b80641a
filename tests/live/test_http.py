"""ApiClient: error translation per status, retry policy for reads and writes, secrecy of the key.

We test these aspects: decoded bodies and the auth header; each status family maps to its
ApiError subclass with the server's own messages; GETs retry transient failures over the
backoffs (honouring Retry-After) and give up after the last one; writes are not retried
unless the connection was never made; the API key appears in no exception and no log line.
"""

from __future__ import annotations

import asyncio
import email.utils
import os
import ssl
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import respx
import structlog

from syncd.errors import (
    ApiAuthError,
    ApiConnectError,
    ApiError,
    ApiNotFoundError,
    ApiRejectedError,
    ApiServerError,
)
from syncd.live.http import ApiClient, tls_context

BASE = "http://sonarr.test:8989"
KEY = "0123456789abcdef0123456789abcdef"


def run(
    router: respx.MockRouter,
    call: Callable[[ApiClient], Awaitable[Any]],
    *,
    backoffs: tuple[float, ...] = (0.5, 1.0, 2.0),
    sleeps: list[float] | None = None,
) -> tuple[Any, list[float], ApiClient]:
    """Run `call` against a client whose transport is `router`; return result, sleeps, client.

    Sleeps are recorded (in `sleeps` when given), never slept."""
    sleeps = [] if sleeps is None else sleeps

    async def fake_sleep(delay: float) -> None:
        sleeps.append(delay)

    async def main() -> tuple[Any, ApiClient]:
        async with ApiClient(
            BASE,
            KEY,
            instance="sonarr.main",
            transport=httpx.MockTransport(router.async_handler),
            backoffs=backoffs,
            sleep=fake_sleep,
            jitter=lambda delay: delay,
        ) as client:
            return await call(client), client

    result, client = asyncio.run(main())
    return result, sleeps, client


def fails(router: respx.MockRouter, call: Callable[[ApiClient], Awaitable[Any]], **kw: Any) -> ApiError:
    with pytest.raises(ApiError) as info:
        run(router, call, **kw)
    return info.value


@pytest.fixture
def router() -> respx.MockRouter:
    return respx.MockRouter(base_url=f"{BASE}/api/v3", assert_all_called=False)


def test_get_sends_the_key_header_and_decodes_json(router: respx.MockRouter) -> None:
    route = router.get("/customformat").respond(200, json=[{"id": 1, "name": "x265"}])
    result, _, client = run(router, lambda c: c.get("customformat"))
    assert result == [{"id": 1, "name": "x265"}]
    assert route.calls.last.request.headers["X-Api-Key"] == KEY
    assert client.stats == {"GET": 1}


def test_writes_send_json_and_empty_answers_decode_to_none(router: respx.MockRouter) -> None:
    post = router.post("/tag").respond(201, json={"id": 3, "label": "a"})
    put = router.put("/tag/3").respond(202)
    delete = router.delete("/tag/3").respond(200)

    async def calls(client: ApiClient) -> tuple[Any, Any]:
        created = await client.post("tag", {"label": "a"})
        updated = await client.put("tag/3", {"id": 3, "label": "b"})
        await client.delete("tag/3")
        return created, updated

    (created, updated), _, client = run(router, calls)
    assert created == {"id": 3, "label": "a"}
    assert updated is None
    assert post.calls.last.request.content == b'{"label":"a"}'
    assert put.called
    assert delete.called
    assert client.stats == {"POST": 1, "PUT": 1, "DELETE": 1}


@pytest.mark.parametrize(
    ("status", "error_type"),
    [(401, ApiAuthError), (403, ApiAuthError), (404, ApiNotFoundError), (502, ApiServerError)],
)
def test_status_maps_to_its_error_type(
    router: respx.MockRouter, status: int, error_type: type[ApiError]
) -> None:
    router.post("/customformat").respond(status, json={"message": "nope"})
    error = fails(router, lambda c: c.post("customformat", {}))
    assert type(error) is error_type
    assert error.status == status
    assert error.instance == "sonarr.main"
    assert str(error).startswith("sonarr.main: POST http://sonarr.test:8989/api/v3/customformat")


def test_rejected_body_carries_the_servarr_validation_messages(router: respx.MockRouter) -> None:
    failures = [
        {"propertyName": "Name", "errorMessage": "Must be unique", "severity": "error"},
        {"propertyName": "", "errorMessage": "Must contain at least one allowed quality"},
    ]
    router.post("/qualityprofile").respond(400, json=failures)
    error = fails(router, lambda c: c.post("qualityprofile", {}))
    assert isinstance(error, ApiRejectedError)
    assert error.messages == ("Name: Must be unique", "Must contain at least one allowed quality")
    assert "Name: Must be unique; Must contain" in str(error)


@pytest.mark.parametrize("status", [409, 422])
def test_conflicts_carry_the_message_object(router: respx.MockRouter, status: int) -> None:
    router.delete("/qualityprofile/4").respond(status, json={"message": "Profile is in use"})
    error = fails(router, lambda c: c.delete("qualityprofile/4"))
    assert isinstance(error, ApiRejectedError)
    assert error.messages == ("Profile is in use",)


def test_unreachable_server_is_a_connect_error_naming_instance_and_url(router: respx.MockRouter) -> None:
    router.get("/system/status").mock(side_effect=httpx.ConnectError("Connection refused"))
    error = fails(router, lambda c: c.get("system/status"), backoffs=())
    assert isinstance(error, ApiConnectError)
    assert error.transient
    assert str(error) == (
        "sonarr.main: cannot reach http://sonarr.test:8989/api/v3/system/status: Connection refused"
    )
    assert isinstance(error.__cause__, httpx.ConnectError)


def test_get_retries_server_errors_until_success(router: respx.MockRouter) -> None:
    route = router.get("/customformat").mock(
        side_effect=[httpx.Response(503), httpx.ReadTimeout("slow"), httpx.Response(200, json=[])]
    )
    result, sleeps, client = run(router, lambda c: c.get("customformat"))
    assert result == []
    assert sleeps == [0.5, 1.0]
    assert route.call_count == 3
    assert client.stats == {"GET": 3}


def test_get_waits_as_long_as_retry_after_asks(router: respx.MockRouter) -> None:
    router.get("/customformat").mock(
        side_effect=[httpx.Response(429, headers={"Retry-After": "7"}), httpx.Response(200, json=[])]
    )
    _, sleeps, _ = run(router, lambda c: c.get("customformat"))
    assert sleeps == [7.0]


def test_retry_after_may_be_an_http_date(router: respx.MockRouter) -> None:
    later = email.utils.format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    router.get("/customformat").mock(
        side_effect=[httpx.Response(503, headers={"Retry-After": later}), httpx.Response(200, json=[])]
    )
    _, sleeps, _ = run(router, lambda c: c.get("customformat"))
    assert len(sleeps) == 1
    assert 25 <= sleeps[0] <= 30


def test_get_gives_up_after_the_last_backoff(router: respx.MockRouter) -> None:
    route = router.get("/customformat").respond(500, headers={"Retry-After": "0"})
    sleeps: list[float] = []
    error = fails(router, lambda c: c.get("customformat"), backoffs=(1, 2), sleeps=sleeps)
    assert isinstance(error, ApiServerError)
    assert error.retry_after == 0
    assert sleeps == [1, 2]
    assert route.call_count == 3


def test_get_does_not_retry_permanent_errors(router: respx.MockRouter) -> None:
    route = router.get("/customformat").respond(401)
    error = fails(router, lambda c: c.get("customformat"))
    assert isinstance(error, ApiAuthError)
    assert route.call_count == 1


@pytest.mark.parametrize(
    "failure", [httpx.Response(500), httpx.ReadTimeout("sent, no answer"), httpx.RemoteProtocolError("eof")]
)
def test_post_is_not_retried_once_the_server_may_have_seen_it(
    router: respx.MockRouter, failure: httpx.Response | Exception
) -> None:
    route = router.post("/customformat").mock(side_effect=[failure, httpx.Response(201, json={})])
    sleeps: list[float] = []
    fails(router, lambda c: c.post("customformat", {"name": "x"}), sleeps=sleeps)
    assert route.call_count == 1
    assert sleeps == []


@pytest.mark.parametrize("failure", [httpx.ConnectError("refused"), httpx.ConnectTimeout("syn lost")])
def test_write_is_retried_when_the_connection_was_never_made(
    router: respx.MockRouter, failure: Exception
) -> None:
    route = router.put("/customformat/1").mock(side_effect=[failure, httpx.Response(202, json={"id": 1})])
    result, sleeps, _ = run(router, lambda c: c.put("customformat/1", {"id": 1}))
    assert result == {"id": 1}
    assert route.call_count == 2
    assert sleeps == [0.5]


def test_non_json_success_names_a_likely_wrong_base_url(router: respx.MockRouter) -> None:
    router.get("/system/status").respond(200, text="<html>login</html>")
    error = fails(router, lambda c: c.get("system/status"))
    assert type(error) is ApiError
    assert "not JSON" in str(error)


def test_api_key_never_appears_in_errors_or_logs(router: respx.MockRouter) -> None:
    # A server (or proxy) echoing the key back in its error text must not leak it.
    router.get("/customformat").respond(503, json={"message": f"bad key {KEY}"})
    router.post("/customformat").respond(400, json=[{"propertyName": "k", "errorMessage": KEY}])
    router.get("/tag").mock(side_effect=httpx.ConnectError(f"refused for {KEY}"))
    with structlog.testing.capture_logs() as logs:
        errors = [
            fails(router, lambda c: c.get("customformat")),
            fails(router, lambda c: c.post("customformat", {})),
            fails(router, lambda c: c.get("tag")),
        ]
    assert len(logs) >= 3
    assert any(entry["event"] == "api.retry" for entry in logs)
    assert all(KEY not in repr(entry) for entry in logs)
    for error in errors:
        assert KEY not in str(error)
        assert KEY not in repr(error.args)
        assert "[redacted]" in str(error)


def test_a_plain_http_server_costs_no_certificate_bundle(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [n for n in os.environ if n.lower().endswith("_proxy")]:
        monkeypatch.delenv(name)
    plain = tls_context("http://sonarr:8989")
    assert plain.cert_store_stats()["x509_ca"] == 0
    assert plain.verify_mode == ssl.CERT_REQUIRED and plain.check_hostname, "a TLS hop must fail, not pass"
    secure = tls_context("https://sonarr.example")
    assert secure.cert_store_stats()["x509_ca"] > 0
    assert tls_context("HTTPS://radarr.example") is secure, "one CA bundle per process, not per client"


def test_a_proxy_from_the_environment_gets_certificates_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "https://proxy.example:3128")
    assert tls_context("http://sonarr:8989").cert_store_stats()["x509_ca"] > 0
