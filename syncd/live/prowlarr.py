"""The gateway to one Prowlarr (API v1, `X-Api-Key`): probe, read the kinds' collections,
send the writes they build.

`identity()` is the one probe (`system/status`, sent once: an unreachable server fails there,
before any read retries); it checks the server is a Prowlarr and returns what ownership state
keys the server by; `identity_and_read` sends the reads alongside it. `read` fetches
collections concurrently; `send` writes one request a kind built. Prowlarr's connection tests come back as a 400 with the server's own messages
(`ApiRejectedError`), which the apply engine reports as they are.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from typing import Any

import httpx

from syncd.errors import ApiError
from syncd.kinds.base import Request
from syncd.live.http import DEFAULT_LIMITS, ApiClient, HttpLimits, probed

API_PREFIX = "/api/v1"
MIN_MAJOR_VERSION = 1


def client(
    base_url: str,
    api_key: str,
    *,
    instance: str,
    transport: httpx.AsyncBaseTransport | None = None,
    limits: HttpLimits = DEFAULT_LIMITS,
    timeout: float | None = None,
    backoffs: Sequence[float] | None = None,
) -> ApiClient:
    return ApiClient(
        base_url,
        api_key,
        instance=instance,
        transport=transport,
        limits=limits,
        timeout=timeout,
        backoffs=backoffs,
        api_prefix=API_PREFIX,
    )


class ProwlarrGateway:
    def __init__(self, client: ApiClient, *, name: str) -> None:
        self.client = client
        self.address = f"prowlarr.{name}"

    async def identity(self) -> str:
        status = await self.client.probe("system/status")
        if not isinstance(status, Mapping) or status.get("appName") != "Prowlarr":
            app = status.get("appName") if isinstance(status, Mapping) else None
            raise ApiError(
                f"{self.client.base_url} is {app or 'not a Servarr app'}, not Prowlarr; "
                f"check base_url of {self.address}",
                instance=self.address,
            )
        version = str(status.get("version", ""))
        major = version.split(".", 1)[0]
        if not major.isdigit() or int(major) < MIN_MAJOR_VERSION:
            raise ApiError(
                f"Prowlarr {version or '(unknown version)'} is not supported; syncd needs Prowlarr v1 or later",
                instance=self.address,
            )
        return " ".join(str(status[k]) for k in ("appName", "instanceName") if status.get(k))

    async def read(self, paths: Sequence[str], *, after: asyncio.Future[Any] | None = None) -> dict[str, Any]:
        return dict(zip(paths, await read_all(self.client, paths, after=after), strict=True))

    async def identity_and_read(self, paths: Sequence[str]) -> tuple[str, dict[str, Any]]:
        """`identity()` and `read(paths)` in one round trip (`syncd.live.http.probed`)."""
        return await probed(self.identity(), lambda after: self.read(paths, after=after))

    async def send(self, request: Request) -> Any:
        return await send(self.client, request)


async def read_all(
    client: ApiClient, paths: Sequence[str], *, after: asyncio.Future[Any] | None = None
) -> list[Any]:
    """GET every path concurrently (retrying only once `after`, a probe alongside, succeeded);
    the first failure cancels the rest and is raised."""
    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(client.get(path, after=after)) for path in paths]
    except* ApiError as failed:
        raise failed.exceptions[0] from None
    return [task.result() for task in tasks]


async def send(client: ApiClient, request: Request) -> Any:
    if request.method == "POST":
        return await client.post(request.path, request.body)
    if request.method == "PUT":
        return await client.put(request.path, request.body)
    await client.delete(request.path)
    return None
