"""A simulated Sonarr v4 / Radarr v5 speaking real HTTP on loopback.

Owns the HTTP side: a stdlib `ThreadingHTTPServer` on 127.0.0.1 (OS-chosen port) in a daemon
thread, API-key authentication, routing of the `/api/v3` endpoints to `ServarrState`, status
codes (201 on POST, 202 on PUT, 400 validation arrays, 401 with an empty body, 404), the
`X-Application-Version` header, optional per-request latency, an optional request-body
validator, failure injection and a record of every request. Used by tests and `syncd demo`.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import Any, Literal
from urllib.parse import parse_qsl, urlsplit

from syncd.simulator.loopback import LoopbackServer
from syncd.simulator.rules import Failure, Rejection
from syncd.simulator.state import ServarrState

RequestValidator = Callable[[str, str, Any], None]
_NO_BODY = object()


@dataclass(frozen=True)
class RecordedRequest:
    """One request the server answered."""

    method: str
    path: str
    query: dict[str, str]
    json: Any
    status: int


@dataclass
class _Injection:
    remaining: int
    status: int
    path_prefix: str
    retry_after: int | None
    method: str | None


@dataclass(frozen=True)
class _Answer:
    status: int
    body: Any = _NO_BODY
    headers: tuple[tuple[str, str], ...] = ()


Handler = Callable[[ServarrState, dict[str, int], Any], _Answer]


def _ok(value: Any) -> _Answer:
    return _Answer(200, value)


def _routes() -> list[tuple[str, str, Handler]]:
    """(method, path template, handler); `{id}` matches an integer."""

    def deleted(action: Callable[[], None]) -> _Answer:
        action()
        return _Answer(200)

    return [
        ("GET", "/api/v3/system/status", lambda s, p, b: _ok(s.system_status())),
        ("GET", "/api/v3/customformat", lambda s, p, b: _ok(s.list_custom_formats())),
        ("POST", "/api/v3/customformat", lambda s, p, b: _Answer(201, s.create_custom_format(b))),
        ("GET", "/api/v3/customformat/{id}", lambda s, p, b: _ok(s.get_custom_format(p["id"]))),
        (
            "PUT",
            "/api/v3/customformat/{id}",
            lambda s, p, b: _Answer(202, s.update_custom_format(p["id"], b)),
        ),
        (
            "DELETE",
            "/api/v3/customformat/{id}",
            lambda s, p, b: deleted(lambda: s.delete_custom_format(p["id"])),
        ),
        ("GET", "/api/v3/qualityprofile", lambda s, p, b: _ok(s.list_profiles())),
        ("POST", "/api/v3/qualityprofile", lambda s, p, b: _Answer(201, s.create_profile(b))),
        ("GET", "/api/v3/qualityprofile/schema", lambda s, p, b: _ok(s.profile_schema())),
        ("GET", "/api/v3/qualityprofile/{id}", lambda s, p, b: _ok(s.get_profile(p["id"]))),
        ("PUT", "/api/v3/qualityprofile/{id}", lambda s, p, b: _Answer(202, s.update_profile(p["id"], b))),
        ("DELETE", "/api/v3/qualityprofile/{id}", lambda s, p, b: deleted(lambda: s.delete_profile(p["id"]))),
        ("GET", "/api/v3/qualitydefinition", lambda s, p, b: _ok(s.list_definitions())),
        ("GET", "/api/v3/qualitydefinition/limits", lambda s, p, b: _ok(s.size_limits())),
        ("PUT", "/api/v3/qualitydefinition/update", lambda s, p, b: _Answer(202, s.update_definitions(b))),
        ("GET", "/api/v3/qualitydefinition/{id}", lambda s, p, b: _ok(s.get_definition(p["id"]))),
        (
            "PUT",
            "/api/v3/qualitydefinition/{id}",
            lambda s, p, b: _Answer(202, s.update_definition(p["id"], b)),
        ),
        ("GET", "/api/v3/config/naming", lambda s, p, b: _ok(s.get_naming())),
        ("PUT", "/api/v3/config/naming/{id}", lambda s, p, b: _Answer(202, s.put_naming(b))),
        ("GET", "/api/v3/config/mediamanagement", lambda s, p, b: _ok(s.get_media_management())),
        (
            "PUT",
            "/api/v3/config/mediamanagement/{id}",
            lambda s, p, b: _Answer(202, s.put_media_management(b)),
        ),
        ("GET", "/api/v3/language", lambda s, p, b: _ok(s.list_languages())),
        ("GET", "/api/v3/tag", lambda s, p, b: _ok(s.tags.list_all())),
        ("POST", "/api/v3/tag", lambda s, p, b: _Answer(201, s.tags.create(b))),
        ("GET", "/api/v3/tag/{id}", lambda s, p, b: _ok(s.tags.get(p["id"]))),
        ("PUT", "/api/v3/tag/{id}", lambda s, p, b: _Answer(202, s.tags.update(p["id"], b))),
        ("DELETE", "/api/v3/tag/{id}", lambda s, p, b: deleted(lambda: s.tags.delete(p["id"]))),
        ("GET", "/api/v3/rootfolder", lambda s, p, b: _ok(s.root_folders.list_all())),
        ("POST", "/api/v3/rootfolder", lambda s, p, b: _Answer(201, s.root_folders.create(b))),
        ("GET", "/api/v3/rootfolder/{id}", lambda s, p, b: _ok(s.root_folders.get(p["id"]))),
        (
            "DELETE",
            "/api/v3/rootfolder/{id}",
            lambda s, p, b: deleted(lambda: s.root_folders.delete(p["id"])),
        ),
        ("GET", "/api/v3/series", lambda s, p, b: _ok(s.list_media("sonarr"))),
        ("GET", "/api/v3/movie", lambda s, p, b: _ok(s.list_media("radarr"))),
    ]


def _compile(template: str) -> re.Pattern[str]:
    return re.compile("^" + re.escape(template).replace(re.escape("{id}"), r"(?P<id>\d+)") + "/?$")


_ROUTES = [(method, template, _compile(template), handler) for method, template, handler in _routes()]


class SimulatedServarr(LoopbackServer):
    """A Sonarr v4 or Radarr v5 on `http://127.0.0.1:<port>` with the real servers' rules.

    `state` is the live database: tests may edit it directly to mimic a change made by hand in
    the UI. `requests` records every answered request; `fail_next` injects failures.
    """

    def __init__(
        self,
        app: Literal["sonarr", "radarr"],
        *,
        api_key: str,
        version: str | None = None,
        latency: float = 0.0,
        request_validator: RequestValidator | None = None,
    ) -> None:
        self.app = app
        self.state = ServarrState(app, version)
        self.requests: list[RecordedRequest] = []
        self._api_key = api_key
        self._latency = latency
        self._validator = request_validator
        self._lock = threading.Lock()
        self._injections: list[_Injection] = []
        super().__init__()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        return _make_handler(self)

    def _thread_name(self) -> str:
        return f"simulated-{self.app}"

    # ------------------------------------------------------------ test hooks

    def reset_requests(self) -> None:
        with self._lock:
            self.requests.clear()

    def fail_next(
        self,
        count: int,
        status: int = 500,
        *,
        path_prefix: str = "",
        retry_after: int | None = None,
        method: str | None = None,
    ) -> None:
        """Answer the next `count` requests whose path starts with `path_prefix` (and whose
        method is `method`, when given) with `status` (and a `Retry-After` header when given),
        without touching the state."""
        with self._lock:
            self._injections.append(_Injection(count, status, path_prefix, retry_after, method))

    def mark_profile_in_use(self, profile_id: int) -> None:
        """Pretend a series/movie uses the profile, so deleting it fails like the real server."""
        with self._lock:
            self.state.profiles_in_use.add(profile_id)

    # -------------------------------------------------------------- serving

    def _take_injection(self, method: str, path: str) -> _Injection | None:
        for injection in self._injections:
            if injection.method not in (None, method):
                continue
            if injection.remaining > 0 and path.startswith(injection.path_prefix):
                injection.remaining -= 1
                return injection
        return None

    def _authorized(self, headers: Any, query: dict[str, str]) -> bool:
        bearer = headers.get("Authorization", "")
        candidates = (
            headers.get("X-Api-Key"),
            query.get("apikey"),
            bearer[len("Bearer ") :] if bearer.startswith("Bearer ") else None,
        )
        return self._api_key in candidates

    def answer(self, method: str, path: str, query: dict[str, str], headers: Any, body: Any) -> _Answer:
        """Everything after the bytes: latency, injection, auth, validation, routing."""
        if self._latency > 0:
            time.sleep(self._latency)
        with self._lock:
            injection = self._take_injection(method, path)
        if injection is not None:
            extra = () if injection.retry_after is None else (("Retry-After", str(injection.retry_after)),)
            return _Answer(injection.status, {"message": "injected failure"}, extra)
        if path in ("/ping", "/ping/") and method in ("GET", "HEAD"):
            return _ok({"status": "OK"})
        if not path.startswith("/api/"):
            return _Answer(404, {"message": "NotFound"})
        if not self._authorized(headers, query):
            return _Answer(401)
        for route_method, template, pattern, handler in _ROUTES:
            match = pattern.match(path)
            if match is None or route_method != method:
                continue
            params = {key: int(value) for key, value in match.groupdict().items()}
            try:
                if body is not _NO_BODY and self._validator is not None:
                    try:
                        self._validator(method, template, body)
                    except Exception as exc:  # the validator's own error type is unknown here
                        failure = Failure("", f"request body does not match the API schema: {exc}")
                        raise Rejection.of(failure) from exc
                with self._lock:
                    return handler(self.state, params, None if body is _NO_BODY else body)
            except Rejection as rejection:
                return _Answer(rejection.status, rejection.body)
            except Exception as exc:  # a body the simulator cannot digest: the real server 500s too
                return _Answer(500, {"message": f"{type(exc).__name__}: {exc}"})
        if any(pattern.match(path) for _, _, pattern, _ in _ROUTES):
            return _Answer(405, {"message": "Method Not Allowed"})
        return _Answer(404, {"message": "NotFound"})

    def record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)


def _make_handler(simulator: SimulatedServarr) -> type[BaseHTTPRequestHandler]:
    class _Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        timeout = 10

        def log_message(self, format: str, *args: Any) -> None:
            """Stay silent: tests and the demo own the terminal."""

        def _serve(self) -> None:
            parts = urlsplit(self.path)
            query = dict(parse_qsl(parts.query))
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            body: Any = _NO_BODY
            if raw.strip():
                try:
                    body = json.loads(raw)
                except ValueError:
                    answer = _Answer(400, [Failure("", "The request body is not valid JSON.").to_json()])
                    simulator.record(RecordedRequest(self.command, parts.path, query, None, answer.status))
                    self._send(answer)
                    return
            answer = simulator.answer(self.command, parts.path, query, self.headers, body)
            recorded_body = None if body is _NO_BODY else body
            simulator.record(RecordedRequest(self.command, parts.path, query, recorded_body, answer.status))
            self._send(answer)

        def _send(self, answer: _Answer) -> None:
            payload = b"" if answer.body is _NO_BODY else json.dumps(answer.body).encode()
            self.send_response(answer.status)
            self.send_header("X-Application-Version", simulator.state.version)
            for name, value in answer.headers:
                self.send_header(name, value)
            if payload:
                self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _serve

    return _Handler
