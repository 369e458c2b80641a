"""One HTTP client per server instance (Sonarr/Radarr, qBittorrent): requests, retries and
error translation.

`ApiClient` is the only place that touches httpx. Every failure leaves it as a
`syncd.errors.ApiError`, built by the `_error_for_*` methods and raised only in
`ApiClient._request` with `raise ... from exc`, so callers never see httpx's exception types.

Retries (kopf `api.request` style, backoffs from the caller, sleep injectable for tests):

* GETs retry every transient failure (unreachable, timeouts, 5xx, 429) over `backoffs`, and
  wait at least as long as a `Retry-After` header asks.
* Writes (POST/PUT/DELETE) are retried only when the connection was never established
  (`httpx.ConnectError`, `ConnectTimeout`, `PoolTimeout`): the server cannot have seen the
  request. After a read timeout or a 5xx the write may already have been applied (a POST
  would create a duplicate custom format, a PUT could race a user's edit), so the error goes
  to the caller, which re-plans from fresh live state instead of guessing.

The API key travels only in the `X-Api-Key` header. It is never logged, and any text that
leaves this module (exception messages, log fields) is scrubbed of it and of every other secret
the client was given (a qBittorrent password sent in a login form).
"""

from __future__ import annotations

import asyncio
import email.utils
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import UTC, datetime
from types import TracebackType
from typing import Any

import httpx
import structlog

from syncd.errors import (
    ApiAuthError,
    ApiConnectError,
    ApiError,
    ApiNotFoundError,
    ApiRejectedError,
    ApiServerError,
)

DEFAULT_BACKOFFS: tuple[float, ...] = (0.5, 1.0, 2.0, 4.0)
DEFAULT_TIMEOUT = 30.0
API_PREFIX = "/api/v3"

# httpx errors raised before any byte of the request reached the server: safe to retry writes.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
_REJECTED = {400, 409, 422}
_REDACTED = "[redacted]"

log = structlog.get_logger(__name__)

Sleep = Callable[[float], Awaitable[None]]


class ApiClient:
    """Talks to one server under `<base_url><api_prefix>` (Sonarr/Radarr: `/api/v3`).

    Paths are relative to the API prefix (`client.get("customformat")`). Bodies are decoded
    JSON (`None` for an empty body); `post_form` returns the body as text. `stats` counts the
    HTTP requests sent per method, retries included. Without an `api_key` no `X-Api-Key` header
    is sent; `headers` are added to every request, cookies a server sets are kept for the
    client's lifetime, and `auth_messages` says what a 401/403 means for this kind of server.

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
        timeout: float = DEFAULT_TIMEOUT,
        backoffs: Sequence[float] = DEFAULT_BACKOFFS,
        sleep: Sleep = asyncio.sleep,
        api_prefix: str = API_PREFIX,
        headers: Mapping[str, str] | None = None,
        secrets: Sequence[str] = (),
        auth_messages: Mapping[int, str] | None = None,
    ) -> None:
        self.instance = instance
        self.base_url = base_url.rstrip("/")
        self.stats: Counter[str] = Counter()
        self._api_prefix = api_prefix
        self._secrets = tuple(s for s in (api_key, *secrets) if s)
        self._auth_messages = auth_messages or {401: "API key rejected", 403: "API key rejected"}
        self._backoffs = tuple(backoffs)
        self._sleep = sleep
        self._client = httpx.AsyncClient(
            base_url=self.base_url + api_prefix,
            headers={
                "Accept": "application/json",
                **({"X-Api-Key": api_key} if api_key else {}),
                **(headers or {}),
            },
            timeout=timeout,
            transport=transport,
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

    async def get(self, path: str) -> Any:
        return await self._request("GET", path)

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
    ) -> Any:
        url = self._url(path)
        attempt = 0
        while True:
            attempt += 1
            cause: httpx.HTTPError | None = None
            self.stats[method] += 1
            try:
                response = await self._client.request(method, path, json=body, data=form)
            except httpx.TransportError as exc:
                cause = exc
                error: ApiError = self._error_for_transport(exc, url)
                retryable = method == "GET" or isinstance(exc, _NOT_SENT)
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
                retryable = method == "GET" and error.transient
            if not retryable or attempt > len(self._backoffs):
                raise error from cause
            delay = self._backoffs[attempt - 1]
            if isinstance(error, ApiServerError) and error.retry_after is not None:
                delay = max(delay, error.retry_after)
            log.warning(
                "api.retry",
                instance=self.instance,
                method=method,
                path=path,
                attempt=attempt,
                attempts=len(self._backoffs) + 1,
                delay=delay,
                error=str(error),
            )
            await self._sleep(delay)

    def _url(self, path: str) -> str:
        return f"{self.base_url}{self._api_prefix}/{path.lstrip('/')}"

    def _scrub(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, _REDACTED)
        return text

    def _error_for_body(self, response: httpx.Response, url: str) -> ApiError:
        return ApiError(
            f"{url} answered {response.status_code} with a body that is not JSON "
            "(is base_url pointing at the web UI or a proxy login page?)",
            instance=self.instance,
            status=response.status_code,
        )

    def _error_for_transport(self, exc: httpx.TransportError, url: str) -> ApiError:
        if isinstance(exc, httpx.TimeoutException):
            reason = f"timed out ({type(exc).__name__})"
        else:
            reason = str(exc) or type(exc).__name__
        return ApiConnectError(f"cannot reach {url}: {self._scrub(reason)}", instance=self.instance)

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
