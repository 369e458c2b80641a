"""A simulated FlareSolverr v3 (or Byparr, which speaks its API) on loopback.

Owns `POST /v1` with the commands FlareSolverr's `_controller_v1_handler` knows and its error
messages: `cmd` is required; `request.get` needs `url` and refuses `postData`; `request.post`
needs `postData`; `sessions.create|list|destroy` manage named sessions; an unknown command is
an error. Errors are HTTP 500 with `{"status": "error", "message": "Error: ..."}`. No browser
runs: a request "solves" to a 200 page for its URL. `GET /health` is `{"status": "ok"}`;
`GET /` is FlareSolverr's greeting, or for Byparr a 301 to `/docs`. `requests` records the
command bodies.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler
from typing import Any, Literal

from syncd.simulator.loopback import LoopbackServer

Json = dict[str, Any]
VERSION = "3.4.6"
USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36"
)


class _SolverError(Exception):
    pass


class SimulatedFlareSolverr(LoopbackServer):
    """FlareSolverr (`flavour="flaresolverr"`) or Byparr on `http://127.0.0.1:<port>`."""

    def __init__(self, *, flavour: Literal["flaresolverr", "byparr"] = "flaresolverr") -> None:
        self.flavour = flavour
        self.requests: list[Json] = []
        self.sessions: set[str] = set()
        self._lock = threading.Lock()
        self._failures = 0
        super().__init__()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        return _make_handler(self)

    def _thread_name(self) -> str:
        return f"simulated-{self.flavour}"

    def fail_next(self, count: int) -> None:
        """The next `count` commands fail as an unsolvable challenge does."""
        with self._lock:
            self._failures += count

    def command(self, body: Any) -> tuple[int, Json]:
        started = int(time.time() * 1000)
        with self._lock:
            self.requests.append(body if isinstance(body, dict) else {"raw": body})
            try:
                result = self._run(body if isinstance(body, dict) else {})
                status = 200
            except _SolverError as error:
                result, status = {"status": "error", "message": f"Error: {error}"}, 500
        return status, {
            **result,
            "startTimestamp": started,
            "endTimestamp": int(time.time() * 1000),
            "version": VERSION,
        }

    def _run(self, body: Json) -> Json:
        command = body.get("cmd")
        if command is None:
            raise _SolverError("Request parameter 'cmd' is mandatory.")
        if command == "sessions.create":
            session = str(body.get("session") or f"session-{len(self.sessions) + 1}")
            exists = session in self.sessions
            self.sessions.add(session)
            message = "Session already exists." if exists else "Session created successfully."
            return {"status": "ok", "message": message, "session": session}
        if command == "sessions.list":
            return {"status": "ok", "message": "", "sessions": sorted(self.sessions)}
        if command == "sessions.destroy":
            if body.get("session") not in self.sessions:
                raise _SolverError("The session doesn't exist.")
            self.sessions.discard(body["session"])
            return {"status": "ok", "message": "The session has been removed."}
        if command not in ("request.get", "request.post"):
            raise _SolverError(f"Request parameter 'cmd' = '{command}' is invalid.")
        if command == "request.get":
            if body.get("url") is None:
                raise _SolverError("Request parameter 'url' is mandatory in 'request.get' command.")
            if body.get("postData") is not None:
                raise _SolverError("Cannot use 'postBody' when sending a GET request.")
        elif body.get("postData") is None:
            raise _SolverError("Request parameter 'postData' is mandatory in 'request.post' command.")
        if self._failures > 0:
            self._failures -= 1
            timeout = int(body.get("maxTimeout") or 60000) / 1000
            raise _SolverError(f"Error solving the challenge. Timeout after {timeout} seconds.")
        url = str(body.get("url"))
        solution = {
            "url": url,
            "status": 200,
            "headers": {},
            "response": f"<html><body>{url}</body></html>",
            "cookies": [],
            "userAgent": USER_AGENT,
        }
        return {"status": "ok", "message": "Challenge not detected!", "solution": solution}


def _make_handler(simulator: SimulatedFlareSolverr) -> type[BaseHTTPRequestHandler]:
    class _Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        timeout = 10

        def log_message(self, format: str, *args: Any) -> None:
            """Stay silent: tests and the demo own the terminal."""

        def _reply(self, status: int, body: Json | None, headers: tuple[tuple[str, str], ...] = ()) -> None:
            payload = b"" if body is None else json.dumps(body).encode()
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            if body is not None:
                self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            if path == "/health":
                self._reply(200, {"status": "ok"})
            elif path == "/" and simulator.flavour == "byparr":
                self._reply(301, None, (("Location", "/docs"),))
            elif path == "/":
                self._reply(
                    200, {"msg": "FlareSolverr is ready!", "version": VERSION, "userAgent": USER_AGENT}
                )
            else:
                self._reply(404, {"error": "Not found: '" + path + "'", "status_code": 404})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            if self.path.split("?", 1)[0] != "/v1":
                self._reply(404, {"error": "Not found", "status_code": 404})
                return
            try:
                body = json.loads(raw) if raw.strip() else {}
            except ValueError:
                body = {}
            status, answer = simulator.command(body)
            self._reply(status, answer)

    return _Handler
