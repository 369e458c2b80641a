"""The lifecycle shared by the simulated servers: a stdlib `ThreadingHTTPServer` on an
OS-chosen 127.0.0.1 port, served from a daemon thread, usable as a context manager.

Accepted connections have Nagle's algorithm off, as the real servers' Kestrel has by default
(`KestrelServerOptions.NoDelay`, default true). With it on, `http.server` (which writes the
headers and the body of an answer separately) holds each body back until the client's delayed
ACK of the headers, about 40 ms a request on a kept-alive connection: a cost no real server has.
The listen backlog is Kestrel's too (512, `SocketTransportOptions.Backlog`), not `socketserver`'s
5, past which a burst of new connections has its SYNs dropped and retried a second later.
"""

from __future__ import annotations

import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self


class _Server(ThreadingHTTPServer):
    """A client that hangs up mid-answer (a cancelled read, a killed daemon) is normal here."""

    daemon_threads = True
    request_queue_size = 512

    def get_request(self) -> tuple[socket.socket, Any]:
        connection, address = super().get_request()
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return connection, address

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class LoopbackServer:
    """Base of a simulated server: subclasses say how requests are handled and how the
    serving thread is named."""

    def __init__(self) -> None:
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        raise NotImplementedError

    def _thread_name(self) -> str:
        raise NotImplementedError

    def start(self) -> None:
        """Bind a free loopback port and serve in a daemon thread."""
        if self._server is not None:
            return
        server = _Server(("127.0.0.1", 0), self._handler_class())
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name=self._thread_name(), daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop serving and release the port."""
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join()
        self._server = None
        self._thread = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the simulated server is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"
