"""One HTTP client per server instance (Sonarr/Radarr, qBittorrent): requests, retries and
error translation, every wait bounded.

`ApiClient` is the only place that touches httpx. Every failure leaves it as a
`syncd.errors.ApiError`, built by the `_error_for_*` methods and raised only in
`ApiClient._request` with `raise ... from exc`, so callers never see httpx's exception types.

Bounds (`HttpLimits`, per instance from the config): a connect timeout, a read timeout, a
retry budget, a cap on any single wait and a total deadline per request (attempts and waits
included). Backoffs get jitter (a random part of each wait), so concurrent reads retried after
the same failure do not come back in lockstep. A `Retry-After` header (seconds or an HTTP
date) is honoured up to the cap; a wait that would pass the deadline is not started.

Retries (sleep, clock and jitter injectable for tests):

* GETs retry every transient failure (unreachable, timeouts, 5xx, 429, a dropped connection).
* Writes (POST/PUT/DELETE) are retried only when the server cannot have acted on them: the
  connection was never established (`httpx.ConnectError`, `ConnectTimeout`, `PoolTimeout`), or
  the server answered 429/503 with a `Retry-After` (it said it did not process the request).
  After a read timeout, a dropped connection or another 5xx the write may already have been
  applied (a POST would create a duplicate custom format), so the error ("timed out after
  sending") goes to the caller, which re-plans from fresh live state instead of guessing.
* `probe` is the one GET a gateway sends first: a server that cannot be reached fails at once,
  with one line, instead of every concurrent read retrying and warning. Reads sent alongside
  it (`get(..., after=probe)`, `probed`) retry only once it succeeded.

The API key travels only in the `X-Api-Key` header. It is never logged, and any text that
leaves this module (exception messages, log fields) is scrubbed of it, of every other secret
the client was given (a qBittorrent password sent in a login form) and of credentials in the
base URL, which is shown redacted (`syncd.redact`).

TLS: an `https://` server's certificate is checked against the CA bundle, loaded once per
process; a plain `http://` server gets no bundle at all (`tls_context`).
"""

from __future__ import annotations

import asyncio
import email.utils
import functools
import os
import random
import ssl
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, TypeVar

import httpx

from syncd.errors import (
    ApiAuthError,
    ApiConnectError,
    ApiError,
    ApiNotFoundError,
    ApiRejectedError,
    ApiServerError,
    ApiTimeoutError,
)
from syncd.logger import get_logger
from syncd.redact import redact_url, scrub, url_secrets

API_PREFIX = "/api/v3"

# httpx errors raised before any byte of the request reached the server: safe to retry writes.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
_REJECTED = {400, 409, 422}
# Statuses with which a server says it did not process the request (with a Retry-After).
_NOT_PROCESSED = {429, 503}

log = get_logger(__name__)

P = TypeVar("P")
R = TypeVar("R")

Sleep = Callable[[float], Awaitable[None]]
Jitter = Callable[[float], float]


@dataclass(frozen=True)
class HttpLimits:
    """How long one instance's requests may take. Seconds; `retries` is retries after the first try."""

    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    retries: int = 3
    max_wait: float = 60.0
    deadline: float = 120.0

    def backoffs(self) -> tuple[float, ...]:
        """Exponential backoff base delays (0.5 s, 1 s, 2 s, ...), one per retry, capped."""
        return tuple(min(0.5 * 2**attempt, self.max_wait) for attempt in range(self.retries))


DEFAULT_LIMITS = HttpLimits()
DEFAULT_BACKOFFS: tuple[float, ...] = DEFAULT_LIMITS.backoffs()
DEFAULT_TIMEOUT = DEFAULT_LIMITS.read_timeout


def tls_context(base_url: str) -> ssl.SSLContext:
    """The TLS context for a server at `base_url`, without loading the CA bundle when unneeded.

    httpx loads the whole CA bundle for every client it builds (about 20 ms and a few MB each,
    every daemon cycle). An `https://` server gets one certificate-checking context shared by
    every client of the process. A plain `http://` server never speaks TLS (redirects are not
    followed), unless a proxy from the environment does, so it gets a context that checks
    certificates against no authority at all: a TLS hop nobody expected fails, never goes
    unchecked.
    """
    if base_url.lower().startswith("http://") and not _proxy_from_environment():
        return _no_authority_tls()
    return _verifying_tls()


@functools.cache
def _verifying_tls() -> ssl.SSLContext:
    return httpx.create_ssl_context()


@functools.cache
def _no_authority_tls() -> ssl.SSLContext:
    return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)


def _proxy_from_environment() -> bool:
    return any(name.lower().endswith("_proxy") and value for name, value in os.environ.items())


def equal_jitter(delay: float) -> float:
    """Half the delay fixed, half random: spreads retries, still backs off."""
    return delay / 2 + random.uniform(0, delay / 2)


class ApiClient:
    """Talks to one server under `<base_url><api_prefix>` (Sonarr/Radarr: `/api/v3`).

    Paths are relative to the API prefix (`client.get("customformat")`). Bodies are decoded
    JSON (`None` for an empty body); `post_form` returns the body as text. `stats` counts the
    HTTP requests sent per method, retries included. Without an `api_key` no `X-Api-Key` header
    is sent; `headers` are added to every request, cookies a server sets are kept for the
    client's lifetime, and `auth_messages` says what a 401/403 means for this kind of server.
    `base_url` is the address as shown to people (credentials redacted). `backoffs`, when given,
    replaces the schedule `limits` derives (tests); `timeout` overrides its read timeout.

        async with ApiClient("http://sonarr:8989", key, instance="sonarr.main") as client:
            formats = await client.get("customformat")
    """

    def __init__(
        self,
        base_url: str,
        api_key: str = "",
        *,
        instance: str,
        transport: httpx.AsyncBaseTransport | None = None,
        limits: HttpLimits = DEFAULT_LIMITS,
        timeout: float | None = None,
        backoffs: Sequence[float] | None = None,
        sleep: Sleep = asyncio.sleep,
        jitter: Jitter = equal_jitter,
        clock: Callable[[], float] = time.monotonic,
        api_prefix: str = API_PREFIX,
        headers: Mapping[str, str] | None = None,
        secrets: Sequence[str] = (),
        auth_messages: Mapping[int, str] | None = None,
    ) -> None:
        self.instance = instance
        # A query in the base URL (`?apikey=...`) is sent with every request, not glued to paths.
        real_base, _, query = base_url.partition("?")
        real_base = real_base.rstrip("/")
        self.base_url = redact_url(real_base)
        self.stats: Counter[str] = Counter()
        self._api_prefix = api_prefix
        self._secrets = tuple(s for s in (api_key, *secrets, *url_secrets(base_url)) if s)
        self._auth_messages = auth_messages or {401: "API key rejected", 403: "API key rejected"}
        self._limits = limits if timeout is None else _with_read_timeout(limits, timeout)
        self._backoffs = tuple(self._limits.backoffs() if backoffs is None else backoffs)
        self._sleep = sleep
        self._jitter = jitter
        self._clock = clock
        self._client = httpx.AsyncClient(
            base_url=real_base + api_prefix,
            headers={
                "Accept": "application/json",
                **({"X-Api-Key": api_key} if api_key else {}),
                **(headers or {}),
            },
            params=httpx.QueryParams(query),
            timeout=self._timeout(self._limits.deadline),
            transport=transport,
            verify=tls_context(real_base),
        )

    async def __aenter__(self) -> ApiClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    async def get(self, path: str, *, after: asyncio.Future[Any] | None = None) -> Any:
        """GET `path`. With `after` (a probe sent alongside), a failure is retried only once
        `after` succeeded; if it failed, this failure is raised at once, without a warning."""
        return await self._request("GET", path, after=after)

    async def probe(self, path: str) -> Any:
        """GET `path` once to see the server is there: a server that cannot be reached, or does
        not answer in time, fails at once with one line (no retries, no warnings); a server that
        answers 5xx or 429 is retried like any read."""
        return await self._request("GET", path, probe=True)

    async def post(self, path: str, json: Any) -> Any:
        return await self._request("POST", path, json)

    async def put(self, path: str, json: Any) -> Any:
        return await self._request("PUT", path, json)

    async def delete(self, path: str) -> None:
        await self._request("DELETE", path)

    async def post_form(self, path: str, form: Mapping[str, str]) -> str:
        """POST an url-encoded form; the answer's body as text (qBittorrent answers `Ok.`)."""
        return str(await self._request("POST", path, form=form, as_text=True))

    async def _request(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        form: Mapping[str, str] | None = None,
        as_text: bool = False,
        probe: bool = False,
        after: asyncio.Future[Any] | None = None,
    ) -> Any:
        url = self._url(path)
        deadline = self._clock() + self._limits.deadline
        attempt = 0
        while True:
            attempt += 1
            cause: BaseException | None = None
            self.stats[method] += 1
            remaining = max(deadline - self._clock(), 0.001)
            try:
                async with asyncio.timeout(remaining):
                    response = await self._client.request(
                        method, path, json=body, data=form, timeout=self._timeout(remaining)
                    )
            except (httpx.TransportError, TimeoutError) as exc:
                cause = exc
                error: ApiError = self._error_for_transport(exc, method, url, probe=probe)
                retryable = not probe and (method == "GET" or isinstance(exc, _NOT_SENT))
            else:
                log.debug(
                    "api.response",
                    instance=self.instance,
                    method=method,
                    path=path,
                    status=response.status_code,
                )
                if response.is_success:
                    if as_text:
                        return response.text
                    if not response.content:
                        return None
                    try:
                        return response.json()
                    except ValueError as exc:
                        raise self._error_for_body(response, url) from exc
                error = self._error_for_response(response, method, url)
                retryable = error.transient and (
                    method == "GET" or (response.status_code in _NOT_PROCESSED and _has_retry_after(error))
                )
            if not retryable or attempt > len(self._backoffs) or not await _succeeded(after):
                raise error from cause
            delay = self._delay(attempt, error)
            if self._clock() + delay > deadline:
                raise _past_deadline(error, self._limits.deadline, delay) from cause
            log.warning(
                "api.retry",
                instance=self.instance,
                method=method,
                path=path,
                attempt=attempt,
                attempts=len(self._backoffs) + 1,
                delay=round(delay, 3),
                error=str(error),
            )
            await self._sleep(delay)

    def _delay(self, attempt: int, error: ApiError) -> float:
        """The jittered backoff, at least what Retry-After asks, never above the cap."""
        delay = self._jitter(self._backoffs[attempt - 1])
        if isinstance(error, ApiServerError) and error.retry_after is not None:
            delay = max(delay, error.retry_after)
        return min(delay, self._limits.max_wait)

    def _timeout(self, remaining: float) -> httpx.Timeout:
        limits = self._limits
        read = min(limits.read_timeout, remaining)
        return httpx.Timeout(read, connect=min(limits.connect_timeout, remaining), pool=read)

    def _url(self, path: str) -> str:
        return f"{self.base_url}{self._api_prefix}/{path.lstrip('/')}"

    def _scrub(self, text: str) -> str:
        return scrub(text, self._secrets)

    def _error_for_body(self, response: httpx.Response, url: str) -> ApiError:
        return ApiError(
            f"{url} answered {response.status_code} with a body that is not JSON "
            "(is base_url pointing at the web UI or a proxy login page?)",
            instance=self.instance,
            status=response.status_code,
        )

    def _error_for_transport(
        self, exc: httpx.TransportError | TimeoutError, method: str, url: str, *, probe: bool
    ) -> ApiError:
        limits = self._limits
        if isinstance(exc, httpx.ConnectTimeout):
            return ApiConnectError(
                f"cannot reach {url}: no connection within {limits.connect_timeout:g}s",
                instance=self.instance,
            )
        if isinstance(exc, _NOT_SENT):
            reason = self._scrub(str(exc) or type(exc).__name__)
            hint = "; check base_url and that the server is running" if probe else ""
            return ApiConnectError(f"cannot reach {url}: {reason}{hint}", instance=self.instance)
        sent = method != "GET"
        if isinstance(exc, httpx.TimeoutException | TimeoutError):
            waited = f"no answer within {limits.read_timeout:g}s"
            if sent:
                return ApiTimeoutError(
                    f"{method} {url} timed out after sending ({waited}); the server may have applied "
                    "it, so it is not retried: the next plan reads what it did",
                    instance=self.instance,
                )
            return ApiTimeoutError(f"{method} {url} timed out ({waited})", instance=self.instance)
        reason = self._scrub(str(exc) or type(exc).__name__)
        if sent:
            return ApiConnectError(
                f"{method} {url}: the connection dropped after sending ({reason}); the server may have "
                "applied it, so it is not retried: the next plan reads what it did",
                instance=self.instance,
            )
        return ApiConnectError(f"{method} {url}: the connection dropped ({reason})", instance=self.instance)

    def _error_for_response(self, response: httpx.Response, method: str, url: str) -> ApiError:
        status = response.status_code
        what = f"{method} {url} answered {status}"
        if status in (401, 403):
            detail = "; ".join(self._scrub(m) for m in _server_messages(response))
            meaning = self._auth_messages.get(status, "not authorized")
            message = f"{what}: {meaning}" + (f" (the server says: {detail})" if detail else "")
            return ApiAuthError(message, instance=self.instance, status=status)
        if status == 404:
            return ApiNotFoundError(f"{what}: not found", instance=self.instance, status=status)
        if status in _REJECTED:
            messages = [self._scrub(m) for m in _server_messages(response)]
            return ApiRejectedError(what, instance=self.instance, status=status, messages=messages)
        if status == 429 or status >= 500:
            detail = "; ".join(self._scrub(m) for m in _server_messages(response))
            return ApiServerError(
                f"{what}: {detail}" if detail else what,
                instance=self.instance,
                status=status,
                retry_after=_retry_after(response),
            )
        return ApiError(f"{what}: unexpected status", instance=self.instance, status=status)


async def probed(probe: Awaitable[P], read: Callable[[asyncio.Future[P]], Awaitable[R]]) -> tuple[P, R]:
    """A gateway's probe and its reads in one round trip: `read(probe_future)` is started at
    once and passes the future on as `after` (its failures retry only once the probe
    succeeded). When the probe fails, the reads are cancelled and the probe's error raised."""
    probing = asyncio.ensure_future(probe)
    reading = asyncio.ensure_future(read(probing))
    try:
        answer = await probing
    except BaseException:
        reading.cancel()
        await asyncio.gather(reading, return_exceptions=True)
        raise
    return answer, await reading


async def _succeeded(after: asyncio.Future[Any] | None) -> bool:
    """Wait for `after` (if any); whether it succeeded."""
    if after is None:
        return True
    await asyncio.wait([after])
    return not after.cancelled() and after.exception() is None


def _server_messages(response: httpx.Response) -> list[str]:
    """The server's own words: Servarr validation arrays, `{message}` objects, or short text."""
    try:
        body = response.json()
    except ValueError:
        text = response.text.strip()
        return [text[:200]] if text else []
    if isinstance(body, list):
        messages = []
        for failure in body:
            if isinstance(failure, dict) and failure.get("errorMessage"):
                prop = failure.get("propertyName")
                messages.append(
                    f"{prop}: {failure['errorMessage']}" if prop else str(failure["errorMessage"])
                )
        return messages
    if isinstance(body, dict):
        return [str(body[key]) for key in ("message", "description") if body.get(key)]
    return []


def _retry_after(response: httpx.Response) -> float | None:
    """Seconds asked for by `Retry-After` (delta-seconds or an HTTP date), if any."""
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _has_retry_after(error: ApiError) -> bool:
    return isinstance(error, ApiServerError) and error.retry_after is not None


def _past_deadline(error: ApiError, deadline: float, delay: float) -> ApiError:
    """`error` (a transient one), saying the retry it needed would not fit in the deadline."""
    note = f" (gave up: waiting {delay:g}s more would pass the {deadline:g}s deadline)"
    message = error.detail + note
    if isinstance(error, ApiServerError):
        return ApiServerError(
            message, instance=error.instance, status=error.status, retry_after=error.retry_after
        )
    return type(error)(message, instance=error.instance, status=error.status)


def _with_read_timeout(limits: HttpLimits, timeout: float) -> HttpLimits:
    return HttpLimits(
        connect_timeout=min(limits.connect_timeout, timeout),
        read_timeout=timeout,
        retries=limits.retries,
        max_wait=limits.max_wait,
        deadline=limits.deadline,
    )
