"""The gateway to one qBittorrent 5.x WebUI (API v2): log in, read the preferences, write the changed ones.

HTTP, retries and error translation are `syncd.live.http.ApiClient`'s, pointed at `/api/v2` with
`Referer`/`Origin` headers equal to `base_url` (qBittorrent answers 401 to a request whose origin
does not match the host it was sent to: CSRF protection). With a username and password the
gateway logs in once, on first use (`auth/login` sets the `SID` cookie the client keeps);
without them it relies on qBittorrent's WebUI auth subnet whitelist.

Requests: a plan is one GET `app/preferences` (after one POST `auth/login` when credentials are
configured); an apply is one POST `app/setPreferences` whose form field `json` holds only the
changed keys (qBittorrent updates just those).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from syncd.errors import ApiAuthError, ApiError
from syncd.live.http import DEFAULT_LIMITS, ApiClient, HttpLimits
from syncd.live.servarr import fingerprint

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


@dataclass(frozen=True)
class LivePreferences:
    """Every preference the server returned, and a hash that changes when any of them does."""

    preferences: Mapping[str, Any]
    fingerprint: str


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
        self, client: ApiClient, *, name: str, username: str | None = None, password: str | None = None
    ) -> None:
        self.client = client
        self.name = name
        self._credentials = (username, password) if username is not None and password is not None else None
        self._logged_in = False

    @property
    def address(self) -> str:
        return f"qbittorrent.{self.name}"

    async def fetch(self) -> LivePreferences:
        await self._login()
        raw = await self.client.get("app/preferences")
        if not isinstance(raw, dict):
            raise ApiError(
                f"{self.client.base_url} did not answer app/preferences with a JSON object; "
                f"is base_url of {self.address} a qBittorrent WebUI?",
                instance=self.address,
            )
        return LivePreferences(preferences=raw, fingerprint=fingerprint(raw))

    async def set_preferences(self, changed: Mapping[str, Any]) -> None:
        """One POST of only the keys in `changed`."""
        await self._login()
        await self.client.post_form("app/setPreferences", {"json": json.dumps(dict(changed))})

    async def _login(self) -> None:
        if self._credentials is None or self._logged_in:
            return
        username, password = self._credentials
        try:
            answer = await self.client.post_form("auth/login", {"username": username, "password": password})
        except ApiAuthError as exc:
            if exc.status == 403:
                raise ApiAuthError(
                    "qBittorrent has banned syncd's IP address after too many failed logins "
                    "(web_ui_max_auth_fail_count); fix the credentials, then wait web_ui_ban_duration "
                    "or restart qBittorrent",
                    instance=self.address,
                    status=403,
                ) from exc
            raise self._bad_credentials(exc.status) from exc
        if answer.strip() != "Ok.":
            raise self._bad_credentials(200)
        self._logged_in = True

    def _bad_credentials(self, status: int | None) -> ApiAuthError:
        return ApiAuthError(
            f"qBittorrent at {self.client.base_url} refused the login of user {self._user!r}: "
            "wrong username or password (5 failures in a row get syncd's IP banned for an hour)",
            instance=self.address,
            status=status,
        )

    @property
    def _user(self) -> str:
        return self._credentials[0] if self._credentials else ""
