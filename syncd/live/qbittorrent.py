"""The gateway to one qBittorrent WebUI (API v2, 4.5 through 5.x): log in, read what the
resource kinds ask for, send the writes they build.

HTTP, retries and error translation are `syncd.live.http.ApiClient`'s, pointed at `/api/v2` with
`Referer`/`Origin` headers equal to `base_url` (qBittorrent answers 401 to a request whose origin
does not match the host it was sent to: CSRF protection). With a username and password the
gateway logs in once, on first use (`auth/login` sets the `SID` cookie the client keeps). A
refused login is never sent again (qBittorrent bans an IP after 5 failures): the gateway notes
a hash of the server and credentials in `refused`, a set the caller may share between gateways
(the daemon keeps one per process, so an hourly cycle does not walk into the ban; other
credentials, from a fixed config, are tried). Without credentials it relies on qBittorrent's
WebUI auth subnet whitelist.

`read(paths)` GETs the kinds' collections concurrently (`app/preferences`, and
`torrents/categories` only when the config has categories); `send(request)` POSTs a kind's
write as an url-encoded form, the only body the WebUI API takes (`app/setPreferences` with
its `json` field, `torrents/createCategory`, ...).
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Mapping, MutableSet, Sequence
from typing import Any

import httpx

from syncd.errors import ApiAuthError, ApiError
from syncd.kinds.base import Request
from syncd.live.http import DEFAULT_LIMITS, ApiClient, HttpLimits

API_PREFIX = "/api/v2"
# What 401/403 mean on qBittorrent's API outside of a login (where they mean bad credentials / a ban).
AUTH_MESSAGES = {
    401: (
        "request refused by qBittorrent's CSRF or Host-header check "
        "(base_url must be the address syncd reaches it at; see web_ui_domain_list)"
    ),
    403: (
        "not logged in: set 'username' and 'password' for this instance, "
        "or add syncd's network to qBittorrent's WebUI auth subnet whitelist"
    ),
}


def client(
    base_url: str,
    *,
    instance: str,
    password: str | None,
    transport: httpx.AsyncBaseTransport | None = None,
    limits: HttpLimits = DEFAULT_LIMITS,
    timeout: float | None = None,
    backoffs: Sequence[float] | None = None,
) -> ApiClient:
    """An `ApiClient` for qBittorrent's WebUI API; the password is scrubbed from every error."""
    url = httpx.URL(base_url.rstrip("/") + "/")
    origin = f"{url.scheme}://{url.netloc.decode('ascii')}"
    return ApiClient(
        base_url,
        instance=instance,
        transport=transport,
        limits=limits,
        timeout=timeout,
        backoffs=backoffs,
        api_prefix=API_PREFIX,
        headers={"Referer": str(url), "Origin": origin},
        secrets=(password,) if password else (),
        auth_messages=AUTH_MESSAGES,
    )


class QbittorrentGateway:
    def __init__(
        self,
        client: ApiClient,
        *,
        name: str,
        username: str | None = None,
        password: str | None = None,
        refused: MutableSet[str] | None = None,
    ) -> None:
        self.client = client
        self.name = name
        self._credentials = (username, password) if username is not None and password is not None else None
        self._logged_in = False
        self._refused = refused if refused is not None else set()

    @property
    def address(self) -> str:
        return f"qbittorrent.{self.name}"

    async def read(self, paths: Sequence[str]) -> dict[str, Any]:
        """The decoded replies of `paths` (read concurrently, after the login)."""
        await self._login()
        replies = await asyncio.gather(*(self.client.get(path) for path in paths))
        return dict(zip(paths, replies, strict=True))

    async def send(self, request: Request) -> str:
        """One write a resource kind built (a form POST); the server's answer as text."""
        if request.method != "POST" or not isinstance(request.body, Mapping):
            raise ApiError(
                f"{request.method} {request.path}: qBittorrent's WebUI API takes only form POSTs",
                instance=self.address,
            )
        await self._login()
        return await self.client.post_form(request.path, {k: str(v) for k, v in request.body.items()})

    async def _login(self) -> None:
        if self._credentials is None or self._logged_in:
            return
        username, password = self._credentials
        attempt = hashlib.sha256(f"{self.client.base_url}\0{username}\0{password}".encode()).hexdigest()
        if attempt in self._refused:
            raise self._bad_credentials(
                None, retry="not sent again: it was refused before; syncd tries once the credentials change"
            )
        try:
            answer = await self.client.post_form("auth/login", {"username": username, "password": password})
        except ApiAuthError as exc:
            self._refused.add(attempt)
            raise (self._ban() if exc.status == 403 else self._bad_credentials(exc.status)) from exc
        if answer.strip() != "Ok.":
            self._refused.add(attempt)
            raise self._bad_credentials(200)
        self._logged_in = True

    def _ban(self) -> ApiAuthError:
        return ApiAuthError(
            "qBittorrent has banned syncd's IP address after too many failed logins "
            "(web_ui_max_auth_fail_count); fix the credentials, then wait web_ui_ban_duration "
            "or restart qBittorrent",
            instance=self.address,
            status=403,
        )

    def _bad_credentials(
        self, status: int | None, *, retry: str = "5 failures in a row get syncd's IP banned for an hour"
    ) -> ApiAuthError:
        return ApiAuthError(
            f"qBittorrent at {self.client.base_url} refused the login of user {self._user!r}: "
            f"wrong username or password ({retry})",
            instance=self.address,
            status=status,
        )

    @property
    def _user(self) -> str:
        return self._credentials[0] if self._credentials else ""
