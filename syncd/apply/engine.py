"""Execute plans: the waves of instances, and the resource kinds' changes of one instance.

`run_waves` runs the plan's waves in order and the instances of a wave concurrently; an
instance that references an instance which failed (or was itself skipped) is skipped with the
reason. `execute` writes one instance's kind changes.

Changes run one at a time in plan order (the planner already ordered them by `depends_on`,
deletes last). Each write is the request the change's kind builds from the live object, the
desired object (plain secrets included; they never left the process) and the ids resolved so
far; a replace is a delete then a create. Ownership is recorded, and handed to `save`, after
every successful write, so a crash mid-apply never loses what was created. The first failed
write stops the instance.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from syncd.domain.state import Ownership
from syncd.errors import ApiError, SyncdError
from syncd.kinds.base import Request, Resolved, ShapeError
from syncd.plan import ordering
from syncd.plan.engine import KindState, ownership_after_write
from syncd.plan.model import Action, Change

R = TypeVar("R")

EventSink = Callable[[str, Mapping[str, Any]], None]


class Sender(Protocol):
    async def send(self, request: Request) -> Any: ...


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
) -> KindsResult:
    result = KindsResult(ownership=ownership)
    resolved: dict[str, dict[str, int]] = {k: dict(v) for k, v in ownership.objects.items()}
    for change in changes:
        if change.action is Action.NOOP:
            continue
        if should_stop():
            result.stopped = True
            on_event("apply.stopped", {"instance": instance})
            break
        state = states[change.type]
        on_event("apply.change.start", {"address": change.address, "action": change.action.value})
        try:
            created = await _write(change, state, sender, Resolved(ids=resolved))
        except SyncdError as exc:
            result.failed, result.error = change.address, str(exc)
            on_event("apply.change.failed", {"address": change.address, "error": result.error})
            break
        if created is not None and change.key:
            resolved.setdefault(change.type, {})[change.key] = created
        result.ownership = ownership_after_write(result.ownership, change, state, created)
        save(result.ownership)
        result.applied.append(change.address)
        on_event("apply.change.done", {"address": change.address, "action": change.action.value})
    return result


async def _write(change: Change, state: KindState, sender: Sender, resolved: Resolved) -> int | None:
    """Send the change's request(s); the id of a created object, else None."""
    kind = state.kind
    wanted = state.wanted_by_key(change.key)
    found = state.found_by_id(change.live_id)
    if change.action in (Action.DELETE, Action.REPLACE):
        await sender.send(kind.request("delete", wanted, found, resolved, state.reads))
        if change.action is Action.DELETE:
            return None
    if change.action is Action.UPDATE:
        await sender.send(kind.request("update", wanted, found, resolved, state.reads))
        return None
    request = kind.request("create", wanted, None, resolved, state.reads)
    reply = await sender.send(request)
    try:
        return _created_id(request, reply)
    except ShapeError as exc:
        raise ApiError(f"{request.method} {exc}", instance=change.instance) from exc


def _created_id(request: Request, reply: Any) -> int:
    object_id = reply.get("id") if isinstance(reply, Mapping) else None
    if not isinstance(object_id, int) or isinstance(object_id, bool):
        raise ShapeError(request.path, "the server answered a create without the new object's id")
    return object_id
