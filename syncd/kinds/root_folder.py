"""The Sonarr/Radarr root folder (`/api/v3/rootfolder`): config `root_folders: [/data/library/tvshows]`.

A root folder is its path: there is no PUT, so nothing is ever updated in place, and a path
the config no longer lists is a different object (deleted only when `delete` allows it).
Paths compare with trailing slashes trimmed, as the server compares them. The server checks
on POST that the path exists inside its container and is writable; its message is reported.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from pydantic import ValidationError

from syncd.config.model import ResourceEntry
from syncd.errors import Diagnostic
from syncd.kinds.base import (
    Context,
    EntryModel,
    Found,
    Resolved,
    RestCollection,
    Wanted,
    Wants,
    object_list,
)

ENDPOINT = "rootfolder"


class RootFolderEntry(EntryModel):
    path: str


def clean(path: str) -> str:
    return path.rstrip("/") or "/"


class RootFolder(RestCollection):
    endpoint: ClassVar[str] = ENDPOINT
    name: ClassVar[str] = "root_folder"
    services: ClassVar[frozenset[str]] = frozenset({"sonarr", "radarr"})
    section: ClassVar[str] = "root_folders"
    entry: ClassVar[type[EntryModel]] = RootFolderEntry
    depends_on: ClassVar[tuple[str, ...]] = ()
    reads: ClassVar[tuple[str, ...]] = (ENDPOINT,)
    sensitive: ClassVar[frozenset[str]] = frozenset()
    replace_on: ClassVar[frozenset[str]] = frozenset({"path"})

    def wanted(self, entries: tuple[ResourceEntry, ...], context: Context) -> Wants:
        objects: list[Wanted] = []
        problems: list[Diagnostic] = []
        for entry in entries:
            value = {"path": entry.value} if isinstance(entry.value, str) else entry.value
            try:
                path = clean(RootFolderEntry.model_validate(value).path)
            except ValidationError as exc:
                problems.append(Diagnostic(str(entry.origin), f"root_folders: {exc.errors()[0]['msg']}"))
                continue
            if not path.startswith("/"):
                problems.append(
                    Diagnostic(str(entry.origin), f"root folder {path!r} must be an absolute path")
                )
                continue
            objects.append(Wanted(key=path, name=path, value={"path": path}, origin=str(entry.origin)))
        return Wants(objects=tuple(objects), diagnostics=tuple(problems))

    def found(self, reads: Mapping[str, Any]) -> tuple[Found, ...]:
        folders = object_list(reads, ENDPOINT, {"id": int, "path": str})
        return tuple(Found(id=f["id"], name=clean(f["path"]), raw=f) for f in folders)

    def essence(self, found: Found, wanted: Wanted | None) -> Mapping[str, Any]:
        return {"path": clean(found.raw["path"])}

    def sensitive_in(self, reads: Mapping[str, Any]) -> frozenset[str]:
        return frozenset()

    def create_body(self, wanted: Wanted, resolved: Resolved, reads: Mapping[str, Any]) -> Any:
        return {"path": wanted.value["path"]}
