"""Root folders of a simulated Sonarr/Radarr, validated like `RootFolderController`.

Owns the root-folder table. There is GET (list and by id), POST and DELETE; no PUT, so a path
change is a delete plus a create. A POST runs the controller's path rules in order and stops at
the first failure (FluentValidation `StopOnFirstFailure`): a valid absolute path ("Invalid
Path"), not already a root folder, not the start-up folder or inside it, not the configured
recycle bin or inside it, existing in the fake filesystem, not a system folder or inside one,
writable. Every message is the server's own, on property `Path`. The answer shows the path
cleaned (trailing slash trimmed), `accessible`, free and total space and the unmapped folders
(sub-folders of the root folder). DELETE of an unknown id is quietly accepted, as the
repository's delete is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from syncd.simulator import paths
from syncd.simulator.rules import Failure, Rejection

Json = dict[str, Any]
FREE_SPACE = 512 * 1024**3
TOTAL_SPACE = 2 * 1024**4
PROCESS_USER = "abc"
"""The user the linuxserver images run the servers as; it appears in "not writable" messages."""


class RootFolders:
    """The root-folder table over a `FakeFilesystem`. `recycle_bin()` reads the live media
    management setting; `startup_folder` is where the server's binaries live."""

    def __init__(
        self,
        filesystem: paths.FakeFilesystem,
        next_id: Callable[[], int],
        recycle_bin: Callable[[], str],
        startup_folder: str,
    ) -> None:
        self.rows: dict[int, Json] = {}
        self.filesystem = filesystem
        self._next_id = next_id
        self._recycle_bin = recycle_bin
        self._startup_folder = startup_folder

    def _render(self, row: Json) -> Json:
        path: str = row["path"]
        accessible = self.filesystem.exists(path)
        return {
            "id": row["id"],
            "path": paths.clean(path),
            "accessible": accessible,
            "freeSpace": FREE_SPACE if accessible else None,
            "totalSpace": TOTAL_SPACE if accessible else None,
            "unmappedFolders": [
                {"name": child.rsplit("/", 1)[-1], "path": child, "relativePath": child.rsplit("/", 1)[-1]}
                for child in self.filesystem.children(path)
            ]
            if accessible
            else [],
        }

    def list_all(self) -> list[Json]:
        return [self._render(row) for row in self.rows.values()]

    def get(self, folder_id: int) -> Json:
        try:
            return self._render(self.rows[folder_id])
        except KeyError:
            raise Rejection.message(404, "NotFound") from None

    def _failure(self, path: Any) -> str | None:
        if not paths.is_valid(path):
            return "Invalid Path"
        if any(paths.equals(row["path"], path) for row in self.rows.values()):
            return f"Path '{path}' is already configured as a root folder"
        for label, special in (("the start up folder", self._startup_folder), ("", self._recycle_bin())):
            if not special:
                continue
            relationship = "set to" if paths.equals(special, path) else "child of"
            if paths.equals(special, path) or paths.is_parent(special, path):
                if label:
                    return f"Path '{path}' cannot be {relationship} {label}"
                return f"Path '{path}' is {relationship} configured recycle bin folder"
        if not self.filesystem.exists(path):
            return f"Path '{path}' does not exist"
        for system_folder in paths.SYSTEM_FOLDERS:
            if paths.equals(system_folder, path) or paths.is_parent(system_folder, path):
                relationship = "set to" if paths.equals(system_folder, path) else "child of"
                return f"Path '{path}' is {relationship} system folder {system_folder}"
        if not self.filesystem.writable(path):
            return f"Folder '{path}' is not writable by user '{PROCESS_USER}'"
        return None

    def create(self, body: Any) -> Json:
        if not isinstance(body, dict):
            raise Rejection.of(Failure("", "A JSON object is required.", body))
        path = body.get("path")
        message = self._failure(path)
        if message is not None:
            raise Rejection.of(Failure("Path", message, path))
        row: Json = {"id": self._next_id(), "path": path}
        self.rows[row["id"]] = row
        return self._render(row)

    def delete(self, folder_id: int) -> None:
        self.rows.pop(folder_id, None)
