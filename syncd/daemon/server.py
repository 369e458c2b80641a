"""A tiny HTTP/1.1 server on asyncio for the daemon's endpoints (no framework needed).

GET and HEAD only, one request per connection (`Connection: close`), request heads up to
16 KiB read within 10 seconds. Routes are callables returning a `Response`; the query string
is ignored. Anything else is 404, 405 or 400.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from syncd.errors import SyncdError
from syncd.logger import get_logger

log = get_logger()

HEAD_LIMIT = 16 * 1024
READ_TIMEOUT = 10.0
_REASONS = {
    200: "OK",
    400: "Bad Request",
    404: "Not Found",
    405: "Method Not Allowed",
    503: "Service Unavailable",
}


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes
    content_type: str = "text/plain; charset=utf-8"

    @classmethod
    def text(cls, status: int, text: str) -> Response:
        return cls(status, text.encode())


Route = Callable[[], Response]


class HttpServer:
    def __init__(self, routes: Mapping[str, Route], *, host: str, port: int) -> None:
        self._routes = dict(routes)
        self._host = host
        self._port = port
        self._server: asyncio.Server | None = None

    @property
    def port(self) -> int:
        """The bound port (useful with port 0)."""
        if self._server is None:
            raise RuntimeError("the server is not started")
        return int(self._server.sockets[0].getsockname()[1])

    async def start(self) -> None:
        try:
            self._server = await asyncio.start_server(self._handle, self._host, self._port, limit=HEAD_LIMIT)
        except OSError as exc:
            raise SyncdError(f"cannot listen on {self._host}:{self._port}: {exc.strerror or exc}") from exc
        log.info("http.listening", host=self._host, port=self.port)

    async def close(self) -> None:
        if self._server is None:
            return
        self._server.close()
        await self._server.wait_closed()
        self._server = None

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            try:
                head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), READ_TIMEOUT)
            except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError):
                return
            method, response = self._answer(head)
            writer.write(_encode(response, with_body=method != "HEAD"))
            await writer.drain()
        except ConnectionError:
            return
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()

    def _answer(self, head: bytes) -> tuple[str, Response]:
        parts = head.split(b"\r\n", 1)[0].decode("latin-1").split(" ")
        if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
            return "", Response.text(400, "bad request\n")
        method, target = parts[0], parts[1].split("?", 1)[0]
        if method not in ("GET", "HEAD"):
            return method, Response.text(405, "only GET and HEAD\n")
        route = self._routes.get(target)
        if route is None:
            return method, Response.text(404, "not found\n")
        try:
            return method, route()
        except Exception:
            log.exception("http.handler_failed", path=target)
            return method, Response.text(503, "internal error\n")


def _encode(response: Response, *, with_body: bool) -> bytes:
    head = (
        f"HTTP/1.1 {response.status} {_REASONS.get(response.status, 'Unknown')}\r\n"
        f"Content-Type: {response.content_type}\r\n"
        f"Content-Length: {len(response.body)}\r\n"
        "Cache-Control: no-store\r\n"
        "Connection: close\r\n\r\n"
    )
    return head.encode() + (response.body if with_body else b"")
