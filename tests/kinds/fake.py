"""A minimal kind with a secret and a replace-only field, to test the generic engine alone."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from syncd.config.model import ResourceEntry
from syncd.kinds.base import (
    Context,
    DeleteRule,
    EntryModel,
    Found,
    Request,
    Resolved,
    RestCollection,
    Wanted,
    Wants,
    object_list,
)


class ThingEntry(EntryModel):
    name: str
    host: str = "localhost"
    password: str = ""
    kind: str = "a"


class Thing(RestCollection):
    endpoint: ClassVar[str] = "thing"
    name: ClassVar[str] = "thing"
    services: ClassVar[frozenset[str]] = frozenset({"sonarr"})
    section: ClassVar[str] = "things"
    entry: ClassVar[type[EntryModel]] = ThingEntry
    depends_on: ClassVar[tuple[str, ...]] = ()
    reads: ClassVar[tuple[str, ...]] = ("thing",)
    sensitive: ClassVar[frozenset[str]] = frozenset({"password"})
    replace_on: ClassVar[frozenset[str]] = frozenset({"kind"})

    def __init__(self, delete: DeleteRule | None = None) -> None:
        self._delete = delete or DeleteRule()

    def wanted(self, entries: tuple[ResourceEntry, ...], context: Context) -> Wants:
        objects = []
        for entry in entries:
            parsed = ThingEntry.model_validate(entry.value)
            objects.append(
                Wanted(key=parsed.name, name=parsed.name, value=parsed.model_dump(exclude={"name"}))
            )
        return Wants(objects=tuple(objects), delete=self._delete)

    def found(self, reads: Mapping[str, Any]) -> tuple[Found, ...]:
        return tuple(
            Found(id=r["id"], name=r["name"], raw=r) for r in object_list(reads, "thing", {"id": int})
        )

    def essence(self, found: Found, wanted: Wanted | None) -> Mapping[str, Any]:
        defaults = ThingEntry(name=found.name).model_dump(exclude={"name"})
        return {k: found.raw.get(k, default) for k, default in defaults.items()}

    def sensitive_in(self, reads: Mapping[str, Any]) -> frozenset[str]:
        return frozenset()

    def create_body(self, wanted: Wanted, resolved: Resolved, reads: Mapping[str, Any]) -> Any:
        return {"name": wanted.name, **wanted.value}

    def update_body(self, wanted: Wanted, found: Found, resolved: Resolved) -> Any:
        return {**found.raw, "name": wanted.name, **wanted.value}


class Recorder:
    """A `Sender` that answers like a server: creates get the next id; `fail_at` fails a call."""

    def __init__(self, fail_at: int | None = None, reply_without_id: bool = False) -> None:
        self.sent: list[Request] = []
        self._fail_at = fail_at
        self._no_id = reply_without_id

    async def read(self, paths: Any) -> dict[str, Any]:
        return {}

    async def send(self, request: Request) -> Any:
        from syncd.errors import ApiRejectedError

        self.sent.append(request)
        if self._fail_at is not None and len(self.sent) == self._fail_at:
            raise ApiRejectedError("refused", instance="sonarr.main", status=400)
        if request.method == "POST":
            return {} if self._no_id else {**request.body, "id": 100 + len(self.sent)}
        return request.body


def entries(*values: Mapping[str, Any]) -> tuple[ResourceEntry, ...]:
    return tuple(ResourceEntry(value=dict(v)) for v in values)
