"""The connection tests the simulated servers run when a provider is saved or tested: they
really connect, over HTTP, to whatever the provider's settings point at (another simulated
server, a real qBittorrent, or a closed port).

Owns the client side of three servers' `Test()` methods, step for step and with their
messages:
- qBittorrent (`QBittorrent.Test` of Sonarr/Radarr and Prowlarr): API v2 detection
  (`app/webapiVersion`, where 403 means "v2, log in first"), login (`Fails.`, 401 or 403:
  authentication failure), the missing-category warning, the remove-at-ratio error, creation
  of missing categories (a side effect, with no save path), the queueing check for non-default
  priorities, and the torrent listing;
- Plex (`PlexServerService.Test`): `GET /library/sections` with the token; 401 is a bad token,
  another status or a refused connection is "Unable to connect", and no section of the app's
  type is "At least one TV library is required" / "At least one Movie library is required";
- Newznab/Torznab indexers pointing at Prowlarr: the capabilities request.
Every request is bounded by a short timeout.
"""

from __future__ import annotations

import http
from dataclasses import dataclass
from typing import Any, Literal

import httpx

from syncd.simulator.network import Network
from syncd.simulator.rules import Failure

Json = dict[str, Any]
TIMEOUT = 5.0
REMOVE, DELETE_FILES = 1, 3
MINIMUM_RETENTION_MINUTES = 60 * 24 * 14


def _status_name(code: int) -> str:
    """How .NET prints an `HttpStatusCode`: `NotFound`, `InternalServerError`."""
    try:
        return http.HTTPStatus(code).phrase.replace(" ", "").replace("-", "")
    except ValueError:
        return str(code)


class _AuthFailed(Exception):
    pass


class _Unreachable(Exception):
    pass


@dataclass(frozen=True)
class QbittorrentFlavour:
    """What differs between the apps' qBittorrent clients."""

    app: Literal["sonarr", "radarr", "prowlarr"]
    category: str
    imported_category: str | None
    recent_priority: str
    older_priority: str | None
    auth_failure: str = "Authentication Failure"
    queueing_failure: str = "Queueing Not Enabled"
    category_failure: str = "Configuration of category failed"
    warns_and_checks_ratio: bool = True
    """Sonarr/Radarr warn about an empty category and refuse remove-at-ratio; Prowlarr does not."""

    @property
    def app_name(self) -> str:
        return self.app.capitalize()


SONARR_QBT = QbittorrentFlavour(
    "sonarr", "tvCategory", "tvImportedCategory", "recentTvPriority", "olderTvPriority"
)
RADARR_QBT = QbittorrentFlavour(
    "radarr", "movieCategory", "movieImportedCategory", "recentMoviePriority", "olderMoviePriority"
)
PROWLARR_QBT = QbittorrentFlavour(
    "prowlarr",
    "category",
    None,
    "priority",
    None,
    auth_failure="Authentication failure",
    queueing_failure="Queueing not enabled",
    category_failure="Configuration of label failed",
    warns_and_checks_ratio=False,
)


class _Qbittorrent:
    """`QBittorrentProxyV2` as the servers drive it: a session cookie cached per test."""

    def __init__(self, network: Network, settings: Json) -> None:
        self._settings = settings
        self._base = network.base_url(
            ssl=bool(settings.get("useSsl")),
            host=str(settings.get("host") or ""),
            port=int(settings.get("port") or 0),
            url_base=settings.get("urlBase"),
        )
        headers = {}
        if settings.get("apiKey"):
            headers["Authorization"] = f"Bearer {settings['apiKey']}"
        self._http = httpx.Client(base_url=self._base, timeout=TIMEOUT, headers=headers)
        self._logged_in = False

    def close(self) -> None:
        self._http.close()

    def _has_credentials(self) -> bool:
        return bool(self._settings.get("username")) and bool(self._settings.get("password"))

    def api_supported(self) -> None:
        """`IsApiSupported`: no login needed; 404 means an API v1 server."""
        try:
            response = self._http.get("/api/v2/app/webapiVersion")
        except httpx.HTTPError as exc:
            raise _Unreachable("Failed to connect to qBittorrent, check your settings.") from exc
        if response.status_code == 404:
            raise _Unreachable("Unable to determine qBittorrent API version")
        if response.status_code == 401:
            raise _Unreachable(
                "Failed to connect to qBittorrent. Check your settings and qBittorrent configuration."
            )
        if response.status_code >= 400 and response.status_code != 403:
            raise _Unreachable("Failed to connect to qBittorrent, check your settings.")

    def _login(self) -> None:
        if not self._has_credentials():
            raise _AuthFailed("Failed to authenticate with qBittorrent.")
        try:
            response = self._http.post(
                "/api/v2/auth/login",
                data={"username": self._settings["username"], "password": self._settings["password"]},
            )
        except httpx.HTTPError as exc:
            raise _Unreachable("Failed to connect to qBittorrent, please check your settings.") from exc
        if response.status_code in (401, 403):
            raise _AuthFailed("Failed to authenticate with qBittorrent.")
        if response.status_code >= 400:
            raise _Unreachable("Failed to connect to qBittorrent, please check your settings.")
        if response.text.strip() and response.text != "Ok.":
            raise _AuthFailed("Failed to authenticate with qBittorrent.")
        self._logged_in = True

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """`ProcessRequest`: an API key or a session; a 403 logs in again once."""
        try:
            if self._settings.get("apiKey"):
                response = self._http.request(method, path, **kwargs)
                if response.status_code in (401, 403):
                    raise _AuthFailed("Failed to authenticate with qBittorrent.")
            else:
                if self._has_credentials() and not self._logged_in:
                    self._login()
                response = self._http.request(method, path, **kwargs)
                if response.status_code == 403:
                    self._login()
                    response = self._http.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise _Unreachable("Failed to connect to qBittorrent, please check your settings.") from exc
        if response.status_code >= 400:
            raise _Unreachable("Failed to connect to qBittorrent, check your settings.")
        return response


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.strip().split(".") if part.isdigit())


def _removes_completed(preferences: Json) -> bool:
    ratio = bool(preferences.get("max_ratio_enabled"))
    seeding = bool(preferences.get("max_seeding_time_enabled")) and (
        int(preferences.get("max_seeding_time") or 0) < MINIMUM_RETENTION_MINUTES
    )
    return (ratio or seeding) and preferences.get("max_ratio_act") in (REMOVE, DELETE_FILES)


def qbittorrent_test(flavour: QbittorrentFlavour, network: Network, settings: Json) -> list[Failure]:
    """`QBittorrent.Test()`: TestConnection, then TestCategory, TestPrioritySupport and
    TestGetTorrents unless the connection test found an error."""
    client = _Qbittorrent(network, settings)
    try:
        failures = _test_connection(flavour, client, settings)
        if any(not f.warning for f in failures):
            return failures
        for step in (_test_category, _test_priority, _test_torrents):
            failure = step(flavour, client, settings)
            if failure is not None:
                failures.append(failure)
        return failures
    finally:
        client.close()


def _unable(detail: str) -> Failure:
    return Failure("Host", "Unable to connect to qBittorrent", detail=detail)


def _test_connection(flavour: QbittorrentFlavour, client: _Qbittorrent, settings: Json) -> list[Failure]:
    category = settings.get(flavour.category)
    try:
        client.api_supported()
        version = _version(client.request("GET", "/api/v2/app/webapiVersion").text)
        if version < (1, 5):
            return [
                Failure(
                    "Host",
                    f"qBittorrent version should be at least 3.2.4. Version reported is {'.'.join(map(str, version))}",
                )
            ]
        if not category:
            detail = f"{flavour.app_name} will not attempt to import completed downloads without a category."
            return [
                Failure(
                    flavour.category[0].upper() + flavour.category[1:],
                    "Category is recommended",
                    warning=True,
                    detail=detail,
                )
            ]
        preferences = client.request("GET", "/api/v2/app/preferences").json()
        if _removes_completed(preferences):
            return [
                Failure(
                    "", "qBittorrent is configured to remove torrents when they reach their Share Ratio Limit"
                )
            ]
    except _AuthFailed:
        field = "ApiKey" if settings.get("apiKey") else "Username"
        detail = (
            f"Please verify your credentials. Also verify if the host running {flavour.app_name} isn't "
            "blocked from accessing qBittorrent by WhiteList limitations in the qBittorrent configuration."
        )
        if flavour.app == "prowlarr":
            field, detail = "Username", "Please verify your username and password."
        return [Failure(field, flavour.auth_failure, detail=detail)]
    except _Unreachable as exc:
        return [_unable(str(exc))]
    except ValueError as exc:
        return [Failure("", f"Unknown exception: {exc}")]
    return []


def _test_category(flavour: QbittorrentFlavour, client: _Qbittorrent, settings: Json) -> Failure | None:
    """Missing categories are created, with no save path (the side effect users meet)."""
    wanted = [settings.get(flavour.category)]
    if flavour.imported_category is not None:
        wanted.append(settings.get(flavour.imported_category))
    names = [name for name in wanted if name]
    if not names:
        return None
    try:
        labels = client.request("GET", "/api/v2/torrents/categories").json()
        for field_name, name in zip((flavour.category, flavour.imported_category), wanted, strict=False):
            if not name or name in labels:
                continue
            client.request("POST", "/api/v2/torrents/createCategory", data={"category": name})
            labels = client.request("GET", "/api/v2/torrents/categories").json()
            if name not in labels:
                property_name = str(field_name)[0].upper() + str(field_name)[1:]
                return Failure(property_name, flavour.category_failure)
    except (_Unreachable, _AuthFailed, ValueError) as exc:
        return Failure("", f"Unknown exception: {exc}")
    return None


def _test_priority(flavour: QbittorrentFlavour, client: _Qbittorrent, settings: Json) -> Failure | None:
    recent_default = settings.get(flavour.recent_priority) == 0
    older_default = flavour.older_priority is None or settings.get(flavour.older_priority) == 0
    if recent_default and older_default:
        return None
    try:
        preferences = client.request("GET", "/api/v2/app/preferences").json()
    except (_Unreachable, _AuthFailed, ValueError) as exc:
        return Failure("", f"Unknown exception: {exc}")
    if preferences.get("queueing_enabled"):
        return None
    field_name = flavour.recent_priority if not recent_default else str(flavour.older_priority)
    return Failure(field_name[0].upper() + field_name[1:], flavour.queueing_failure)


def _test_torrents(flavour: QbittorrentFlavour, client: _Qbittorrent, settings: Json) -> Failure | None:
    params = {"category": settings[flavour.category]} if settings.get(flavour.category) else {}
    try:
        client.request("GET", "/api/v2/torrents/info", params=params).json()
    except (_Unreachable, _AuthFailed, ValueError) as exc:
        return Failure("", f"Failed to get the list of torrents: {exc}")
    return None


def plex_test(app: Literal["sonarr", "radarr"], network: Network, settings: Json) -> list[Failure]:
    """`PlexServerService.Test`: the app's library sections must exist."""
    base = network.base_url(
        ssl=bool(settings.get("useSsl")),
        host=str(settings.get("host") or ""),
        port=int(settings.get("port") or 0),
        url_base=settings.get("urlBase"),
    )
    params = {"X-Plex-Client-Identifier": f"syncd-simulated-{app}", "X-Plex-Product": app.capitalize()}
    if settings.get("authToken"):
        params["X-Plex-Token"] = settings["authToken"]
    try:
        response = httpx.get(
            f"{base}/library/sections", params=params, headers={"Accept": "application/json"}, timeout=TIMEOUT
        )
    except httpx.HTTPError as exc:
        message = f"Unable to connect to Plex Media Server, {exc}"
        return [Failure("Host", f"Unable to connect: {message}")]
    if response.status_code == 401:
        return [Failure("AuthToken", "Authentication Token is invalid")]
    if response.status_code >= 400:
        message = f"Unable to connect to Plex Media Server. Status Code: {_status_name(response.status_code)}"
        return [Failure("Host", f"Unable to connect: {message}")]
    try:
        container = response.json()["MediaContainer"]
        sections = container.get("Directory") or []
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        return [Failure("Host", "Unable to connect to Plex Media Server", detail=str(exc))]
    wanted = "show" if app == "sonarr" else "movie"
    if not any(isinstance(s, dict) and s.get("type") == wanted for s in sections):
        library = "TV" if app == "sonarr" else "Movie"
        return [Failure("Host", f"At least one {library} library is required")]
    return []


def newznab_test(network: Network, settings: Json) -> list[Failure]:
    """The indexer test of a Newznab/Torznab feed: its capabilities must answer."""
    base = network.url(str(settings.get("baseUrl") or "").rstrip("/"))
    api_path = str(settings.get("apiPath") or "/api")
    params = {"t": "caps"}
    if settings.get("apiKey"):
        params["apikey"] = settings["apiKey"]
    try:
        response = httpx.get(base + api_path, params=params, timeout=TIMEOUT)
    except httpx.HTTPError as exc:
        return [
            Failure(
                "",
                f"Unable to connect to indexer, check the log above the ValidationFailure for more details. {exc}",
            )
        ]
    if response.status_code == 401:
        return [Failure("ApiKey", "Invalid API Key")]
    if response.status_code >= 400 or "<caps" not in response.text:
        return [
            Failure("", f"Unable to connect to indexer. Status Code: {_status_name(response.status_code)}")
        ]
    return []
