"""Execute one instance's plan through a `Writer`, in dependency order.

Custom formats first (creates and updates run a few at a time), then quality profiles
(which must list every custom format id the server has, so they come after the CFs), and
deletes last.
The first failed write stops the instance: the result says what was applied and what was
not, and the next run converges. Progress is reported through `on_event`, never printed.

A qBittorrent instance's plan (its preferences) is executed by `execute_preferences`: one
write of only the keys whose value changes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from syncd.domain.resources import CustomFormat, QualityProfile
from syncd.domain.state import LiveCustomFormat, LiveInstance, Ownership
from syncd.errors import ApplyError, SyncdError
from syncd.plan import build
from syncd.plan.build import ResourceType
from syncd.plan.model import Action, Change, InstancePlan

CF_WRITE_CONCURRENCY = 4


class Writer(Protocol):
    """The writes apply needs from one instance (implemented by `syncd.live.servarr`)."""

    async def create_custom_format(self, cf: CustomFormat) -> LiveCustomFormat: ...
    async def update_custom_format(self, live: LiveCustomFormat, cf: CustomFormat) -> LiveCustomFormat: ...
    async def delete_custom_format(self, cf_id: int) -> None: ...
    async def create_profile(self, profile: QualityProfile, *, cf_ids_by_name: Mapping[str, int]) -> Any: ...
    async def update_profile(
        self, live_raw: Mapping[str, Any], profile: QualityProfile, *, cf_ids_by_name: Mapping[str, int]
    ) -> Any: ...
    async def delete_profile(self, profile_id: int) -> None: ...


class PreferencesWriter(Protocol):
    """The one write a qBittorrent instance needs (implemented by `syncd.live.qbittorrent`)."""

    async def set_preferences(self, changed: Mapping[str, Any]) -> None: ...


EventSink = Callable[[str, Mapping[str, Any]], None]


def _ignore_event(event: str, fields: Mapping[str, Any]) -> None:
    return None


@dataclass(frozen=True)
class ApplyResult:
    instance: str
    applied: tuple[str, ...]
    not_applied: tuple[str, ...]
    ownership: Ownership
    failed: str | None = None
    error: str | None = None
    stopped: bool = False

    @property
    def ok(self) -> bool:
        return self.failed is None and not self.stopped


@dataclass
class _Run:
    plan: InstancePlan
    live: LiveInstance
    writer: Writer
    on_event: EventSink
    should_stop: Callable[[], bool]
    applied: list[str] = field(default_factory=list)
    created_ids: dict[str, int] = field(default_factory=dict)
    cf_ids_by_name: dict[str, int] = field(default_factory=dict)


class _Stopped(Exception):
    """Raised between writes when shutdown was requested."""


class _Failed(Exception):
    def __init__(self, address: str, error: SyncdError) -> None:
        self.address = address
        self.error = error
        super().__init__(str(error))


async def execute(
    plan: InstancePlan,
    live: LiveInstance,
    writer: Writer,
    ownership: Ownership,
    *,
    on_event: EventSink = _ignore_event,
    should_stop: Callable[[], bool] = lambda: False,
) -> ApplyResult:
    run = _Run(plan=plan, live=live, writer=writer, on_event=on_event, should_stop=should_stop)
    run.cf_ids_by_name = {cf.custom_format.name: cf.id for cf in live.custom_formats}
    pending = list(plan.actionable)
    failed: str | None = None
    error: str | None = None
    stopped = False
    try:
        await _custom_formats(run, [c for c in pending if _is(c, ResourceType.CUSTOM_FORMAT, upsert=True)])
        for change in pending:
            if _is(change, ResourceType.QUALITY_PROFILE, upsert=True):
                await _write(run, change, _profile(run, change))
        for change in pending:
            if change.action is Action.DELETE:
                await _write(run, change, _delete(run, change))
    except _Failed as exc:
        failed, error = exc.address, str(exc.error)
        run.on_event("apply.change.failed", {"address": exc.address, "error": error})
    except _Stopped:
        stopped = True
        run.on_event("apply.stopped", {"instance": plan.instance})
    not_applied = tuple(c.address for c in pending if c.address not in run.applied)
    return ApplyResult(
        instance=plan.instance,
        applied=tuple(run.applied),
        not_applied=not_applied,
        ownership=build.ownership_after(_applied_only(plan, run.applied), ownership, run.created_ids),
        failed=failed,
        error=error,
        stopped=stopped,
    )


async def execute_preferences(
    plan: InstancePlan,
    writer: PreferencesWriter,
    *,
    on_event: EventSink = _ignore_event,
    should_stop: Callable[[], bool] = lambda: False,
) -> ApplyResult:
    """Apply a qBittorrent instance's plan; it owns nothing, so the ownership stays empty."""
    pending = list(plan.actionable)
    applied: list[str] = []
    failed: str | None = None
    error: str | None = None
    stopped = False
    for change in pending:
        if should_stop():
            stopped = True
            on_event("apply.stopped", {"instance": plan.instance})
            break
        before = change.before or {}
        changed = {k: v for k, v in (change.after or {}).items() if k not in before or before[k] != v}
        on_event("apply.change.start", {"address": change.address, "action": change.action.value})
        try:
            await writer.set_preferences(changed)
        except SyncdError as exc:
            failed, error = change.address, str(exc)
            on_event("apply.change.failed", {"address": change.address, "error": error})
            break
        applied.append(change.address)
        on_event("apply.change.done", {"address": change.address, "action": change.action.value})
    return ApplyResult(
        instance=plan.instance,
        applied=tuple(applied),
        not_applied=tuple(c.address for c in pending if c.address not in applied),
        ownership=Ownership(),
        failed=failed,
        error=error,
        stopped=stopped,
    )


def _applied_only(plan: InstancePlan, applied: Sequence[str]) -> InstancePlan:
    """The plan reduced to no-ops and what was really applied (for ownership bookkeeping)."""
    done = set(applied)
    kept = tuple(c for c in plan.changes if c.action is Action.NOOP or c.address in done)
    return plan.model_copy(update={"changes": kept})


def _is(change: Change, kind: ResourceType, *, upsert: bool) -> bool:
    return change.type == kind and (change.action in (Action.CREATE, Action.UPDATE)) == upsert


async def _write(run: _Run, change: Change, operation: Any) -> None:
    if run.should_stop():
        operation.close()
        raise _Stopped
    run.on_event("apply.change.start", {"address": change.address, "action": change.action.value})
    try:
        await operation
    except SyncdError as exc:
        raise _Failed(change.address, exc) from exc
    run.applied.append(change.address)
    run.on_event("apply.change.done", {"address": change.address, "action": change.action.value})


async def _custom_formats(run: _Run, changes: list[Change]) -> None:
    live_by_id = {cf.id: cf for cf in run.live.custom_formats}
    semaphore = asyncio.Semaphore(CF_WRITE_CONCURRENCY)
    failures: list[Exception] = []

    async def one(change: Change) -> None:
        async with semaphore:
            if failures:
                return
            cf = CustomFormat.model_validate(change.after)
            try:
                if change.action is Action.CREATE:
                    await _write(run, change, _create_cf(run, change, cf))
                else:
                    assert change.live_id is not None
                    live_cf = live_by_id[change.live_id]
                    await _write(run, change, run.writer.update_custom_format(live_cf, cf))
                    run.cf_ids_by_name.pop(live_cf.custom_format.name, None)
                    run.cf_ids_by_name[cf.name] = change.live_id
            except (_Failed, _Stopped) as exc:
                failures.append(exc)

    await asyncio.gather(*(one(c) for c in changes))
    if failures:
        raise failures[0]


async def _create_cf(run: _Run, change: Change, cf: CustomFormat) -> None:
    created = await run.writer.create_custom_format(cf)
    run.created_ids[change.address] = created.id
    run.cf_ids_by_name[cf.name] = created.id


async def _profile(run: _Run, change: Change) -> None:
    profile = QualityProfile.model_validate(change.after)
    if change.action is Action.CREATE:
        created = await run.writer.create_profile(profile, cf_ids_by_name=run.cf_ids_by_name)
        run.created_ids[change.address] = int(created["id"])
        return
    live = next(p for p in run.live.quality_profiles if p.id == change.live_id)
    await run.writer.update_profile(live.raw, profile, cf_ids_by_name=run.cf_ids_by_name)


async def _delete(run: _Run, change: Change) -> None:
    assert change.live_id is not None
    if change.type == ResourceType.CUSTOM_FORMAT:
        await run.writer.delete_custom_format(change.live_id)
    elif change.type == ResourceType.QUALITY_PROFILE:
        await run.writer.delete_profile(change.live_id)
    else:
        raise ApplyError(f"{change.address}: syncd cannot delete a {change.type}", applied=(), not_applied=())
