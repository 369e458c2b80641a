"""A simulated Plex Media Server speaking real HTTP on loopback.

Owns the part of the (closed-source) PMS HTTP API the wiring uses, as python-plexapi and the
Sonarr/Radarr `PlexServerProxy` drive it: every endpoint but `GET /identity` needs the server's
token (`X-Plex-Token` header or query parameter; else 401). Answers are JSON when the client
sends `Accept: application/json`, XML otherwise.
- `GET /identity`: `claimed`, `machineIdentifier`, `version`.
- `GET /library/sections`: one `Directory` per section (`key`, `type`, `title`, `agent`,
  `scanner`, `language`, `uuid`, `Location[] {id, path}`).
- `POST /library/sections?name=&type=&agent=&scanner=&language=&location=` (location may
  repeat): `name`, `type` and at least one `location` are required; the type must be one PMS
  knows; each location must be a folder PMS can browse (the fake filesystem); agent, scanner
  and language default per type to PMS's own (`tv.plex.agents.movie` / `Plex Movie`,
  `tv.plex.agents.series` / `Plex TV Series` ..., `en-US`); an agent or scanner of another
  type is refused. 400 for a bad parameter.
- `GET|PUT|DELETE /library/sections/{key}` and `GET /library/sections/{key}/refresh`.
Failure injection and a record of every request.
"""

from __future__ import annotations

import json
import threading
import uuid
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree

from syncd.simulator.loopback import LoopbackServer
from syncd.simulator.paths import FakeFilesystem

Json = dict[str, Any]
UNAUTHORIZED = "<html><head><title>Unauthorized</title></head><body><h1>401 Unauthorized</h1></body></html>"


@dataclass(frozen=True)
class SectionType:
    """What PMS offers for one library type."""

    agent: str
    scanner: str
    agents: tuple[str, ...]
    scanners: tuple[str, ...]


SECTION_TYPES: dict[str, SectionType] = {
    "movie": SectionType(
        "tv.plex.agents.movie",
        "Plex Movie",
        (
            "tv.plex.agents.movie",
            "com.plexapp.agents.imdb",
            "com.plexapp.agents.themoviedb",
            "com.plexapp.agents.none",
        ),
        ("Plex Movie", "Plex Movie Scanner", "Plex Video Files Scanner", "Plex Video Files"),
    ),
    "show": SectionType(
        "tv.plex.agents.series",
        "Plex TV Series",
        (
            "tv.plex.agents.series",
            "com.plexapp.agents.thetvdb",
            "com.plexapp.agents.themoviedb",
            "com.plexapp.agents.none",
        ),
        ("Plex TV Series", "Plex Series Scanner"),
    ),
    "artist": SectionType(
        "tv.plex.agents.music",
        "Plex Music",
        ("tv.plex.agents.music", "com.plexapp.agents.lastfm", "com.plexapp.agents.none"),
        ("Plex Music", "Plex Music Scanner"),
    ),
    "photo": SectionType(
        "com.plexapp.agents.none",
        "Plex Photo Scanner",
        ("com.plexapp.agents.none",),
        ("Plex Photo Scanner",),
    ),
}


@dataclass(frozen=True)
class PlexRequest:
    """One request the server answered; `query` keeps repeated parameters (without the token)."""

    method: str
    path: str
    query: dict[str, list[str]]
    status: int


@dataclass(frozen=True)
class _Answer:
    status: int
    container: Json | None = None
    text: str = ""


class PlexError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(status, message)
        self.status = status
        self.message = message


class SimulatedPlex(LoopbackServer):
    """A claimed Plex Media Server on `http://127.0.0.1:<port>`. `sections` is its library
    (tests may edit it); `filesystem` is what PMS can browse."""

    def __init__(
        self, *, token: str, version: str = "1.41.3.9314-a0bfb8370", filesystem: FakeFilesystem | None = None
    ) -> None:
        self.token = token
        self.version = version
        self.machine_identifier = uuid.uuid5(uuid.NAMESPACE_URL, f"syncd-plex-{token}").hex
        self.filesystem = filesystem or FakeFilesystem()
        self.sections: dict[int, Json] = {}
        self.requests: list[PlexRequest] = []
        self._next_key = 1
        self._next_location = 1
        self._lock = threading.Lock()
        self._failures: list[tuple[int, int, str]] = []
        super().__init__()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        return _make_handler(self)

    def _thread_name(self) -> str:
        return "simulated-plex"

    def fail_next(self, count: int, status: int = 500, *, path_prefix: str = "") -> None:
        with self._lock:
            self._failures.append((count, status, path_prefix))

    def writes(self) -> list[PlexRequest]:
        with self._lock:
            return [r for r in self.requests if r.method in ("POST", "PUT", "DELETE")]

    # -------------------------------------------------------------- library

    def _render(self, section: Json) -> Json:
        return {
            "allowSync": True,
            "key": str(section["key"]),
            "type": section["type"],
            "title": section["title"],
            "agent": section["agent"],
            "scanner": section["scanner"],
            "language": section["language"],
            "uuid": section["uuid"],
            "refreshing": False,
            "hidden": 0,
            "Location": [dict(location) for location in section["locations"]],
        }

    def _read(self, query: dict[str, list[str]], current: Json | None) -> Json:
        def one(name: str) -> str | None:
            values = query.get(name)
            return values[-1] if values else None

        kind = one("type") or (current["type"] if current else None)
        name = one("name") or (current["title"] if current else None)
        if not name:
            raise PlexError(400, "A library needs a name")
        if kind not in SECTION_TYPES:
            raise PlexError(400, f"Unknown library type {kind!r}")
        if current is not None and kind != current["type"]:
            raise PlexError(400, "A library keeps its type")
        spec = SECTION_TYPES[kind]
        agent = one("agent") or (current["agent"] if current else spec.agent)
        scanner = one("scanner") or (current["scanner"] if current else spec.scanner)
        if agent not in spec.agents:
            raise PlexError(400, f"Agent {agent!r} does not handle {kind} libraries")
        if scanner not in spec.scanners:
            raise PlexError(400, f"Scanner {scanner!r} does not handle {kind} libraries")
        locations = query.get("location") or (
            [loc["path"] for loc in current["locations"]] if current else []
        )
        if not locations:
            raise PlexError(400, "A library needs at least one location")
        for path in locations:
            if not self.filesystem.exists(path):
                raise PlexError(400, f"Location {path!r} cannot be browsed")
        return {
            "type": kind,
            "title": name,
            "agent": agent,
            "scanner": scanner,
            "language": one("language") or (current["language"] if current else "en-US"),
            "paths": [path.rstrip("/") or "/" for path in locations],
        }

    def _locations(self, paths: list[str], current: Json | None) -> list[Json]:
        known = {loc["path"]: loc for loc in (current["locations"] if current else [])}
        result = []
        for path in paths:
            if path not in known:
                known[path] = {"id": self._next_location, "path": path}
                self._next_location += 1
            result.append(known[path])
        return result

    def _create(self, query: dict[str, list[str]]) -> Json:
        fields = self._read(query, None)
        key = self._next_key
        self._next_key += 1
        section = {
            "key": key,
            "uuid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{self.machine_identifier}/{key}")),
            "locations": self._locations(fields.pop("paths"), None),
            **fields,
        }
        self.sections[key] = section
        return section

    def _edit(self, key: int, query: dict[str, list[str]]) -> None:
        current = self.sections[key]
        fields = self._read(query, current)
        current["locations"] = self._locations(fields.pop("paths"), current)
        current.update(fields)

    # -------------------------------------------------------------- serving

    def answer(self, method: str, path: str, query: dict[str, list[str]], headers: Any) -> _Answer:
        with self._lock:
            for index, (count, status, prefix) in enumerate(self._failures):
                if count > 0 and path.startswith(prefix):
                    self._failures[index] = (count - 1, status, prefix)
                    return _Answer(status, text="injected failure")
            if (method, path.rstrip("/")) == ("GET", "/identity"):
                return _Answer(
                    200,
                    {
                        "size": 0,
                        "claimed": True,
                        "machineIdentifier": self.machine_identifier,
                        "version": self.version,
                    },
                )
            sent = query.get("X-Plex-Token") or []
            token = headers.get("X-Plex-Token") or (sent[-1] if sent else None)
            if token != self.token:
                return _Answer(401, text=UNAUTHORIZED)
            try:
                return self._route(method, path.rstrip("/"), query)
            except PlexError as error:
                return _Answer(
                    error.status, text=f"<html><body><h1>{error.status} {error.message}</h1></body></html>"
                )

    def _route(self, method: str, path: str, query: dict[str, list[str]]) -> _Answer:
        parts = path.strip("/").split("/")
        if parts[:2] != ["library", "sections"]:
            return _Answer(404, text="Not Found")
        if len(parts) == 2:
            if method == "GET":
                directories = [self._render(s) for s in self.sections.values()]
                return _Answer(
                    200,
                    {
                        "size": len(directories),
                        "allowSync": False,
                        "title1": "Plex Library",
                        "Directory": directories,
                    },
                )
            if method == "POST":
                section = self._create(query)
                return _Answer(201, {"size": 1, "Directory": [self._render(section)]})
            return _Answer(405, text="Method Not Allowed")
        if not parts[2].isdigit() or int(parts[2]) not in self.sections:
            return _Answer(404, text="Not Found")
        key = int(parts[2])
        if len(parts) == 4 and parts[3] == "refresh" and method == "GET":
            return _Answer(200)
        if len(parts) != 3:
            return _Answer(404, text="Not Found")
        if method == "GET":
            return _Answer(200, {"size": 1, "Directory": [self._render(self.sections[key])]})
        if method == "PUT":
            if not query.get("agent"):
                raise PlexError(400, "An edit names the agent")
            self._edit(key, query)
            return _Answer(200)
        if method == "DELETE":
            del self.sections[key]
            return _Answer(200)
        return _Answer(405, text="Method Not Allowed")

    def record(self, request: PlexRequest) -> None:
        with self._lock:
            self.requests.append(request)


def _xml(container: Json) -> str:
    root = ElementTree.Element("MediaContainer")
    for key, value in container.items():
        if isinstance(value, list):
            for item in value:
                child = ElementTree.SubElement(root, key)
                for name, attribute in item.items():
                    if isinstance(attribute, list):
                        for sub in attribute:
                            ElementTree.SubElement(child, name, {k: str(v) for k, v in sub.items()})
                    else:
                        child.set(name, str(int(attribute) if isinstance(attribute, bool) else attribute))
        else:
            root.set(key, str(int(value) if isinstance(value, bool) else value))
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(root, encoding="unicode")


def _make_handler(simulator: SimulatedPlex) -> type[BaseHTTPRequestHandler]:
    class _Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        timeout = 10

        def log_message(self, format: str, *args: Any) -> None:
            """Stay silent: tests and the demo own the terminal."""

        def _serve(self) -> None:
            parts = urlsplit(self.path)
            query = parse_qs(parts.query, keep_blank_values=True)
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            answer = simulator.answer(self.command, parts.path, query, self.headers)
            recorded = {k: v for k, v in query.items() if k != "X-Plex-Token"}
            simulator.record(PlexRequest(self.command, parts.path, recorded, answer.status))
            if answer.container is None:
                payload, content_type = answer.text.encode(), "text/html"
            elif "application/json" in str(self.headers.get("Accept", "")):
                payload = json.dumps({"MediaContainer": answer.container}).encode()
                content_type = "application/json"
            else:
                payload, content_type = _xml(answer.container).encode(), "text/xml;charset=utf-8"
            self.send_response(answer.status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_DELETE = _serve

    return _Handler
