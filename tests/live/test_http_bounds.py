"""Every wait of the HTTP edge is bounded, against a real misbehaving server on loopback.

Cases (issue 9): a Retry-After of an hour or an HTTP date in 2100 waits only up to the cap;
backoffs are jittered so concurrent retries spread out; a request has a total deadline; a slow
endpoint costs the configured read timeout, not 30 s x 5; a write that timed out or whose
connection dropped after sending is never retried and says so; a 429/503 answer with
Retry-After to a write is retried within the budget (the server did not process it); an
unreachable server fails on one probe, with one line and no retry warnings, reads sent
alongside the probe included.

Sleeps are recorded, not slept; the clock the client sees moves on by what it "slept".
"""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import pytest
import structlog

from syncd.errors import ApiConnectError, ApiError, ApiServerError, ApiTimeoutError
from syncd.live.http import DEFAULT_LIMITS, ApiClient, HttpLimits, equal_jitter
from syncd.live.servarr import ServarrGateway
from tests.live.edge_server import Answer, EdgeServer

KEY = "0123456789abcdef0123456789abcdef"


@pytest.fixture
def server() -> Iterator[EdgeServer]:
    with EdgeServer() as edge:
        yield edge


class Recorder:
    def __init__(self) -> None:
        self.sleeps: list[float] = []

    async def sleep(self, delay: float) -> None:
        self.sleeps.append(delay)

    def clock(self) -> float:
        return time.monotonic() + sum(self.sleeps)


def call(
    url: str,
    action: Callable[[ApiClient], Awaitable[Any]],
    *,
    limits: HttpLimits = DEFAULT_LIMITS,
    recorder: Recorder | None = None,
    jitter: Callable[[float], float] = lambda d: d,
) -> Any:
    recorder = recorder or Recorder()

    async def main() -> Any:
        async with ApiClient(
            url,
            KEY,
            instance="sonarr.main",
            limits=limits,
            sleep=recorder.sleep,
            clock=recorder.clock,
            jitter=jitter,
        ) as client:
            return await action(client)

    return asyncio.run(main())


def failure(url: str, action: Callable[[ApiClient], Awaitable[Any]], **kw: Any) -> ApiError:
    with pytest.raises(ApiError) as info:
        call(url, action, **kw)
    return info.value


@pytest.mark.parametrize("retry_after", ["3600", "Fri, 01 Jan 2100 00:00:00 GMT"])
def test_a_huge_retry_after_waits_only_up_to_the_cap(server: EdgeServer, retry_after: str) -> None:
    server.script("GET", "/api/v3/customformat", Answer(429, headers=(("Retry-After", retry_after),)))
    recorder = Recorder()
    result = call(
        server.url, lambda c: c.get("customformat"), recorder=recorder, limits=HttpLimits(deadline=600)
    )
    assert result == {}
    assert recorder.sleeps == [60.0]


def test_the_cap_is_configurable(server: EdgeServer) -> None:
    server.script("GET", "/api/v3/customformat", Answer(503, headers=(("Retry-After", "3600"),)))
    recorder = Recorder()
    call(server.url, lambda c: c.get("customformat"), recorder=recorder, limits=HttpLimits(max_wait=5))
    assert recorder.sleeps == [5.0]


def test_a_wait_past_the_deadline_is_not_started(server: EdgeServer) -> None:
    server.script("GET", "/api/v3/customformat", *[Answer(503, headers=(("Retry-After", "40"),))] * 5)
    recorder = Recorder()
    error = failure(
        server.url, lambda c: c.get("customformat"), recorder=recorder, limits=HttpLimits(deadline=100)
    )
    assert isinstance(error, ApiServerError)
    assert recorder.sleeps == [40.0, 40.0]
    assert "would pass the 100s deadline" in str(error)
    assert server.count("GET", "/api/v3/customformat") == 3


def test_concurrent_retries_are_jittered_apart(server: EdgeServer) -> None:
    paths = [f"p{i}" for i in range(6)]
    for path in paths:
        server.script("GET", f"/api/v3/{path}", Answer(503))
    recorder = Recorder()

    async def all_at_once(client: ApiClient) -> list[Any]:
        return await asyncio.gather(*(client.get(p) for p in paths))

    call(server.url, all_at_once, recorder=recorder, jitter=equal_jitter)
    assert len(recorder.sleeps) == 6
    assert len(set(recorder.sleeps)) > 1, "lockstep retries: every read waited the same"
    assert all(0.25 <= s <= 0.5 for s in recorder.sleeps)


def test_a_slow_endpoint_costs_the_configured_read_timeout_not_minutes(server: EdgeServer) -> None:
    server.script("GET", "/api/v3/customformat", *[Answer(delay=1.0)] * 5)
    limits = HttpLimits(read_timeout=0.2, retries=1)
    error = failure(server.url, lambda c: c.get("customformat"), limits=limits)
    assert isinstance(error, ApiTimeoutError)
    assert str(error) == (
        f"sonarr.main: GET {server.url}/api/v3/customformat timed out (no answer within 0.2s)"
    )
    assert server.count("GET", "/api/v3/customformat") == 2


def test_the_deadline_bounds_a_request_however_many_retries_are_left(server: EdgeServer) -> None:
    server.script("GET", "/api/v3/customformat", *[Answer(delay=0.5)] * 10)
    limits = HttpLimits(read_timeout=30, retries=10, deadline=0.3)
    error = failure(server.url, lambda c: c.get("customformat"), limits=limits)
    assert isinstance(error, ApiTimeoutError)
    assert server.count("GET", "/api/v3/customformat") == 1


def test_a_timed_out_write_is_never_retried_and_says_it_was_sent(server: EdgeServer) -> None:
    server.script("POST", "/api/v3/customformat", Answer(201, delay=1.0))
    recorder = Recorder()
    error = failure(
        server.url,
        lambda c: c.post("customformat", {"name": "x"}),
        recorder=recorder,
        limits=HttpLimits(read_timeout=0.2),
    )
    assert isinstance(error, ApiTimeoutError)
    assert "timed out after sending" in str(error)
    assert "cannot reach" not in str(error)
    assert server.count("POST", "/api/v3/customformat") == 1
    assert recorder.sleeps == []


def test_a_write_whose_connection_dropped_is_not_retried(server: EdgeServer) -> None:
    server.script("PUT", "/api/v3/customformat/1", Answer(drop=True))
    error = failure(server.url, lambda c: c.put("customformat/1", {"id": 1}))
    assert isinstance(error, ApiConnectError)
    assert "connection dropped after sending" in str(error)
    assert server.count("PUT", "/api/v3/customformat/1") == 1


def test_a_read_whose_connection_dropped_is_retried(server: EdgeServer) -> None:
    server.script("GET", "/api/v3/customformat", Answer(drop=True))
    assert call(server.url, lambda c: c.get("customformat")) == {}
    assert server.count("GET", "/api/v3/customformat") == 2


@pytest.mark.parametrize("status", [429, 503])
def test_a_throttled_write_with_retry_after_is_retried(server: EdgeServer, status: int) -> None:
    server.script("POST", "/api/v3/customformat", Answer(status, headers=(("Retry-After", "2"),)))
    recorder = Recorder()
    result = call(server.url, lambda c: c.post("customformat", {"name": "x"}), recorder=recorder)
    assert result == {}
    assert recorder.sleeps == [2.0]
    assert server.count("POST", "/api/v3/customformat") == 2


def test_a_throttled_write_is_retried_only_within_the_budget(server: EdgeServer) -> None:
    server.script("POST", "/api/v3/customformat", *[Answer(429, headers=(("Retry-After", "1"),))] * 5)
    error = failure(server.url, lambda c: c.post("customformat", {}), limits=HttpLimits(retries=2))
    assert isinstance(error, ApiServerError)
    assert server.count("POST", "/api/v3/customformat") == 3


def test_a_503_write_without_retry_after_is_not_retried(server: EdgeServer) -> None:
    server.script("POST", "/api/v3/customformat", Answer(503))
    failure(server.url, lambda c: c.post("customformat", {}))
    assert server.count("POST", "/api/v3/customformat") == 1


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def test_an_unreachable_server_fails_on_one_probe_with_one_line() -> None:
    url = closed_port_url()
    recorder = Recorder()
    with structlog.testing.capture_logs() as logs:
        error = failure(url, lambda c: c.probe("system/status"), recorder=recorder)
    assert isinstance(error, ApiConnectError)
    assert "\n" not in str(error)
    assert str(error).startswith(f"sonarr.main: cannot reach {url}/api/v3/system/status: ")
    assert str(error).endswith("check base_url and that the server is running")
    assert recorder.sleeps == []
    assert [entry for entry in logs if entry["event"] == "api.retry"] == []


def test_reads_alongside_the_probe_of_an_unreachable_server_add_no_retry_or_line() -> None:
    url = closed_port_url()
    recorder = Recorder()

    def both(client: ApiClient) -> Awaitable[Any]:
        return ServarrGateway(client, service="sonarr", name="main").probe_and_read(["customformat", "tag"])

    with structlog.testing.capture_logs() as logs:
        error = failure(url, both, recorder=recorder)
    assert isinstance(error, ApiConnectError)
    assert str(error).startswith(f"sonarr.main: cannot reach {url}/api/v3/system/status: ")
    assert recorder.sleeps == []
    assert [entry for entry in logs if entry["event"] == "api.retry"] == []


def test_a_read_alongside_the_probe_retries_once_the_probe_answered(server: EdgeServer) -> None:
    status = {"appName": "Sonarr", "version": "4.0.19.2979"}
    server.script("GET", "/api/v3/system/status", Answer(body=status, delay=0.1))
    server.script("GET", "/api/v3/customformat", Answer(500), Answer(body=[]))

    def both(client: ApiClient) -> Awaitable[Any]:
        return ServarrGateway(client, service="sonarr", name="main").probe_and_read(["customformat"])

    assert call(server.url, both) == (status, {"customformat": []})
    assert server.count("GET", "/api/v3/customformat") == 2


def test_credentials_in_the_base_url_never_reach_an_error(server: EdgeServer) -> None:
    host = server.url.removeprefix("http://")
    url = f"http://admin:hunter2secret@{host}/?apikey={KEY}"
    server.script("GET", "/api/v3/customformat", Answer(404, body={"message": "hunter2secret"}))
    error = failure(url.replace("/?", "?"), lambda c: c.get("customformat"))
    assert "hunter2secret" not in str(error)
    assert KEY not in str(error)
    assert "[redacted]@" in str(error)
