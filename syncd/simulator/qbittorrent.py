"""A simulated qBittorrent 5.x WebUI (API v2) speaking real HTTP on loopback.

Owns the part of the WebUI API syncd uses, with the real server's rules: `auth/login` (POST
form `username`/`password`; `Ok.` and a `SID` cookie, or `Fails.` with 200 before 5.2 and 401
from 5.2; after `web_ui_max_auth_fail_count` failures the IP is banned: 403), login required
for everything else when credentials are set (403 without a session; no credentials stands for
the WebUI auth subnet whitelist), `app/preferences` (never returns `web_ui_password`),
`app/setPreferences` (POST only, form field `json`, only the keys sent change, unknown keys
ignored), `app/version`, and CSRF protection (an `Origin`/`Referer` whose host differs from the
`Host` header: 401). From 5.2 a bearer API key (`Authorization: Bearer qbt_...`) stands for a
session. Categories: `torrents/categories`, `torrents/createCategory`,
`torrents/editCategory` and `torrents/removeCategories` (POST only) with the rules of
`TorrentsController` and `SessionImpl`, their messages and status codes; `torrents/info`
(no torrents). Failure injection and a record of every request, as `SimulatedServarr`.
"""

from __future__ import annotations

import copy
import json
import secrets
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from syncd.simulator.loopback import LoopbackServer
from syncd.simulator.qbittorrent_categories import Categories, CategoryError
from syncd.simulator.qbittorrent_data import DEFAULT_PREFERENCES

WEBAPI_VERSION = "2.11.4"
POST_ONLY = frozenset(
    {
        "/api/v2/auth/login",
        "/api/v2/auth/logout",
        "/api/v2/app/setPreferences",
        "/api/v2/torrents/createCategory",
        "/api/v2/torrents/editCategory",
        "/api/v2/torrents/removeCategories",
    }
)
BANNED = "Your IP address has been banned after too many failed authentication attempts."


@dataclass(frozen=True)
class QbittorrentRequest:
    """One request the server answered; `form` is the decoded POST form (secrets included)."""

    method: str
    path: str
    form: dict[str, str]
    status: int


@dataclass(frozen=True)
class _Answer:
    status: int
    body: str = ""
    content_type: str = "text/plain; charset=UTF-8"
    cookie: str | None = None


@dataclass
class _Injection:
    remaining: int
    status: int
    path_prefix: str
    method: str | None


def _json(value: Any) -> _Answer:
    return _Answer(200, json.dumps(value), "application/json")


class SimulatedQbittorrent(LoopbackServer):
    """A qBittorrent on `http://127.0.0.1:<port>`. `preferences` is its live configuration:
    tests may edit it to mimic a change made in the WebUI. `password` is what a login needs
    (setting `web_ui_password` changes it, as on the real server)."""

    def __init__(
        self,
        *,
        username: str | None = None,
        password: str | None = None,
        version: str = "5.1.4",
        api_key: str | None = None,
    ) -> None:
        self.version = version
        self.username = username
        self.password = password
        self.api_key = api_key
        self.preferences: dict[str, Any] = copy.deepcopy(DEFAULT_PREFERENCES)
        self.categories = Categories(version, lambda: bool(self.preferences.get("use_subcategories")))
        if username is not None:
            self.preferences["web_ui_username"] = username
        self.requests: list[QbittorrentRequest] = []
        self.failed_logins = 0
        self._sessions: set[str] = set()
        self._lock = threading.Lock()
        self._injections: list[_Injection] = []
        super().__init__()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        return _make_handler(self)

    def _thread_name(self) -> str:
        return "simulated-qbittorrent"

    # ------------------------------------------------------------ test hooks

    def fail_next(
        self, count: int, status: int = 500, *, path_prefix: str = "", method: str | None = None
    ) -> None:
        """Answer the next `count` matching requests with `status`, without touching the state."""
        with self._lock:
            self._injections.append(_Injection(count, status, path_prefix, method))

    def writes(self) -> list[QbittorrentRequest]:
        """The requests that changed preferences."""
        return [r for r in self.requests if r.path == "/api/v2/app/setPreferences" and r.status == 200]

    def category_writes(self) -> list[QbittorrentRequest]:
        """The answered requests that create, edit or remove categories."""
        paths = (
            "/api/v2/torrents/createCategory",
            "/api/v2/torrents/editCategory",
            "/api/v2/torrents/removeCategories",
        )
        return [r for r in self.requests if r.path in paths]

    # -------------------------------------------------------------- serving

    def answer(self, method: str, path: str, headers: Any, form: dict[str, str]) -> _Answer:
        with self._lock:
            for injection in self._injections:
                wanted = injection.method in (None, method) and path.startswith(injection.path_prefix)
                if wanted and injection.remaining > 0:
                    injection.remaining -= 1
                    return _Answer(injection.status, "injected failure")
            if not _same_origin(headers):
                return _Answer(401, "Unauthorized")
            if path in POST_ONLY and method != "POST":
                return _Answer(405, "Method Not Allowed")
            if path == "/api/v2/auth/login":
                return self._login(form)
            if self.username is not None and not self._authenticated(headers):
                return _Answer(403, "Forbidden")
            return self._route(method, path, form)

    def _authenticated(self, headers: Any) -> bool:
        bearer = str(headers.get("Authorization", ""))
        if (
            self.api_key is not None
            and _at_least(self.version, (5, 2))
            and bearer == f"Bearer {self.api_key}"
        ):
            return True
        return _session_id(headers) in self._sessions

    def _login(self, form: dict[str, str]) -> _Answer:
        if self.failed_logins >= int(self.preferences["web_ui_max_auth_fail_count"]):
            return _Answer(403, BANNED)
        if self.username is None or (form.get("username"), form.get("password")) == (
            self.username,
            self.password,
        ):
            self.failed_logins = 0
            session = secrets.token_urlsafe(24)
            self._sessions.add(session)
            return _Answer(200, "Ok.", cookie=f"SID={session}; HttpOnly; SameSite=Strict; path=/")
        self.failed_logins += 1
        return _Answer(401 if _at_least(self.version, (5, 2)) else 200, "Fails.")

    def _route(self, method: str, path: str, form: dict[str, str]) -> _Answer:
        if (method, path) == ("GET", "/api/v2/app/version"):
            return _Answer(200, f"v{self.version}")
        if (method, path) == ("GET", "/api/v2/app/webapiVersion"):
            return _Answer(200, WEBAPI_VERSION)
        if (method, path) == ("GET", "/api/v2/app/preferences"):
            return _json(self.preferences)
        if (method, path) == ("POST", "/api/v2/app/setPreferences"):
            return self._set_preferences(form)
        if (method, path) == ("GET", "/api/v2/torrents/info"):
            return _json([])
        if (method, path) == ("GET", "/api/v2/torrents/categories"):
            return _json(self.categories.to_json())
        actions = {
            "/api/v2/torrents/createCategory": self.categories.create,
            "/api/v2/torrents/editCategory": self.categories.edit,
            "/api/v2/torrents/removeCategories": self.categories.remove,
        }
        if method == "POST" and path in actions:
            try:
                actions[path](form)
            except CategoryError as error:
                return _Answer(error.status, error.message)
            return _Answer(200)
        return _Answer(404, "Not Found")

    def _set_preferences(self, form: dict[str, str]) -> _Answer:
        if "json" not in form:
            return _Answer(400, "Missing required parameters")
        try:
            changes = json.loads(form["json"])
        except ValueError:
            return _Answer(400, "Invalid JSON")
        if not isinstance(changes, dict):
            return _Answer(400, "Invalid JSON")
        for key, value in changes.items():
            if key == "web_ui_password":
                self.password = str(value)
            elif key in self.preferences and key != "current_interface_name":
                self.preferences[key] = value
        return _Answer(200)

    def record(self, request: QbittorrentRequest) -> None:
        with self._lock:
            self.requests.append(request)


def _at_least(version: str, floor: tuple[int, int]) -> bool:
    parts = tuple(int(p) for p in version.split(".")[:2] if p.isdigit())
    return parts >= floor


def _same_origin(headers: Any) -> bool:
    """qBittorrent's CSRF check: a given Origin or Referer must name the host the request went to."""
    host = str(headers.get("Host", ""))
    for name in ("Origin", "Referer"):
        value = headers.get(name)
        if value and urlsplit(value).netloc != host:
            return False
    return True


def _session_id(headers: Any) -> str | None:
    for part in str(headers.get("Cookie", "")).split(";"):
        key, _, value = part.strip().partition("=")
        if key == "SID":
            return value
    return None


def _make_handler(simulator: SimulatedQbittorrent) -> type[BaseHTTPRequestHandler]:
    class _Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        timeout = 10

        def log_message(self, format: str, *args: Any) -> None:
            """Stay silent: tests and the demo own the terminal."""

        def _serve(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode() if length else ""
            form = dict(parse_qsl(raw, keep_blank_values=True))
            answer = simulator.answer(self.command, parts.path, self.headers, form)
            simulator.record(QbittorrentRequest(self.command, parts.path, form, answer.status))
            payload = answer.body.encode()
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.content_type)
            if answer.cookie:
                self.send_header("Set-Cookie", answer.cookie)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = _serve

    return _Handler
