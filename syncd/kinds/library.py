"""The Plex library section (`/library/sections`): config `libraries:` of a `plex:` instance.

    libraries:
      - {name: Movies, type: movie, path: /data/library/movies}
      - {name: TV Shows, type: show, paths: [/data/library/tvshows, /data/more/tv]}

A library is matched by its name (Plex's `title`). `type` is `movie`, `show`, `artist` or
`photo`; `agent` and `scanner` default to Plex's own for the type (movie: `tv.plex.agents.movie`
/ `Plex Movie`, show: `tv.plex.agents.series` / `Plex TV Series`), `language` to Plex's `en-US`
on create (and is compared only when the config sets it). Locations compare as a set with
trailing slashes trimmed. A create is `POST library/sections?name=&type=&agent=&scanner=
&language=&location=` (one `location` per folder; Plex checks it can browse each), an edit
`PUT library/sections/{key}?...` with the agent (Plex requires it), a type change a replace
(Plex keeps a library's type), and a delete `DELETE library/sections/{key}`, only as `delete:`
allows. Plex names a section by its `key`, the section's number as a string; the id syncd keeps
is that number.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Literal
from urllib.parse import urlencode

from pydantic import Field, ValidationError, model_validator

from syncd.config.model import ResourceEntry
from syncd.errors import Diagnostic
from syncd.kinds.base import Context, EntryModel, Found, Request, Resolved, ShapeError, Wanted, Wants

ENDPOINT = "library/sections"
LibraryType = Literal["movie", "show", "artist", "photo"]
# Plex's own agent and scanner for a new library of each type.
DEFAULTS: Mapping[str, tuple[str, str]] = {
    "movie": ("tv.plex.agents.movie", "Plex Movie"),
    "show": ("tv.plex.agents.series", "Plex TV Series"),
    "artist": ("tv.plex.agents.music", "Plex Music"),
    "photo": ("com.plexapp.agents.none", "Plex Photo Scanner"),
}
DEFAULT_LANGUAGE = "en-US"


class LibraryEntry(EntryModel):
    name: str = Field(min_length=1)
    type: LibraryType
    path: str | None = None
    paths: list[str] | None = None
    agent: str | None = None
    scanner: str | None = None
    language: str | None = None

    @model_validator(mode="after")
    def _one_location_key(self) -> LibraryEntry:
        if (self.path is None) == (self.paths is None):
            raise ValueError("give either `path` or `paths`")
        if self.paths is not None and not self.paths:
            raise ValueError("`paths` needs at least one folder")
        if any(not p.startswith("/") for p in self.locations):
            raise ValueError("library folders must be absolute paths")
        return self

    @property
    def locations(self) -> list[str]:
        return [self.path] if self.path is not None else list(self.paths or [])


def clean(path: str) -> str:
    return path.rstrip("/") or "/"


class Library:
    name: ClassVar[str] = "library"
    services: ClassVar[frozenset[str]] = frozenset({"plex"})
    section: ClassVar[str] = "libraries"
    entry: ClassVar[type[EntryModel]] = LibraryEntry
    depends_on: ClassVar[tuple[str, ...]] = ()
    reads: ClassVar[tuple[str, ...]] = (ENDPOINT,)
    sensitive: ClassVar[frozenset[str]] = frozenset()
    replace_on: ClassVar[frozenset[str]] = frozenset({"type"})

    def wanted(self, entries: tuple[ResourceEntry, ...], context: Context) -> Wants:
        objects: list[Wanted] = []
        problems: list[Diagnostic] = []
        for entry in entries:
            try:
                parsed = LibraryEntry.model_validate(entry.value)
            except ValidationError as exc:
                error = exc.errors()[0]
                where = ".".join(str(p) for p in error["loc"])
                problems.append(
                    Diagnostic(str(entry.origin), f"libraries: {where + ': ' if where else ''}{error['msg']}")
                )
                continue
            agent, scanner = DEFAULTS[parsed.type]
            value: dict[str, Any] = {
                "type": parsed.type,
                "agent": parsed.agent or agent,
                "scanner": parsed.scanner or scanner,
                "locations": sorted({clean(p) for p in parsed.locations}),
            }
            if parsed.language is not None:
                value["language"] = parsed.language
            objects.append(Wanted(key=parsed.name, name=parsed.name, value=value, origin=str(entry.origin)))
        return Wants(objects=tuple(objects), diagnostics=tuple(problems))

    def found(self, reads: Mapping[str, Any]) -> tuple[Found, ...]:
        reply = reads.get(ENDPOINT)
        container = reply.get("MediaContainer") if isinstance(reply, Mapping) else None
        if not isinstance(container, Mapping):
            raise ShapeError(ENDPOINT, "expected a JSON object with a MediaContainer")
        # Plex leaves `Directory` out when there is no library at all.
        directories = container.get("Directory") or []
        if not isinstance(directories, list):
            raise ShapeError(ENDPOINT, "MediaContainer.Directory is not a list")
        return tuple(_found(index, item) for index, item in enumerate(directories))

    def essence(self, found: Found, wanted: Wanted | None) -> Mapping[str, Any]:
        keys = wanted.value if wanted is not None else ("type", "agent", "scanner", "locations")
        return {k: found.value.get(k) for k in keys}

    def sensitive_in(self, reads: Mapping[str, Any]) -> frozenset[str]:
        return frozenset()

    def request(
        self,
        action: str,
        wanted: Wanted | None,
        found: Found | None,
        resolved: Resolved,
        reads: Mapping[str, Any],
    ) -> Request:
        if action == "delete":
            assert found is not None
            return Request("DELETE", f"{ENDPOINT}/{found.id}")
        assert wanted is not None
        value = wanted.value
        query = [("name", wanted.name)]
        if action == "create":
            query.append(("type", value["type"]))
        query += [("agent", value["agent"]), ("scanner", value["scanner"])]
        if action == "create" or "language" in value:
            query.append(("language", value.get("language", DEFAULT_LANGUAGE)))
        query += [("location", path) for path in value["locations"]]
        if action == "create":
            return Request("POST", f"{ENDPOINT}?{urlencode(query)}")
        assert found is not None
        return Request("PUT", f"{ENDPOINT}/{found.id}?{urlencode(query)}")


def _found(index: int, item: Any) -> Found:
    if not isinstance(item, Mapping):
        raise ShapeError(ENDPOINT, f"Directory {index} is not an object")
    key, title = item.get("key"), item.get("title")
    if not isinstance(title, str):
        raise ShapeError(ENDPOINT, f"Directory {index} has no valid 'title'")
    # The section's number, as a string in Plex's JSON (an int would do too).
    if isinstance(key, bool) or not (isinstance(key, int) or (isinstance(key, str) and key.isdigit())):
        raise ShapeError(ENDPOINT, f"Directory {index} ({title!r}) has no numeric 'key' ({key!r})")
    locations = item.get("Location") or []
    if not isinstance(locations, list) or not all(
        isinstance(loc, Mapping) and isinstance(loc.get("path"), str) for loc in locations
    ):
        raise ShapeError(ENDPOINT, f"Directory {index} ({title!r}) has no valid Location list")
    value = {
        "type": item.get("type"),
        "agent": item.get("agent"),
        "scanner": item.get("scanner"),
        "language": item.get("language"),
        "locations": sorted({clean(loc["path"]) for loc in locations}),
    }
    return Found(id=int(key), name=title, raw=item, value=value)
