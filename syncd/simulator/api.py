"""The HTTP side shared by the simulated *arr servers (Sonarr and Radarr on API v3, Prowlarr on
API v1).

Owns routing (`{id}` path segments match integers), API-key authentication (`X-Api-Key`
header, `apikey` query parameter or a bearer token; 401 with an empty body), status codes,
the `X-Application-Version` header, optional latency, an optional request-body validator, failure
injection and the record of every request. A handler runs under the server's lock; a handler
that must talk to another server (a provider's connection test) returns a `Deferred`, whose
`probe` runs without the lock, so two simulated servers testing each other never deadlock.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any, Generic, TypeVar
from urllib.parse import parse_qsl, urlsplit

from syncd.simulator.loopback import LoopbackServer
from syncd.simulator.rules import Failure, Rejection

RequestValidator = Callable[[str, str, Any], None]
NO_BODY: Any = object()
S = TypeVar("S")


@dataclass(frozen=True)
class RecordedRequest:
    """One request the server answered."""

    method: str
    path: str
    query: dict[str, str]
    json: Any
    status: int


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any = NO_BODY
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Call:
    """What a handler gets: the integer path parameters, the JSON body (None when absent) and
    the query string."""

    ids: dict[str, int]
    body: Any
    query: dict[str, str] = field(default_factory=dict)

    @property
    def id(self) -> int:
        return self.ids["id"]

    def flag(self, name: str) -> bool:
        """A boolean query parameter (`?forceSave=true`), as ASP.NET binds it."""
        return self.query.get(name, "").lower() == "true"


@dataclass(frozen=True)
class Deferred:
    """Work that needs another server: `probe()` runs without the lock, then `finish(result)`
    runs under it and gives the answer (or more deferred work)."""

    probe: Callable[[], Any]
    finish: Callable[[Any], Answer | Deferred]


Handler = Callable[[S, Call], "Answer | Deferred"]
Route = tuple[str, str, Handler[S]]


def ok(value: Any) -> Answer:
    return Answer(200, value)


@dataclass
class _Injection:
    remaining: int
    status: int
    path_prefix: str
    retry_after: int | None
    method: str | None


def _compile(template: str) -> re.Pattern[str]:
    pattern = re.escape(template)
    for name in re.findall(r"\{(\w+)\}", template):
        pattern = pattern.replace(re.escape("{" + name + "}"), rf"(?P<{name}>\d+)")
    return re.compile("^" + pattern + "/?$")


class ApiServer(LoopbackServer, Generic[S]):
    """A simulated *arr server over `state`, answering `routes`."""

    def __init__(
        self,
        state: S,
        routes: Sequence[Route[S]],
        *,
        api_key: str,
        version: Callable[[], str],
        name: str,
        latency: float = 0.0,
        request_validator: RequestValidator | None = None,
    ) -> None:
        self.state = state
        self.requests: list[RecordedRequest] = []
        self._routes = [
            (method, template, _compile(template), handler) for method, template, handler in routes
        ]
        self._api_key = api_key
        self._version = version
        self._name = name
        self._latency = latency
        self._validator = request_validator
        self._lock = threading.Lock()
        self._injections: list[_Injection] = []
        super().__init__()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        return _make_handler(self)

    def _thread_name(self) -> str:
        return f"simulated-{self._name}"

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

    def writes(self) -> list[RecordedRequest]:
        """The answered requests that could change something (every method but GET/HEAD)."""
        with self._lock:
            return [r for r in self.requests if r.method not in ("GET", "HEAD")]

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

    def answer(self, method: str, path: str, query: dict[str, str], headers: Any, body: Any) -> Answer:
        """Everything after the bytes: latency, injection, auth, validation, routing."""
        if self._latency > 0:
            time.sleep(self._latency)
        with self._lock:
            injection = self._take_injection(method, path)
        if injection is not None:
            extra = () if injection.retry_after is None else (("Retry-After", str(injection.retry_after)),)
            return Answer(injection.status, {"message": "injected failure"}, extra)
        if path in ("/ping", "/ping/") and method in ("GET", "HEAD"):
            return ok({"status": "OK"})
        authorized = self._authorized(headers, query)
        if path.startswith("/api/") and not authorized:
            return Answer(401)
        matched = [(m, t, p.match(path), h) for m, t, p, h in self._routes]
        candidates = [(m, t, match, h) for m, t, match, h in matched if match is not None]
        if not candidates:
            return Answer(404, {"message": "NotFound"})
        if not authorized:
            return Answer(401)
        for route_method, template, match, handler in candidates:
            if route_method != method:
                continue
            ids = {key: int(value) for key, value in match.groupdict().items()}
            return self._run(
                method, template, handler, Call(ids, None if body is NO_BODY else body, query), body
            )
        return Answer(405, {"message": "Method Not Allowed"})

    def _run(self, method: str, template: str, handler: Handler[S], call: Call, body: Any) -> Answer:
        try:
            if body is not NO_BODY and self._validator is not None:
                try:
                    self._validator(method, template, body)
                except Exception as exc:  # the validator's own error type is unknown here
                    failure = Failure("", f"request body does not match the API schema: {exc}")
                    raise Rejection.of(failure) from exc
            with self._lock:
                result = handler(self.state, call)
            while isinstance(result, Deferred):
                outcome = result.probe()
                with self._lock:
                    result = result.finish(outcome)
            return result
        except Rejection as rejection:
            return Answer(rejection.status, rejection.body)
        except Exception as exc:  # a body the simulator cannot digest: the real server 500s too
            return Answer(500, {"message": f"{type(exc).__name__}: {exc}"})

    def record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)


def _make_handler(simulator: ApiServer[Any]) -> type[BaseHTTPRequestHandler]:
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
            body: Any = NO_BODY
            if raw.strip():
                try:
                    body = json.loads(raw)
                except ValueError:
                    answer = Answer(400, [Failure("", "The request body is not valid JSON.").to_json()])
                    simulator.record(RecordedRequest(self.command, parts.path, query, None, answer.status))
                    self._send(answer)
                    return
            answer = simulator.answer(self.command, parts.path, query, self.headers, body)
            recorded_body = None if body is NO_BODY else body
            simulator.record(RecordedRequest(self.command, parts.path, query, recorded_body, answer.status))
            self._send(answer)

        def _send(self, answer: Answer) -> None:
            if answer.body is NO_BODY:
                payload, content_type = b"", None
            elif isinstance(answer.body, str):
                payload, content_type = answer.body.encode(), "application/xml; charset=utf-8"
            else:
                payload, content_type = json.dumps(answer.body).encode(), "application/json; charset=utf-8"
            self.send_response(answer.status)
            self.send_header("X-Application-Version", simulator._version())
            for name, value in answer.headers:
                self.send_header(name, value)
            if content_type is not None:
                self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _serve

    return _Handler
