"""A misbehaving server on loopback for the HTTP edge tests: real HTTP, scripted answers.

Each request to a path takes the next scripted `Answer` for it (or the default, 200 `{}`). An
answer may wait before answering (`delay`, a slow endpoint), hang up without answering
(`drop`, a dropped connection) or answer any status with any headers (429/503 + Retry-After).
Every request is recorded, so tests can count what reached the server.
"""

from __future__ import annotations

import json
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

from syncd.simulator.loopback import LoopbackServer


@dataclass(frozen=True)
class Answer:
    status: int = 200
    body: Any = field(default_factory=dict)
    headers: tuple[tuple[str, str], ...] = ()
    delay: float = 0.0
    drop: bool = False


class EdgeServer(LoopbackServer):
    def __init__(self, default: Answer | None = None) -> None:
        super().__init__()
        self.default = default or Answer()
        self.requests: list[tuple[str, str]] = []
        self._script: defaultdict[tuple[str, str], deque[Answer]] = defaultdict(deque)
        self._lock = threading.Lock()

    def script(self, method: str, path: str, *answers: Answer) -> None:
        with self._lock:
            self._script[(method, path)].extend(answers)

    def count(self, method: str, path: str) -> int:
        with self._lock:
            return sum(1 for request in self.requests if request == (method, path))

    def _next(self, method: str, path: str) -> Answer:
        with self._lock:
            self.requests.append((method, path))
            queue = self._script.get((method, path))
            return queue.popleft() if queue else self.default

    def _thread_name(self) -> str:
        return "edge-server"

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                return

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                answer = server._next(self.command, self.path.split("?", 1)[0])
                if answer.delay:
                    time.sleep(answer.delay)
                if answer.drop:
                    self.close_connection = True
                    return
                payload = json.dumps(answer.body).encode()
                self.send_response(answer.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                for name, value in answer.headers:
                    self.send_header(name, value)
                self.end_headers()
                try:
                    self.wfile.write(payload)
                except ConnectionError:
                    return

            do_GET = do_POST = do_PUT = do_DELETE = _serve

        return Handler
