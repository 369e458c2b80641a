"""Pure: what a resource kind is, and the values it trades with the generic engine.

A kind (one module under `syncd.kinds`, one line in `syncd.kinds.registry`) declares its
name (which gives the address: `sonarr.main.tag["anime"]`), the services that host it, its
config section and entry model (strict), the kinds it `depends_on`, the collections it reads,
its sensitive fields (dotted paths into the essence, `fields.password`) and the fields whose
change means replace, and these pure functions:

* `wanted`: config entries and the `Context` (this instance, its peers) -> `Wanted` objects
  (identity `key`, display `name`, the desired essence `value`), with diagnostics that carry
  file:line;
* `found`: the raw JSON of its collections -> `Found` objects; a reply of the wrong shape
  raises `ShapeError`, naming the endpoint and what was wrong;
* `sensitive_in`: sensitive paths the server declares at runtime (a provider's `/schema`);
* `essence`: the comparable projection of a live object onto what the config speaks about;
* `request`: the write (`Request`: method, path, body) for an action, given the live object,
  the ids resolved so far in this apply and the kind's reads (a `/schema` template); a kind
  whose objects live in one REST collection gets it from `RestCollection`.

Optional declarations (absent means the default; see the functions at the end):

* `singleton = True`: the instance has exactly one (naming); its address has no `["name"]`;
* `fixed = True`: the server holds a fixed set (quality definitions, config singletons):
  syncd never creates, deletes or owns them, and a wanted one the server lacks is an error;
* `settle(wanted, found, reads, planned)`: the wanted object completed against the live state
  and the changes planned for the kinds it depends on (a profile scores the formats the server
  will hold), or the diagnostics (errors, or a warning) of why nothing is planned for it (a
  field the server does not have). A diagnostic without a location gets the object's;
* `bulk = True`: all updates of the kind are one request, `bulk_request(pairs, reads)`;
* `create_reads`: collections read only when apply creates an object (a `/schema` template),
  so a no-op plan never pays for them; read once at the start of the apply, alongside the first
  writes, so what they return must not depend on this apply's writes;
* `repairs_kind` + `repair_reads` + `repairs(reads, planned)`: the server itself edits objects
  of `repairs_kind` on every create of this kind, not atomically, so creates that overlap lose
  some of those edits (Sonarr/Radarr add a new custom format to every quality profile), and an
  object left so stays damaged. The plan reads `repair_reads` with the kind's own reads and plans
  an update of `repairs_kind` (`Change.repair`) for each `Repair` found, given the kind's
  `planned` changes (what they delete is no loss); apply builds each planned repair anew from
  fresh reads, and after overlapping creates of this apply sends every repair found. Neither
  goes to objects of `repairs_kind` that are written whole anyway;
* `spare_reads` + `spared(found, reads)`: when a delete is planned, read these and keep the
  objects `spared` names a reason for (a profile still in use), as a warning.

Everything else (matching, diffing, actions, delete policy, ownership, secrets, ordering,
sending) is the engine's (`syncd.plan.engine`, `syncd.apply.engine`), so no module outside a
kind gives a kind's name a meaning.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal, Protocol

from pydantic import BaseModel, ConfigDict

from syncd.config.model import ResourceEntry
from syncd.domain.state import DesiredInstance
from syncd.errors import Diagnostic

Raw = Mapping[str, Any]
Method = Literal["POST", "PUT", "DELETE"]


class EntryModel(BaseModel):
    """Base of every kind's config entry model: strict, frozen, unknown keys refused."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)


@dataclass(frozen=True)
class Wanted:
    """One object the config wants. `key` is the ownership key, `name` the display name and the
    name syncd adopts an existing object by; `value` is the desired essence (JSON-able),
    sensitive fields in plain text (the engine masks them before anything leaves the process)."""

    key: str
    name: str
    value: Mapping[str, Any]
    origin: str = ""
    reason: str = ""
    # How the object refers to objects of other kinds (display name -> reference), for its
    # kind's `request` to resolve to ids (a profile's custom formats).
    references: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    # Where each top-level field of `value` was written, when entries set fields one by one
    # (qBittorrent preferences); diagnostics about one field name its line.
    origins: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Found:
    """One object the server holds: its id (None for singletons without one), the name it is
    matched by, and the raw JSON as fetched (whole-object writes start from it). An object
    the server keys by its name alone (a qBittorrent category) has no id and `keyed_by_name`:
    it is matched, owned and deleted by its exact name. An object with neither cannot be
    addressed: it is never owned or deleted."""

    id: int | None
    name: str
    raw: Raw
    # The kind's own reading of `raw` where it needs other collections (tag ids as labels).
    value: Mapping[str, Any] = field(default_factory=dict)
    keyed_by_name: bool = False


@dataclass(frozen=True)
class Request:
    method: Method
    path: str
    body: Any = None
    # For a create of an object the server knows by name alone: that name, which stands for
    # the id the server's answer does not carry.
    identity: str | None = None


@dataclass(frozen=True)
class Repair:
    """A write restoring what the server lost on one object it edits itself: the object
    (`object_id`, display `name`), the request, and for the plan why (`reason`) and what it
    restores, in the essence's terms of the repaired kind (`before` -> `after`)."""

    object_id: int
    name: str
    request: Request
    reason: str
    before: Mapping[str, Any]
    after: Mapping[str, Any]


@dataclass(frozen=True)
class DeleteRule:
    """What the engine may delete of one kind: objects syncd owns that the config no longer
    wants (`owned`), and objects it never managed (`unmanaged`), except the `ignore` names."""

    owned: bool = False
    unmanaged: bool = False
    ignore: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Planned:
    """A change planned for a kind another kind depends on, as the dependent kind sees it: the
    object's key and name as they will be once written, the live id it has (None: it is
    about to be created), and the action (`create`, `update`, `delete`, `no-op`, ...)."""

    key: str
    name: str
    live_id: int | None
    action: str


@dataclass(frozen=True)
class Resolved:
    """Ids known so far in an apply: kind -> ownership key -> server id (created objects
    included as soon as the server answered)."""

    ids: Mapping[str, Mapping[str, int]] = field(default_factory=dict)

    def id_of(self, kind: str, key: str) -> int | None:
        return self.ids.get(kind, {}).get(key)


class ShapeError(ValueError):
    """A server reply is valid JSON of the wrong shape. `endpoint` is the API path."""

    def __init__(self, endpoint: str, problem: str) -> None:
        self.endpoint = endpoint
        self.problem = problem
        super().__init__(f"{endpoint}: {problem}")


@dataclass(frozen=True)
class Wants:
    """What a kind made of its config entries."""

    objects: tuple[Wanted, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
    delete: DeleteRule = DeleteRule()


@dataclass(frozen=True)
class Peer:
    """Another instance of the config as the services see each other: its `address`
    (`qbittorrent.main`), `service`, the `url` the other services reach it by (its `peer_url`,
    else its `base_url`), and the credentials a connection to it needs (`secret`: API key,
    password or token; never shown in a repr)."""

    address: str
    service: str
    url: str
    username: str | None = None
    secret: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class Context:
    """What a kind knows besides its entries: the instance it plans for (`address`, `service`,
    `url` = its own peer URL) and every instance it may reference, by address."""

    instance: str
    service: str
    url: str = ""
    peers: Mapping[str, Peer] = field(default_factory=dict)
    # What config and guides resolve to for this instance (custom formats, profiles, sizes,
    # naming, media management): the kinds of the TRaSH-backed sections read it.
    desired: DesiredInstance | None = None


class Kind(Protocol):
    """A resource kind. Class attributes declare; methods are pure."""

    name: ClassVar[str]
    services: ClassVar[frozenset[str]]
    # The instance config key holding this kind's entries (one `ResourceEntry` each).
    section: ClassVar[str]
    entry: ClassVar[type[EntryModel]]
    depends_on: ClassVar[tuple[str, ...]]
    # API paths (relative to the API root) read to know the live objects.
    reads: ClassVar[tuple[str, ...]]
    sensitive: ClassVar[frozenset[str]]
    replace_on: ClassVar[frozenset[str]]

    def wanted(self, entries: tuple[ResourceEntry, ...], context: Context) -> Wants: ...

    def found(self, reads: Mapping[str, Any]) -> tuple[Found, ...]: ...

    def sensitive_in(self, reads: Mapping[str, Any]) -> frozenset[str]:
        """Sensitive field paths the server declares (a provider's `/schema` privacy)."""
        ...

    def essence(self, found: Found, wanted: Wanted | None) -> Mapping[str, Any]: ...

    def request(
        self,
        action: str,
        wanted: Wanted | None,
        found: Found | None,
        resolved: Resolved,
        reads: Mapping[str, Any],
    ) -> Request: ...


class RestCollection:
    """The writes of a kind whose objects live in one REST collection at `endpoint`:
    `DELETE endpoint/{id}`, `POST endpoint` with `create_body`, `PUT endpoint/{id}` with
    `update_body`. A kind that never updates in place (the engine replaces its objects)
    leaves `update_body` out."""

    endpoint: ClassVar[str]

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
            return Request("DELETE", f"{self.endpoint}/{found.id}")
        assert wanted is not None
        if action == "create":
            return Request("POST", self.endpoint, self.create_body(wanted, resolved, reads))
        assert found is not None
        return Request("PUT", f"{self.endpoint}/{found.id}", self.update_body(wanted, found, resolved))

    def create_body(self, wanted: Wanted, resolved: Resolved, reads: Mapping[str, Any]) -> Any:
        raise NotImplementedError

    def update_body(self, wanted: Wanted, found: Found, resolved: Resolved) -> Any:
        raise NotImplementedError(f"{self.endpoint}: objects are replaced, not updated")


def object_list(
    reads: Mapping[str, Any], endpoint: str, required: Mapping[str, type | tuple[type, ...]]
) -> list[Raw]:
    """The reply of `endpoint` as a list of objects that each carry the `required` keys with
    the given types; anything else raises `ShapeError`."""
    reply = reads.get(endpoint)
    if not isinstance(reply, list):
        raise ShapeError(endpoint, f"expected a JSON list, got {describe(reply)}")
    objects: list[Raw] = []
    for index, item in enumerate(reply):
        if not isinstance(item, Mapping):
            raise ShapeError(endpoint, f"item {index} is {describe(item)}, not an object")
        for key, kind in required.items():
            value = item.get(key)
            if not isinstance(value, kind) or (isinstance(value, bool) and kind is int):
                shape = describe(value) if key in item else "missing"
                raise ShapeError(endpoint, f"item {index} has no valid {key!r} ({shape})")
        objects.append(item)
    return objects


def describe(value: Any) -> str:
    """A reply's shape in words, for an error message."""
    if value is None:
        return "an empty body"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return f"{type(value).__name__} {value!r}"[:60]


def is_singleton(kind: Kind) -> bool:
    return bool(getattr(kind, "singleton", False))


def is_fixed(kind: Kind) -> bool:
    return bool(getattr(kind, "fixed", False))


def is_bulk(kind: Kind) -> bool:
    return bool(getattr(kind, "bulk", False))


def create_reads(kind: Kind) -> tuple[str, ...]:
    return tuple(getattr(kind, "create_reads", ()))


def repairs_kind(kind: Kind) -> str | None:
    """The kind whose objects overlapping creates of `kind` can leave damaged (None: no such)."""
    target = getattr(kind, "repairs_kind", None)
    return target if isinstance(target, str) else None


def repair_reads(kind: Kind) -> tuple[str, ...]:
    return tuple(getattr(kind, "repair_reads", ()))


def repairs(kind: Kind, reads: Mapping[str, Any], planned: tuple[Planned, ...] = ()) -> tuple[Repair, ...]:
    build: Any = getattr(kind, "repairs", None)
    found: tuple[Repair, ...] = build(reads, planned) if build is not None else ()
    return found


def spare_reads(kind: Kind) -> tuple[str, ...]:
    return tuple(getattr(kind, "spare_reads", ()))


def settle(
    kind: Kind,
    wanted: Wanted,
    found: Found | None,
    reads: Mapping[str, Any],
    planned: Mapping[str, tuple[Planned, ...]],
) -> Wanted | tuple[Diagnostic, ...]:
    settling = getattr(kind, "settle", None)
    if settling is None:
        return wanted
    settled: Wanted | tuple[Diagnostic, ...] = settling(wanted, found, reads, planned)
    return settled


def spared(kind: Kind, found: Found, reads: Mapping[str, Any]) -> str | None:
    """Why `found` must not be deleted after all (None: delete it)."""
    spare = getattr(kind, "spared", None)
    return spare(found, reads) if spare is not None else None


def bulk_request(kind: Kind, pairs: list[tuple[Wanted, Found]], reads: Mapping[str, Any]) -> Request:
    build: Any = getattr(kind, "bulk_request", None)
    request: Request = build(pairs, reads)
    return request
