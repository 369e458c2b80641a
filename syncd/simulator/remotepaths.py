"""Remote path mappings of a simulated Sonarr/Radarr, as `RemotePathMappingController` and
`RemotePathMappingService` treat them.

Owns the mapping table: `host` and `remotePath` must not be empty, `localPath` must be a valid
path that exists in the fake filesystem (messages on properties `Host`, `RemotePath`,
`LocalPath`). A POST stores both paths as directories, with one trailing separator
(`OsPath.AsDirectory`), so `/data/downloads` reads back as `/data/downloads/`; a PUT stores them
as sent. A second mapping for the same host and remote path is refused with the service's own
"RemotePath already configured." (an `InvalidOperationException`, so a 500, as on the real
server). Unknown ids are 404 on GET and PUT; DELETE of one is quietly accepted.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from syncd.simulator import paths
from syncd.simulator.rules import Failure, Rejection, raise_failures

Json = dict[str, Any]


def as_directory(path: str) -> str:
    """`OsPath.AsDirectory().FullPath`: one trailing separator of the path's own kind."""
    separator = "\\" if "\\" in path and "/" not in path else "/"
    return path.rstrip("/\\") + separator


class RemotePathMappings:
    """The remote-path-mapping table over a `FakeFilesystem`."""

    def __init__(self, filesystem: paths.FakeFilesystem, next_id: Callable[[], int]) -> None:
        self.rows: dict[int, Json] = {}
        self._filesystem = filesystem
        self._next_id = next_id

    def list_all(self) -> list[Json]:
        return [dict(row) for row in self.rows.values()]

    def get(self, mapping_id: int) -> Json:
        return dict(self._find(mapping_id))

    def _find(self, mapping_id: int) -> Json:
        try:
            return self.rows[mapping_id]
        except KeyError:
            raise Rejection.message(404, "NotFound") from None

    def _read(self, body: Any, mapping_id: int) -> Json:
        if not isinstance(body, dict):
            raise Rejection.of(Failure("", "A JSON object is required.", body))
        failures: list[Failure] = []
        for key, label in (("host", "Host"), ("remotePath", "Remote Path")):
            value = body.get(key)
            if not isinstance(value, str) or not value.strip():
                failures.append(Failure(key[0].upper() + key[1:], f"'{label}' must not be empty.", value))
        local = body.get("localPath")
        if not paths.is_valid(local):
            failures.append(Failure("LocalPath", "Invalid Path", local))
        elif not self._filesystem.exists(str(local)):
            failures.append(Failure("LocalPath", f"Path '{local}' does not exist", local))
        raise_failures(failures)
        return {"id": mapping_id, "host": body["host"], "remotePath": body["remotePath"], "localPath": local}

    def _refuse_duplicates(self, mapping: Json) -> None:
        for row in self.rows.values():
            same = row["host"] == mapping["host"] and row["remotePath"] == mapping["remotePath"]
            if same and row["id"] != mapping["id"]:
                raise Rejection(500, {"message": "RemotePath already configured."})

    def create(self, body: Any) -> Json:
        mapping = self._read(body, 0)
        mapping["localPath"] = as_directory(mapping["localPath"])
        mapping["remotePath"] = as_directory(mapping["remotePath"])
        self._refuse_duplicates(mapping)
        mapping["id"] = self._next_id()
        self.rows[mapping["id"]] = mapping
        return dict(mapping)

    def update(self, mapping_id: int, body: Any) -> Json:
        self._find(mapping_id)
        mapping = self._read(body, mapping_id)
        self._refuse_duplicates(mapping)
        self.rows[mapping_id] = mapping
        return dict(mapping)

    def delete(self, mapping_id: int) -> None:
        self.rows.pop(mapping_id, None)
