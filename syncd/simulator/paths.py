"""The simulated servers' notion of a filesystem, and the path rules the real servers apply.

Owns `FakeFilesystem` (the folders that exist inside the simulated container, and which of them
the server process may write) and the path helpers of Sonarr/Radarr's `PathExtensions` for a
Linux host: a valid path is absolute and free of NUL; paths compare after their trailing
slashes are trimmed (`PathEquals`, case-sensitive on Linux); `IsParentPath` is strict.
"""

from __future__ import annotations

from collections.abc import Iterable

SYSTEM_FOLDERS = (
    "/bin",
    "/boot",
    "/lib",
    "/sbin",
    "/proc",
    "/usr/bin",
    "/usr/sbin",
    "/usr/local/bin",
    "/usr/local/sbin",
)
"""`SystemFolders.GetSystemFolders()` on Linux: no root folder may be one of them or inside one."""

DEFAULT_FOLDERS = (
    "/data",
    "/data/downloads",
    "/data/downloads/tv",
    "/data/downloads/movies",
    "/data/library",
    "/data/library/tvshows",
    "/data/library/movies",
    "/tv",
    "/movies",
    "/downloads",
)
"""The writable folders a simulated server starts with: the chart's layout plus the images'
customary mount points."""


def clean(path: str) -> str:
    """`GetCleanPath` on Linux: trailing slashes trimmed, the root stays `/`."""
    trimmed = path.rstrip("/")
    return trimmed or "/"


def is_valid(path: object) -> bool:
    """`IsPathValid` for a Linux host: a non-blank absolute path without NUL."""
    return isinstance(path, str) and bool(path.strip()) and path.startswith("/") and "\0" not in path


def equals(first: str, second: str) -> bool:
    return clean(first) == clean(second)


def is_parent(parent: str, child: str) -> bool:
    """True when `child` lies strictly below `parent`."""
    parent, child = clean(parent), clean(child)
    if parent == child:
        return False
    return child.startswith("/" if parent == "/" else parent + "/")


class FakeFilesystem:
    """Folders that exist in the simulated container. Every ancestor of a folder exists too;
    a folder is writable unless added with `writable=False`."""

    def __init__(self, folders: Iterable[str] = DEFAULT_FOLDERS) -> None:
        self._folders: dict[str, bool] = {"/": False}
        for system_folder in SYSTEM_FOLDERS:
            self.add(system_folder, writable=False)
        for folder in folders:
            self.add(folder)

    def add(self, path: str, *, writable: bool = True) -> None:
        path = clean(path)
        parts = [part for part in path.split("/") if part]
        for depth in range(1, len(parts)):
            self._folders.setdefault("/" + "/".join(parts[:depth]), False)
        self._folders[path] = writable

    def remove(self, path: str) -> None:
        """Remove the folder and everything below it."""
        path = clean(path)
        for folder in [f for f in self._folders if f == path or is_parent(path, f)]:
            del self._folders[folder]

    def exists(self, path: str) -> bool:
        return clean(path) in self._folders

    def writable(self, path: str) -> bool:
        return self._folders.get(clean(path), False)

    def children(self, path: str) -> list[str]:
        """The folders directly below `path`, sorted."""
        path = clean(path)
        return sorted(f for f in self._folders if is_parent(path, f) and "/" not in f[len(path) :].strip("/"))
