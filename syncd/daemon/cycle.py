"""One sync cycle of the daemon: lock the state dir, refresh the guides, plan every instance,
apply the instances whose plans are clean (unless in plan-only mode, where nothing is ever
written), record what happened (status, metrics, logs) and hand a `SyncReport` to the notifier.

Instances are isolated: an instance that cannot be planned or whose writes fail is reported
as failed and retried on the next cycle, while the others are applied. Nothing raised inside
a cycle escapes it except cancellation: the daemon never dies of a failed sync. Every log line
of a cycle carries its `run_id`.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import structlog

from syncd import app
from syncd.apply.execute import ApplyResult
from syncd.config.model import Config, InstanceConfig, KindsInstance, Mode, QbittorrentConfig
from syncd.daemon import drift
from syncd.daemon.metrics import Metrics
from syncd.daemon.report import ChangeLine, InstanceReport, SyncReport
from syncd.daemon.status import CycleStatus, DaemonStatus, DriftRecord, GuideFallback, Scrubber
from syncd.errors import SyncdError
from syncd.guides import repo as guide_repo
from syncd.guides.model import GuideSet
from syncd.logger import get_logger
from syncd.plan import deletes
from syncd.plan.model import Action, Change, InstancePlan, Plan
from syncd.render import human as human_render
from syncd.state.lock import LockTimeout, StateLock, hold_async, lock_path

log = get_logger()

Clock = Callable[[], datetime]
Notifier = Callable[[SyncReport, Config], Awaitable[None]]


def is_plan_only(config: Config, *, forced: bool) -> bool:
    return forced or config.mode is Mode.PLAN


class Cycle:
    """Runs cycles one after the other; `phase` tells the daemon whether writes are under way."""

    def __init__(
        self,
        *,
        config_path: Path,
        settings: app.Settings,
        status: DaemonStatus,
        metrics: Metrics,
        lock_timeout: float,
        clock: Clock,
        plan_only: bool = False,
        notifier: Notifier | None = None,
    ) -> None:
        self._config_path = config_path
        self._settings = settings
        self._status = status
        self._metrics = metrics
        self._lock_timeout = lock_timeout
        self._clock = clock
        self._force_plan_only = plan_only
        self._notifier = notifier
        self._baseline: dict[str, drift.Inputs] = {}
        self._reported: dict[str, set[str]] = {}
        self._good_guides: GuideSet | None = None
        self.phase = "idle"

    async def run(self, config: Config, *, should_stop: Callable[[], bool]) -> str:
        """One cycle; returns success, partial, failed, stopped or skipped."""
        run_id = uuid.uuid4().hex[:12]
        scrub = Scrubber(config.secret_values)
        plan_only = is_plan_only(config, forced=self._force_plan_only)
        with structlog.contextvars.bound_contextvars(run_id=run_id):
            started, clock_start = self._clock(), time.monotonic()
            self._status.cycle = CycleStatus(running=True, run_id=run_id, started_at=started)
            self._status.mode = Mode.PLAN.value if plan_only else Mode.APPLY.value
            self._metrics.plan_only.set(1 if plan_only else 0)
            self._status.keep_only(config.addresses)
            log.info("sync.start", instances=len(config.addresses), plan_only=plan_only)
            error: str | None = None
            reports: list[InstanceReport] = []
            try:
                result = await self._locked(config, run_id, scrub, should_stop, plan_only, reports)
            except asyncio.CancelledError:
                self._finish(run_id, started, clock_start, "stopped", "cancelled by shutdown")
                raise
            except LockTimeout as exc:
                result, error = "skipped", scrub(str(exc))
                log.warning("sync.skipped", reason=error)
            except SyncdError as exc:
                result, error = "failed", scrub(str(exc))
                log.error("sync.failed", error=error)
            except Exception as exc:
                result, error = "failed", scrub(f"{type(exc).__name__}: {exc}")
                log.exception("sync.crashed", error=error)
            finally:
                self.phase = "idle"
            self._finish(run_id, started, clock_start, result, error)
            report = SyncReport(
                run_id=run_id,
                result=result,
                plan_only=plan_only,
                error=error,
                guide_revision=self._status.guide_revision,
                instances=tuple(reports),
            )
            await self._notify(report, config)
            return result

    async def _notify(self, report: SyncReport, config: Config) -> None:
        """Hand the report to the notifier; a failure to notify never fails the sync."""
        if self._notifier is None:
            return
        try:
            await self._notifier(report, config)
        except Exception as exc:
            log.error("notify.crashed", error=Scrubber(config.secret_values)(f"{type(exc).__name__}: {exc}"))

    def _finish(
        self, run_id: str, started: datetime, clock_start: float, result: str, error: str | None
    ) -> None:
        duration = time.monotonic() - clock_start
        self._metrics.runs.labels(result).inc()
        self._metrics.duration.observe(duration)
        self._status.cycle = CycleStatus(
            running=False,
            run_id=run_id,
            started_at=started,
            finished_at=self._clock(),
            duration_seconds=round(duration, 3),
            result=result,
            error=error,
        )
        log.info("sync.done", result=result, duration_seconds=round(duration, 3))

    async def _locked(
        self,
        config: Config,
        run_id: str,
        scrub: Scrubber,
        should_stop: Callable[[], bool],
        plan_only: bool,
        reports: list[InstanceReport],
    ) -> str:
        lock = StateLock(lock_path(config.state_dir), holder="syncd run")
        async with hold_async(lock, timeout=self._lock_timeout):
            self.phase = "preparing"
            prepared = self._last_good_guides(
                await app.prepare(self._config_path, self._settings, config=config)
            )
            revision = prepared.guides.revision
            if revision != self._status.guide_revision or self._status.guide_date is None:
                self._status.guide_date = await asyncio.to_thread(
                    guide_repo.revision_date, app.guides_checkout(config), revision
                )
            self._status.guide_revision = revision
            self._metrics.guide.info({"revision": revision})
            self.phase = "planning"
            outcome = await app.make_plan(prepared, self._settings)
            instances: list[InstanceConfig | QbittorrentConfig | KindsInstance] = [
                *config.instances,
                *config.qbittorrent,
                *config.kinds_instances,
            ]
            inputs = {
                inst.address: drift.Inputs(drift.config_fingerprint(inst), revision) for inst in instances
            }
            drifted = {
                plan.instance: self._record_drift(plan, inputs[plan.instance], run_id)
                for plan in outcome.plan.instances
            }
            clean = [p.instance for p in outcome.plan.instances if _is_clean(p) and p.actionable]
            results: dict[str, ApplyResult] = {}
            if clean and not plan_only and not should_stop():
                self.phase = "applying"
                applied = await app.apply_plan(
                    outcome, self._settings, should_stop=should_stop, instances=clean
                )
                results = {r.instance: r for r in applied.results}
            for p in outcome.plan.instances:
                report = self._record_instance(
                    p, results.get(p.instance), inputs[p.instance], run_id, scrub, plan_only=plan_only
                )
                reports.append(replace(report, drift=drifted[p.instance]))
        return _overall([r.result for r in reports])

    def _last_good_guides(self, prepared: app.Prepared) -> app.Prepared:
        """`prepared`, or with the last good guides when the newest revision has broken files.

        A good revision (no broken file) becomes the fallback; a broken one is replaced by it,
        which `/status`, `/readyz` and `syncd_guide_fallback` report. Without a good revision
        yet (just started), the broken files fail only the instances that need them."""
        guides = prepared.guides
        fallback = self._good_guides
        if not guides.broken or fallback is None or fallback.revision == guides.revision:
            if not guides.broken:
                self._good_guides = guides
            self._status.guide_fallback = None
            self._metrics.guide_fallback.set(0)
            return prepared
        files = tuple(bad.path for bad in guides.broken)
        self._status.guide_fallback = GuideFallback(
            broken_revision=guides.revision, using_revision=fallback.revision, broken_files=files
        )
        self._metrics.guide_fallback.set(1)
        log.warning(
            "guides.fallback", broken_revision=guides.revision, using=fallback.revision, broken_files=files
        )
        note = self._status.guide_fallback.reason()
        return replace(prepared, guides=fallback, warnings=(*prepared.warnings, note))

    def _record_drift(self, plan: InstancePlan, inputs: drift.Inputs, run_id: str) -> tuple[ChangeLine, ...]:
        reported = self._reported.setdefault(plan.instance, set())
        found = drift.drifted(
            plan, baseline=self._baseline.get(plan.instance), current=inputs, reported=frozenset(reported)
        )
        state = self._status.instance(plan.instance)
        now = self._clock()
        for change in found:
            log.warning(
                "sync.drift",
                instance=plan.instance,
                address=change.address,
                action=change.action.value,
                type=change.type,
            )
            self._metrics.drift.labels(plan.instance, change.type).inc()
            state.drift.append(
                DriftRecord(at=now, address=change.address, action=change.action.value, run_id=run_id)
            )
            state.drift_total += 1
            reported.add(change.address)
        return tuple(ChangeLine.of(c) for c in found)

    def _record_instance(
        self,
        plan: InstancePlan,
        result: ApplyResult | None,
        inputs: drift.Inputs,
        run_id: str,
        scrub: Scrubber,
        *,
        plan_only: bool,
    ) -> InstanceReport:
        state = self._status.instance(plan.instance)
        previous = state.result
        now = self._clock()
        state.run_id, state.last_sync_at = run_id, now
        state.plan = _summary(plan.actionable)
        outcome, error, applied, pending = _instance_outcome(plan, result, plan_only=plan_only)
        by_address = {c.address: c for c in plan.actionable}
        applied_changes = [by_address[a] for a in result.applied] if result is not None else []
        pending_changes = (
            [by_address[a] for a in result.not_applied] if result is not None else list(plan.actionable)
        )
        for change in applied_changes:
            self._metrics.changes.labels(plan.instance, change.type, change.action.value).inc()
        state.result, state.applied, state.pending = outcome, applied, pending
        state.error = scrub(error) if error else None
        refusal = deletes.refusal(plan)
        state.deletes_refused = scrub(refusal) if refusal else None
        self._metrics.deletes_refused.labels(plan.instance).set(1 if refusal else 0)
        state.warnings = [scrub(d.message) for d in plan.diagnostics if d.severity == "warning"]
        state.applied_changes = [ChangeLine.of(c) for c in applied_changes]
        state.pending_changes = [ChangeLine.of(c) for c in pending_changes] if pending is not None else []
        state.pending_plan = scrub(_rendered(plan, pending_changes)) if pending_changes else None
        self._metrics.instance_runs.labels(plan.instance, outcome).inc()
        self._metrics.pending.labels(plan.instance).set(pending or 0)
        if outcome in ("success", "planned"):
            state.last_success_at = now
            self._metrics.last_success.labels(plan.instance).set(now.timestamp())
            self._baseline[plan.instance] = inputs
            # In plan-only mode the pending changes stay; only changes new since this plan are drift.
            self._reported[plan.instance] = {c.address for c in pending_changes} if plan_only else set()
        log_method = log.warning if outcome == "failed" else log.info
        log_method(
            "sync.instance",
            instance=plan.instance,
            result=outcome,
            applied=applied,
            pending=pending,
            error=state.error,
        )
        return InstanceReport(
            address=plan.instance,
            result=outcome,
            error=state.error,
            applied=tuple(state.applied_changes),
            pending=tuple(state.pending_changes),
            recovered=previous == "failed" and outcome in ("success", "planned"),
        )


def _rendered(plan: InstancePlan, changes: list[Change]) -> str:
    """The pending changes as `syncd plan` shows them."""
    return human_render.render(Plan(instances=(plan.model_copy(update={"changes": tuple(changes)}),)))


def _is_clean(plan: InstancePlan) -> bool:
    return plan.error is None and not any(d.severity == "error" for d in plan.diagnostics)


def _summary(changes: tuple[Change, ...]) -> dict[str, int]:
    count = {a: sum(1 for c in changes if c.action is a) for a in Action}
    return {"add": count[Action.CREATE], "change": count[Action.UPDATE], "destroy": count[Action.DELETE]}


def _instance_outcome(
    plan: InstancePlan, result: ApplyResult | None, *, plan_only: bool
) -> tuple[str, str | None, int, int | None]:
    """(result, error, applied, pending) of one instance; `planned` when plan-only."""
    if plan.error:
        return "failed", plan.error, 0, None
    errors = [d for d in plan.diagnostics if d.severity == "error"]
    if errors:
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        return "failed", f"config: {errors[0]}{more}", 0, len(plan.actionable)
    if result is None:
        pending = len(plan.actionable)
        if plan_only:
            return "planned", None, 0, pending
        return ("success" if pending == 0 else "stopped"), None, 0, pending
    if result.ok:
        return "success", None, len(result.applied), 0
    if result.stopped:
        return "stopped", None, len(result.applied), len(result.not_applied)
    return "failed", f"{result.failed}: {result.error}", len(result.applied), len(result.not_applied)


def _overall(outcomes: list[str]) -> str:
    if "stopped" in outcomes:
        return "stopped"
    failed = outcomes.count("failed")
    if failed == 0:
        return "success"
    return "failed" if failed == len(outcomes) else "partial"
