"""Execute plans: the waves of instances, and the resource kinds' changes of one instance.

`run_waves` runs the plan's waves in order and the instances of a wave concurrently; an
instance that references an instance which failed (or was itself skipped) is skipped with the
reason. `execute` writes one instance's kind changes.

Changes run in plan order (the planner already ordered them by `depends_on`, deletes last):
consecutive changes of one kind do not depend on each other, so they are written concurrently
(at most `concurrency` writes in flight: the instance's `http.max_writes`) and the next kind
waits for them; a bulk kind's updates are its one request. What kinds read only to create (`create_reads`) is read once, at
the start, alongside the first writes. Each write is the request the change's kind builds from
the live object, the desired object (plain secrets included; they never left the process) and
the ids resolved so far; a replace is a delete then a create. Ownership is recorded, and handed
to `save`, after every successful write (the writes that finish while a save runs share the
next one), so a crash mid-apply never loses what was created.
The first failed write stops the instance: no further write starts (those in flight finish
and count).

Repairs (`Kind.repairs`: custom formats the server lost from quality profiles) are built from
the kind's `repair_reads`, read when they are due: the planned ones (`Change.repair`, damage
the plan found) alongside the other writes of the kind repaired, and after overlapping creates
of a kind with `repairs_kind` (the server adds each new custom format to every quality profile,
not atomically) every repair found, alongside the writes of `repairs_kind`, else before the
deletes, else at the end. None goes to an object written whole alongside.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from syncd.config.model import DEFAULT_MAX_WRITES
from syncd.domain.state import Ownership
from syncd.errors import ApiError, SyncdError
from syncd.kinds.base import (
    Kind,
    Repair,
    Request,
    Resolved,
    ShapeError,
    bulk_request,
    create_reads,
    is_bulk,
    repair_reads,
    repairs,
    repairs_kind,
)
from syncd.plan import ordering
from syncd.plan.engine import KindState, ownership_after_write
from syncd.plan.model import Action, Change

R = TypeVar("R")

EventSink = Callable[[str, Mapping[str, Any]], None]


class Sender(Protocol):
    async def send(self, request: Request) -> Any: ...

    async def read(self, paths: Sequence[str]) -> dict[str, Any]: ...


@dataclass
class KindsResult:
    applied: list[str] = field(default_factory=list)
    ownership: Ownership = field(default_factory=Ownership)
    failed: str | None = None
    error: str | None = None
    stopped: bool = False


async def run_waves(
    waves: Sequence[Sequence[str]],
    run: Callable[[str], Awaitable[R]],
    *,
    ok: Callable[[R], bool],
    skip: Callable[[str, str], None],
    references: Mapping[str, Iterable[str]] | None = None,
    already_failed: Iterable[str] = (),
) -> list[R]:
    """Run `run(address)` wave by wave; `skip(address, reason)` for instances whose reference
    failed (or is in `already_failed`, e.g. not applied for its errors). Results come back in
    wave order."""
    failed: list[str] = list(already_failed)
    results: list[R] = []
    for wave in waves:
        runnable: list[str] = []
        for address in wave:
            blocker = ordering.blocked_by(address, failed, references)
            if blocker is None:
                runnable.append(address)
                continue
            failed.append(address)
            skip(address, f"skipped: {blocker}, which it references, failed")
        done = await asyncio.gather(*(run(address) for address in runnable))
        failed.extend(address for address, result in zip(runnable, done, strict=True) if not ok(result))
        results.extend(done)
    return results


async def execute(
    changes: Sequence[Change],
    states: Mapping[str, KindState],
    sender: Sender,
    ownership: Ownership,
    *,
    instance: str,
    save: Callable[[Ownership], None],
    on_event: EventSink,
    should_stop: Callable[[], bool],
    concurrency: int = DEFAULT_MAX_WRITES,
) -> KindsResult:
    run = _Run(
        states=states,
        sender=sender,
        result=KindsResult(ownership=ownership),
        resolved={
            kind: {key: i for key, i in table.items() if isinstance(i, int)}
            for kind, table in ownership.objects.items()
        },
        save=save,
        on_event=on_event,
        should_stop=should_stop,
        instance=instance,
    )
    groups = _groups([c for c in changes if c.action is not Action.NOOP])
    paths = sorted({p for g in groups if _creates(g) for p in create_reads(states[g[0].type].kind)})
    reading = asyncio.ensure_future(_read_quietly(sender, paths)) if paths else None
    run.creates_read = reading
    slots = asyncio.Semaphore(concurrency)
    try:
        for group in groups:
            if run.done:
                break
            kind = states[group[0].type].kind
            deleting = group[0].action is Action.DELETE
            due = [r for r in run.repairs_due if deleting or repairs_kind(r) == kind.name]
            run.repairs_due = [r for r in run.repairs_due if r not in due]
            writes = [c for c in group if not c.repair]
            # Kinds to repair now -> the planned repairs they build.
            repairing: dict[Kind, list[Change]] = {r: [] for r in due}
            if len(writes) < len(group):
                repairing.setdefault(_repairer(states, kind.name), []).extend(c for c in group if c.repair)
            rewritten = set() if deleting else {c.live_id for c in writes if c.action is Action.UPDATE}
            repairs_now = [
                run.repair(r, slots, rewritten, planned, everything=r in due)
                for r, planned in repairing.items()
            ]
            if deleting:
                await asyncio.gather(*repairs_now)
                await run.group(group, slots, concurrency)
            elif writes:
                await asyncio.gather(run.group(writes, slots, concurrency), *repairs_now)
            else:
                await asyncio.gather(*repairs_now)
        await asyncio.gather(*(run.repair(r, slots, set(), (), everything=True) for r in run.repairs_due))
    finally:
        if reading is not None and not reading.done():
            reading.cancel()
            await asyncio.gather(reading, return_exceptions=True)
    return run.result


async def _read_quietly(sender: Sender, paths: Sequence[str]) -> dict[str, Any] | SyncdError:
    """The reads, or the error reading them (handed to the first group that needs them)."""
    try:
        return await sender.read(paths)
    except SyncdError as exc:
        return exc


def _repairer(states: Mapping[str, KindState], kind: str) -> Kind:
    """The kind whose `repairs` build the planned repairs of `kind`'s objects."""
    return next(s.kind for s in states.values() if repairs_kind(s.kind) == kind)


def _creates(group: Sequence[Change]) -> int:
    return sum(1 for c in group if c.action in (Action.CREATE, Action.REPLACE))


def _groups(changes: Sequence[Change]) -> list[list[Change]]:
    """Runs of consecutive changes of one kind and phase (writes, then deletes): their writes
    do not depend on each other, so they run concurrently; the next group waits."""
    groups: list[list[Change]] = []
    for change in changes:
        phase = (change.type, change.action is Action.DELETE)
        if groups and (groups[-1][0].type, groups[-1][0].action is Action.DELETE) == phase:
            groups[-1].append(change)
        else:
            groups.append([change])
    return groups


@dataclass
class _Run:
    """One instance's apply in progress: what was written, and the ids resolved so far."""

    states: Mapping[str, KindState]
    sender: Sender
    result: KindsResult
    resolved: dict[str, dict[str, int]]
    save: Callable[[Ownership], None]
    on_event: EventSink
    should_stop: Callable[[], bool]
    instance: str
    # What kinds read only when they create (`create_reads`): read at the start, once there.
    creates_read: asyncio.Future[dict[str, Any] | SyncdError] | None = None
    extra_reads: dict[str, Any] = field(default_factory=dict)
    # Kinds whose creates overlapped, so the objects the server edits on a create need a repair.
    repairs_due: list[Kind] = field(default_factory=list)
    # Saves run one at a time, off the event loop (the other writes in flight go on
    # meanwhile), each of the newest ownership: the writes that finish during one save share
    # the next, instead of queueing a save each. `recorded` counts the writes, `saved` those
    # the last finished save covers.
    saving: asyncio.Lock = field(default_factory=asyncio.Lock)
    recorded: int = 0
    saved: int = 0

    @property
    def done(self) -> bool:
        return self.result.failed is not None or self.result.stopped

    def _may_start(self) -> bool:
        if self.done:
            return False
        if self.should_stop():
            self.result.stopped = True
            self.on_event("apply.stopped", {"instance": self.instance})
            return False
        return True

    def _failed(self, change: Change, exc: SyncdError) -> None:
        if self.result.failed is None:
            # The error is shown next to its instance, so it is kept without the instance prefix.
            error = exc.detail if isinstance(exc, ApiError) else str(exc)
            self.result.failed, self.result.error = change.address, error
            self.on_event("apply.change.failed", {"address": change.address, "error": self.result.error})

    async def _persist(self) -> None:
        """Return once a save holds this write (the newest ownership when it started)."""
        self.recorded += 1
        mine = self.recorded
        async with self.saving:
            if self.saved >= mine:
                return
            covered, ownership = self.recorded, self.result.ownership
            await asyncio.to_thread(self.save, ownership)
            self.saved = covered

    def reads(self, state: KindState) -> Mapping[str, Any]:
        return {**state.reads, **self.extra_reads} if self.extra_reads else state.reads

    async def group(self, group: Sequence[Change], slots: asyncio.Semaphore, concurrency: int) -> None:
        """Write one group: a bulk kind's updates in one request, else each change in a slot."""
        kind = self.states[group[0].type].kind
        creates = _creates(group)
        if creates:
            await self.read_for_creates(kind, group[0])
            if self.done:
                return
        if is_bulk(kind) and all(c.action is Action.UPDATE for c in group):
            await self.bulk(group)
            return
        await asyncio.gather(*(self.one(c, slots) for c in group))
        if creates > 1 and concurrency > 1 and repairs_kind(kind) is not None:
            self.repairs_due.append(kind)

    async def read_for_creates(self, kind: Kind, first: Change) -> None:
        if not [p for p in create_reads(kind) if p not in self.extra_reads]:
            return
        assert self.creates_read is not None
        got = await self.creates_read
        if isinstance(got, SyncdError):
            self._failed(first, got)
        else:
            self.extra_reads.update(got)

    async def repair(
        self,
        kind: Kind,
        slots: asyncio.Semaphore,
        rewritten: set[int | None],
        planned: Sequence[Change],
        *,
        everything: bool,
    ) -> None:
        """Read `kind`'s repair reads and send the `planned` repairs (an object the server no
        longer shows damaged needs none) and, if `everything` (after overlapping creates), every
        other repair found, except to the objects `rewritten` (written whole alongside)."""
        if not self._may_start():
            return
        target = repairs_kind(kind)
        assert target is not None
        failing = (
            planned[0] if planned else self._repair_change(target, f"(repair after {kind.name} creates)")
        )
        try:
            reads = await self.sender.read(repair_reads(kind))
            found = repairs(kind, reads)
        except SyncdError as exc:
            self._failed(failing, exc)
            return
        except ShapeError as exc:
            self._failed(failing, ApiError(f"unexpected reply to GET {exc}", instance=self.instance))
            return
        waiting = {c.live_id: c for c in planned}
        sends = []
        for repair in found:
            change = waiting.pop(repair.object_id, None)
            if repair.object_id not in rewritten and (change is not None or everything):
                sends.append(self._repaired(target, repair, slots, change))
        await asyncio.gather(*sends, *(self._written(c, None) for c in waiting.values()))

    def _repair_change(self, kind: str, name: str, object_id: int | None = None) -> Change:
        return Change(instance=self.instance, type=kind, name=name, action=Action.UPDATE, live_id=object_id)

    async def _repaired(
        self, kind: str, repair: Repair, slots: asyncio.Semaphore, planned: Change | None
    ) -> None:
        """Send `repair`: the `planned` change, else one found after overlapping creates."""
        change = planned or self._repair_change(kind, repair.name, repair.object_id)
        async with slots:
            if not self._may_start():
                return
            if planned is not None:
                self.on_event(
                    "apply.change.start", {"address": change.address, "action": change.action.value}
                )
            try:
                await self.sender.send(repair.request)
            except SyncdError as exc:
                self._failed(change, exc)
                return
        if planned is not None:
            await self._written(planned, None)
        else:
            self.on_event("apply.repaired", {"address": change.address, "reason": "overlapping creates"})

    async def _written(self, change: Change, created: int | str | None) -> None:
        state = self.states[change.type]
        object_id = created if created is not None else change.live_id
        if isinstance(object_id, int) and change.key and change.action is not Action.DELETE:
            self.resolved.setdefault(change.type, {})[change.key] = object_id
        self.result.ownership = ownership_after_write(self.result.ownership, change, state, created)
        await self._persist()
        self.result.applied.append(change.address)
        self.on_event("apply.change.done", {"address": change.address, "action": change.action.value})

    async def one(self, change: Change, semaphore: asyncio.Semaphore) -> None:
        """Write `change` while holding a slot of `semaphore`; its ownership is saved after the
        slot is free again, so the next write need not wait for the save."""
        async with semaphore:
            if not self._may_start():
                return
            state = self.states[change.type]
            self.on_event("apply.change.start", {"address": change.address, "action": change.action.value})
            try:
                created = await _write(
                    change, state, self.sender, Resolved(ids=self.resolved), self.reads(state)
                )
            except SyncdError as exc:
                self._failed(change, exc)
                return
        await self._written(change, created)

    async def bulk(self, group: Sequence[Change]) -> None:
        """All updates of a bulk kind in its one request."""
        if not self._may_start():
            return
        state = self.states[group[0].type]
        pairs = []
        for change in group:
            wanted, found = state.wanted_for(change), state.found_for(change)
            assert wanted is not None and found is not None
            pairs.append((wanted, found))
            self.on_event("apply.change.start", {"address": change.address, "action": change.action.value})
        try:
            await self.sender.send(bulk_request(state.kind, pairs, self.reads(state)))
        except SyncdError as exc:
            self._failed(group[0], exc)
            return
        for change in group:
            await self._written(change, None)


async def _write(
    change: Change, state: KindState, sender: Sender, resolved: Resolved, reads: Mapping[str, Any]
) -> int | str | None:
    """Send the change's request(s); the id of a created object (its name when the server
    knows it by name alone), else None."""
    kind = state.kind
    wanted = state.wanted_for(change)
    found = state.found_for(change)
    if change.action in (Action.DELETE, Action.REPLACE):
        await sender.send(kind.request("delete", wanted, found, resolved, reads))
        if change.action is Action.DELETE:
            return None
    if change.action is Action.UPDATE:
        await sender.send(kind.request("update", wanted, found, resolved, reads))
        return None
    request = kind.request("create", wanted, None, resolved, reads)
    reply = await sender.send(request)
    if request.identity is not None:
        return request.identity
    try:
        return _created_id(request, reply)
    except ShapeError as exc:
        raise ApiError(f"{request.method} {exc}", instance=change.instance) from exc


def _created_id(request: Request, reply: Any) -> int:
    object_id = reply.get("id") if isinstance(reply, Mapping) else None
    if not isinstance(object_id, int) or isinstance(object_id, bool):
        raise ShapeError(request.path, "the server answered a create without the new object's id")
    return object_id
