"""Categories of a simulated qBittorrent, with the rules of its WebUI `TorrentsController` and
`SessionImpl` (4.5 through 5.x).

Owns the category table and its four actions:
- `createCategory` needs `category` (else 400); an empty name is 400 "Category cannot be
  empty"; a name with `\\`, a leading or trailing `/` or `//` is 409 "Incorrect category name";
  an existing one is 409 "Unable to create category"; with subcategories on, missing parents
  are created too;
- `editCategory` needs `category` and `savePath` (else 400); a missing category, and before
  5.2 an edit that changes nothing, is 409 "Unable to edit category"; from 5.2 a missing one
  is 404 and an unchanged one is fine;
- `removeCategories` takes newline-separated names, ignores unknown ones and, with
  subcategories on, removes the children too;
- the listing is `{name: {name, savePath, download_path}}`, `download_path` absent when the
  category has no download-path option, `false` when it is off, else the path.
Paths are stored the way qBittorrent's `Path` normalises them (no trailing separator).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

_VALID_NAME = re.compile(r"^([^\\/]|[^\\/]([^\\/]|/(?=[^/]))*[^\\/])$")


class CategoryError(Exception):
    """The HTTP error the WebUI answers: status and plain-text message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(status, message)
        self.status = status
        self.message = message


def _path(value: str) -> str:
    return value.rstrip("/") if value.strip("/") else value


def _at_least(version: str, floor: tuple[int, int]) -> bool:
    parts = tuple(int(p) for p in version.split(".")[:2] if p.isdigit())
    return parts >= floor


def _flag(value: str | None) -> bool | None:
    """`Utils::String::parseBool`: "true"/"false" case-insensitively, anything else unset."""
    if value is None:
        return None
    lowered = value.strip().lower()
    return True if lowered == "true" else False if lowered == "false" else None


class Categories:
    """The category table. `subcategories()` reads the live `use_subcategories` preference."""

    def __init__(self, version: str, subcategories: Callable[[], bool]) -> None:
        self.rows: dict[str, dict[str, Any]] = {}
        """name -> {"savePath": str, "downloadPath": None | (enabled, path)}; tests may edit it."""
        self._version = version
        self._subcategories = subcategories

    def to_json(self) -> dict[str, Any]:
        listing: dict[str, Any] = {}
        for name, options in sorted(self.rows.items()):
            entry: dict[str, Any] = {"name": name, "savePath": options["savePath"]}
            download = options.get("downloadPath")
            if download is not None:
                entry["download_path"] = download[1] if download[0] else False
            listing[name] = entry
        return listing

    def _options(self, form: dict[str, str]) -> dict[str, Any]:
        enabled = _flag(form.get("downloadPathEnabled"))
        download = None if enabled is None else (enabled, _path(form.get("downloadPath", "")))
        return {"savePath": _path(form.get("savePath", "")), "downloadPath": download}

    def create(self, form: dict[str, str]) -> None:
        if "category" not in form:
            raise CategoryError(400, "Bad Request")
        name = form["category"]
        if not name:
            raise CategoryError(400, "Category cannot be empty")
        if not _VALID_NAME.match(name):
            raise CategoryError(409, "Incorrect category name")
        if name in self.rows:
            raise CategoryError(409, "Unable to create category")
        if self._subcategories():
            parts = name.split("/")
            for depth in range(1, len(parts)):
                self.rows.setdefault("/".join(parts[:depth]), {"savePath": "", "downloadPath": None})
        self.rows[name] = self._options(form)

    def edit(self, form: dict[str, str]) -> None:
        if "category" not in form or "savePath" not in form:
            raise CategoryError(400, "Bad Request")
        name = form["category"]
        if not name:
            raise CategoryError(400, "Category cannot be empty")
        newer = _at_least(self._version, (5, 2))
        if name not in self.rows:
            raise (
                CategoryError(404, "Category does not exist")
                if newer
                else CategoryError(409, "Unable to edit category")
            )
        options = self._options(form)
        if options == self.rows[name] and not newer:
            raise CategoryError(409, "Unable to edit category")
        self.rows[name] = options

    def remove(self, form: dict[str, str]) -> None:
        if "categories" not in form:
            raise CategoryError(400, "Bad Request")
        for name in form["categories"].split("\n"):
            if self._subcategories():
                for child in [c for c in self.rows if c.startswith(name + "/")]:
                    del self.rows[child]
            self.rows.pop(name, None)
