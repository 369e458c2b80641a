"""The gateway to one Plex Media Server: its token, its identity, its library sections.

Every request carries `X-Plex-Token` (scrubbed from every error) and `Accept: application/json`
(Plex answers XML otherwise). `identity()` is the one probe (`GET /identity`, which needs no
token, sent once: an unreachable server fails there); it checks the server is claimed and
returns its `machineIdentifier`, which ownership state keys the server by; `identity_and_read`
sends the reads alongside it. A wrong token shows
on the first read as a 401 that says so.

`send` writes the requests the library kind builds; for a create it hands the engine the new
section's number as `{"id": ...}`, from Plex's answer (`MediaContainer.Directory[0].key`) or,
if an answer lacks it, from a re-read of the sections by name.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from syncd.errors import ApiError
from syncd.kinds.base import Request
from syncd.live.http import DEFAULT_LIMITS, ApiClient, HttpLimits, probed
from syncd.live.prowlarr import read_all, send

AUTH_MESSAGES = {401: "Plex token rejected", 403: "Plex token rejected"}


def client(
    base_url: str,
    token: str,
    *,
    instance: str,
    transport: httpx.AsyncBaseTransport | None = None,
    limits: HttpLimits = DEFAULT_LIMITS,
    timeout: float | None = None,
    backoffs: Sequence[float] | None = None,
) -> ApiClient:
    return ApiClient(
        base_url,
        instance=instance,
        transport=transport,
        limits=limits,
        timeout=timeout,
        backoffs=backoffs,
        api_prefix="",
        headers={"X-Plex-Token": token},
        secrets=(token,),
        auth_messages=AUTH_MESSAGES,
    )


class PlexGateway:
    def __init__(self, client: ApiClient, *, name: str) -> None:
        self.client = client
        self.address = f"plex.{name}"

    async def identity(self) -> str:
        reply = await self.client.probe("identity")
        container = reply.get("MediaContainer") if isinstance(reply, Mapping) else None
        if not isinstance(container, Mapping) or not container.get("machineIdentifier"):
            raise ApiError(
                f"{self.client.base_url} does not answer /identity as Plex Media Server does; "
                f"check base_url of {self.address}",
                instance=self.address,
            )
        if container.get("claimed") in (False, 0, "0"):
            raise ApiError(
                f"the Plex server at {self.client.base_url} is not claimed yet; claim it first",
                instance=self.address,
            )
        return f"Plex {container['machineIdentifier']}"

    async def read(self, paths: Sequence[str], *, after: asyncio.Future[Any] | None = None) -> dict[str, Any]:
        return dict(zip(paths, await read_all(self.client, paths, after=after), strict=True))

    async def identity_and_read(self, paths: Sequence[str]) -> tuple[str, dict[str, Any]]:
        """`identity()` and `read(paths)` in one round trip (`syncd.live.http.probed`)."""
        return await probed(self.identity(), lambda after: self.read(paths, after=after))

    async def send(self, request: Request) -> Any:
        reply = await send(self.client, request)
        if request.method != "POST":
            return reply
        key = _created_key(reply)
        if key is None:
            name = parse_qs(urlsplit(request.path).query).get("name", [""])[-1]
            key = _key_named(await self.client.get(urlsplit(request.path).path), name)
        return {"id": key} if key is not None else reply


def _directories(reply: Any) -> list[Any]:
    container = reply.get("MediaContainer") if isinstance(reply, Mapping) else None
    directories = container.get("Directory") if isinstance(container, Mapping) else None
    return directories if isinstance(directories, list) else []


def _number(key: Any) -> int | None:
    if isinstance(key, int) and not isinstance(key, bool):
        return key
    return int(key) if isinstance(key, str) and key.isdigit() else None


def _created_key(reply: Any) -> int | None:
    directories = _directories(reply)
    first = directories[0] if len(directories) == 1 else None
    return _number(first.get("key")) if isinstance(first, Mapping) else None


def _key_named(reply: Any, name: str) -> int | None:
    hits = [d for d in _directories(reply) if isinstance(d, Mapping) and d.get("title") == name]
    return _number(hits[0].get("key")) if len(hits) == 1 else None
