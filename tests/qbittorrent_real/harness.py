"""Runs Debian's real `qbittorrent-nox` for tests: a throwaway profile directory, a free
loopback port, a known WebUI password written as qBittorrent's own PBKDF2 hash
(`WebUI\\Password_PBKDF2`, PBKDF2-HMAC-SHA512, 100000 iterations, 16-byte salt), peer
networking off, and a bounded wait for the WebUI to answer."""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import IO, Self

import httpx

BINARY = "qbittorrent-nox"
STARTUP_TIMEOUT = 30.0


def pbkdf2_secret(password: str, salt: bytes | None = None) -> str:
    """The value qBittorrent stores for a WebUI password: `base64(salt):base64(key)`."""
    salt = salt if salt is not None else os.urandom(16)
    key = hashlib.pbkdf2_hmac("sha512", password.encode(), salt, 100_000, dklen=64)
    return f"{base64.b64encode(salt).decode()}:{base64.b64encode(key).decode()}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def available() -> bool:
    return shutil.which(BINARY) is not None


class RealQbittorrent:
    """A `qbittorrent-nox` process on `http://127.0.0.1:<port>` whose WebUI user is `admin`."""

    def __init__(self, profile: Path, *, password: str, username: str = "admin") -> None:
        self.profile = profile
        self.username = username
        self.password = password
        self.port = free_port()
        self._process: subprocess.Popen[bytes] | None = None
        self._log = profile / "qbittorrent.log"
        self._log_file: IO[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _write_config(self) -> None:
        config = self.profile / "qBittorrent" / "config" / "qBittorrent.conf"
        config.parent.mkdir(parents=True, exist_ok=True)
        downloads = self.profile / "downloads"
        downloads.mkdir(exist_ok=True)
        config.write_text(
            "\n".join(
                [
                    "[LegalNotice]",
                    "Accepted=true",
                    "",
                    "[BitTorrent]",
                    f"Session\\DefaultSavePath={downloads}",
                    f"Session\\Port={free_port()}",
                    "Session\\DHTEnabled=false",
                    "Session\\LSDEnabled=false",
                    "Session\\PeXEnabled=false",
                    "",
                    "[Preferences]",
                    "Connection\\UPnP=false",
                    "Connection\\ResolvePeerCountries=false",
                    "General\\Locale=en",
                    "WebUI\\Address=127.0.0.1",
                    f"WebUI\\Port={self.port}",
                    f"WebUI\\Username={self.username}",
                    f'WebUI\\Password_PBKDF2="@ByteArray({pbkdf2_secret(self.password)})"',
                    "WebUI\\LocalHostAuth=true",
                    "",
                ]
            ),
            encoding="utf-8",
        )

    def start(self) -> None:
        self._write_config()
        log = self._log_file = self._log.open("wb")
        self._process = subprocess.Popen(
            [BINARY, f"--profile={self.profile}", f"--webui-port={self.port}"],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "HOME": str(self.profile)},
        )
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"qbittorrent-nox exited: {self._log.read_text(errors='replace')}")
            try:
                httpx.get(f"{self.url}/api/v2/app/webapiVersion", timeout=1)
                return
            except httpx.HTTPError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"qbittorrent-nox did not answer within {STARTUP_TIMEOUT}s")

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(timeout=10)
            self._process = None
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()

    def failed_logins(self) -> list[str]:
        """The WebUI login failures qBittorrent logged ("... attempt count: N ...")."""
        log = self.profile / "qBittorrent" / "data" / "logs" / "qbittorrent.log"
        if not log.exists():
            return []
        return [
            line for line in log.read_text(errors="replace").splitlines() if "WebAPI login failure" in line
        ]

    def await_failed_logins(self, count: int, timeout: float = 5.0) -> list[str]:
        """The logged login failures once at least `count` are in the log (or the timeout ran
        out): qBittorrent writes its log asynchronously."""
        deadline = time.monotonic() + timeout
        while len(self.failed_logins()) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.failed_logins()

    @contextmanager
    def session(self) -> Iterator[httpx.Client]:
        """A logged-in WebUI client."""
        with httpx.Client(base_url=self.url, timeout=10) as client:
            credentials = {"username": self.username, "password": self.password}
            answer = client.post("/api/v2/auth/login", data=credentials)
            if answer.text != "Ok.":
                raise RuntimeError(
                    f"login to the real qBittorrent failed: {answer.status_code} {answer.text!r}"
                )
            yield client
