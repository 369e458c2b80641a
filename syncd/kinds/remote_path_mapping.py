"""The Sonarr/Radarr remote path mapping (`/api/v3/remotepathmapping`): config

    remote_path_mappings:
      - {host: qbittorrent, remote_path: /downloads/, local_path: /data/downloads/}

A mapping is identified by its download-client host and remote path (the server refuses a
second one for the pair); a changed local path is an update in place. The server stores a
created mapping's paths as directories, with one trailing separator, and an updated one's as
sent, so paths compare with trailing separators trimmed and are always sent with exactly one:
a mapping written once never differs again (Configarr re-PUTs every run over the slash). The
local path must exist inside the server's container; its message is reported.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, ClassVar

from pydantic import Field, ValidationError

from syncd.config.model import ResourceEntry
from syncd.errors import Diagnostic
from syncd.kinds.base import Context, EntryModel, Found, Resolved, RestCollection, Wanted, Wants, object_list

ENDPOINT = "remotepathmapping"
_ABSOLUTE = re.compile(r"^(/|[A-Za-z]:[\\/]|\\\\)")
_DRIVE = re.compile(r"^[A-Za-z]:$")


class RemotePathMappingEntry(EntryModel):
    host: str = Field(min_length=1)
    remote_path: str = Field(min_length=1)
    local_path: str = Field(min_length=1)


def clean(path: str) -> str:
    """The path without trailing separators; a root (`/`, `C:\\`) keeps its one."""
    trimmed = path.rstrip("/\\")
    if not trimmed or _DRIVE.match(trimmed):
        return path[: len(trimmed) + 1]
    return trimmed


def as_directory(path: str) -> str:
    """The path with one trailing separator of its own kind, as the server stores it."""
    separator = "\\" if "\\" in path and "/" not in path else "/"
    return path.rstrip("/\\") + separator


def first_error(exc: ValidationError) -> str:
    """The first problem pydantic found, as `key: message` (just the message at the top)."""
    error = exc.errors()[0]
    where = ".".join(str(p) for p in error["loc"])
    return f"{where}: {error['msg']}" if where else str(error["msg"])


def identity(host: str, remote_path: str) -> str:
    return f"{host}:{clean(remote_path)}"


class RemotePathMapping(RestCollection):
    name: ClassVar[str] = "remote_path_mapping"
    endpoint: ClassVar[str] = ENDPOINT
    services: ClassVar[frozenset[str]] = frozenset({"sonarr", "radarr"})
    section: ClassVar[str] = "remote_path_mappings"
    entry: ClassVar[type[EntryModel]] = RemotePathMappingEntry
    depends_on: ClassVar[tuple[str, ...]] = ()
    reads: ClassVar[tuple[str, ...]] = (ENDPOINT,)
    sensitive: ClassVar[frozenset[str]] = frozenset()
    replace_on: ClassVar[frozenset[str]] = frozenset()

    def wanted(self, entries: tuple[ResourceEntry, ...], context: Context) -> Wants:
        objects: list[Wanted] = []
        problems: list[Diagnostic] = []
        seen: set[str] = set()
        for entry in entries:
            origin = str(entry.origin)
            try:
                parsed = RemotePathMappingEntry.model_validate(entry.value)
            except ValidationError as exc:
                problems.append(Diagnostic(origin, f"{self.section}: {first_error(exc)}"))
                continue
            host = parsed.host.strip()
            if not _ABSOLUTE.match(parsed.local_path):
                problems.append(
                    Diagnostic(
                        origin, f"{self.section}: local_path {parsed.local_path!r} must be an absolute path"
                    )
                )
                continue
            key = identity(host, parsed.remote_path)
            if key.lower() in seen:
                problems.append(
                    Diagnostic(
                        origin, f"{self.section}: {key!r} is mapped twice (host and remote path are the key)"
                    )
                )
                continue
            seen.add(key.lower())
            value = {
                "host": host,
                "remote_path": clean(parsed.remote_path),
                "local_path": clean(parsed.local_path),
            }
            objects.append(Wanted(key=key, name=key, value=value, origin=origin))
        return Wants(objects=tuple(objects), diagnostics=tuple(problems))

    def found(self, reads: Mapping[str, Any]) -> tuple[Found, ...]:
        rows = object_list(reads, ENDPOINT, {"id": int, "host": str, "remotePath": str, "localPath": str})
        return tuple(
            Found(
                id=row["id"],
                name=identity(row["host"], row["remotePath"]),
                raw=row,
                value={
                    "host": row["host"],
                    "remote_path": clean(row["remotePath"]),
                    "local_path": clean(row["localPath"]),
                },
            )
            for row in rows
        )

    def essence(self, found: Found, wanted: Wanted | None) -> Mapping[str, Any]:
        return {k: found.value.get(k) for k in ("host", "remote_path", "local_path")}

    def sensitive_in(self, reads: Mapping[str, Any]) -> frozenset[str]:
        return frozenset()

    def create_body(self, wanted: Wanted, resolved: Resolved, reads: Mapping[str, Any]) -> Any:
        return {
            "host": wanted.value["host"],
            "remotePath": as_directory(wanted.value["remote_path"]),
            "localPath": as_directory(wanted.value["local_path"]),
        }

    def update_body(self, wanted: Wanted, found: Found, resolved: Resolved) -> Any:
        return {"id": found.id, **self.create_body(wanted, resolved, {})}
