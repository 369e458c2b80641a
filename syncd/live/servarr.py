"""The gateway to one Sonarr v4 / Radarr v5 instance: probe it, read collections, send writes.

`probe()` reads `system/status` once (an unreachable server fails there, once, before the
reads retry) and checks the server is the configured app at a supported version;
`probe_and_read()` sends the reads alongside it (as soon as their paths are known, which may be
after the probe went out), their retries held until it answered. `read()`
fetches the collections the resource kinds need, concurrently, one GET each; the kinds parse
the replies (`syncd.kinds`). `send()` carries out one request a kind built. HTTP and error
translation live in `syncd.live.http`.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Awaitable, Mapping, Sequence
from typing import Any

from syncd.domain.state import Service
from syncd.errors import ApiError
from syncd.kinds.base import Request, describe
from syncd.live.http import ApiClient, probed

APP_NAMES: Mapping[Service, str] = {"sonarr": "Sonarr", "radarr": "Radarr"}
MIN_MAJOR_VERSION: Mapping[Service, int] = {"sonarr": 4, "radarr": 5}

# system/status fields that identify the server; the rest (startTime, ...) changes on restart.
_STABLE_STATUS_FIELDS = ("appName", "version")


class ServarrGateway:
    def __init__(self, client: ApiClient, *, service: Service, name: str) -> None:
        self.client = client
        self.service = service
        self.name = name

    @property
    def address(self) -> str:
        return f"{self.service}.{self.name}"

    async def probe(self) -> Mapping[str, Any]:
        """`system/status`, checked to be the configured app at a supported version."""
        status = await self.client.probe("system/status")
        if not isinstance(status, dict):
            raise ApiError(
                f"unexpected reply to GET system/status: expected a JSON object, got {describe(status)}",
                instance=self.address,
            )
        self._check_status(status)
        return status

    async def probe_and_read(
        self, paths: Sequence[str] | Awaitable[Sequence[str]]
    ) -> tuple[Mapping[str, Any], dict[str, Any]]:
        """`probe()` and `read(paths)` at once: one round trip, not two. `paths` may still be
        being worked out (the guides decide which collections are used): the probe goes out
        at once, the reads as soon as `paths` is known; if `paths` fails, the probe is
        cancelled and that error raised. The reads retry only once the probe has answered, so
        a server that cannot be reached still fails on the probe's one line; when the probe
        fails (even before `paths` is known), no read is sent or the reads are cancelled, and
        its error is raised."""
        probe = asyncio.ensure_future(self.probe())
        try:
            wanted = paths if isinstance(paths, Sequence) else await paths
        except BaseException:
            probe.cancel()
            await asyncio.gather(probe, return_exceptions=True)
            raise
        return await probed(probe, lambda after: self.read(wanted, after=after))

    async def read(self, paths: Sequence[str], *, after: asyncio.Future[Any] | None = None) -> dict[str, Any]:
        """The raw replies of `paths`, read concurrently. If one read fails the others are
        cancelled (a TaskGroup rather than a bare `gather`, so nothing keeps running against
        a client the caller is about to close) and that read's `ApiError` is raised. With
        `after` (a probe in flight), a failed read retries only once `after` succeeded."""
        try:
            async with asyncio.TaskGroup() as group:
                tasks = [group.create_task(self.client.get(path, after=after)) for path in paths]
        except* ApiError as failed:
            raise failed.exceptions[0] from None
        return dict(zip(paths, (task.result() for task in tasks), strict=True))

    async def send(self, request: Request) -> Any:
        """One write a resource kind built; returns the server's answer."""
        if request.method == "POST":
            return await self.client.post(request.path, request.body)
        if request.method == "PUT":
            return await self.client.put(request.path, request.body)
        await self.client.delete(request.path)
        return None

    def _check_status(self, status: Mapping[str, Any]) -> None:
        expected = APP_NAMES[self.service]
        app = status.get("appName")
        if app != expected:
            raise ApiError(
                f"{self.client.base_url} is {app or 'not a Servarr app'}, not {expected}; "
                f"check base_url of {self.address}",
                instance=self.address,
            )
        version = str(status.get("version", ""))
        major = version.split(".", 1)[0]
        if not major.isdigit() or int(major) < MIN_MAJOR_VERSION[self.service]:
            raise ApiError(
                f"{expected} {version or '(unknown version)'} is not supported; "
                f"syncd needs {expected} v{MIN_MAJOR_VERSION[self.service]} or later",
                instance=self.address,
            )


def identity(status: Mapping[str, Any]) -> str:
    """What the server says it is (app and instance name), to key ownership state by server."""
    return " ".join(str(status[k]) for k in ("appName", "instanceName") if status.get(k))


def stable(status: Mapping[str, Any]) -> dict[str, Any]:
    """The status fields that stay across restarts (for the live fingerprint)."""
    return {key: status.get(key) for key in _STABLE_STATUS_FIELDS}


def fingerprint(raw: Mapping[str, Any]) -> str:
    """sha256 of the canonical JSON of fetched data: equal iff the server state is equal."""
    canonical = json.dumps(raw, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()
