"""One sync cycle of the daemon: lock the state dir, refresh the guides, plan every instance,
apply the instances whose plans are clean, and record what happened (status, metrics, logs).

Instances are isolated: an instance that cannot be planned or whose writes fail is reported
as failed and retried on the next cycle, while the others are applied. Nothing raised inside
a cycle escapes it except cancellation: the daemon never dies of a failed sync. Every log line
of a cycle carries its `run_id`.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import structlog

from syncd import app
from syncd.apply.execute import ApplyResult
from syncd.config.model import Config, InstanceConfig, QbittorrentConfig
from syncd.daemon import drift
from syncd.daemon.metrics import Metrics
from syncd.daemon.status import CycleStatus, DaemonStatus, DriftRecord, Scrubber
from syncd.errors import SyncdError
from syncd.plan.model import Action, Change, InstancePlan
from syncd.state.lock import LockTimeout, StateLock, hold_async, lock_path

log = structlog.get_logger()

Clock = Callable[[], datetime]


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
    ) -> None:
        self._config_path = config_path
        self._settings = settings
        self._status = status
        self._metrics = metrics
        self._lock_timeout = lock_timeout
        self._clock = clock
        self._baseline: dict[str, drift.Inputs] = {}
        self._reported: dict[str, set[str]] = {}
        self.phase = "idle"

    async def run(self, config: Config, *, should_stop: Callable[[], bool]) -> str:
        """One cycle; returns success, partial, failed, stopped or skipped."""
        run_id = uuid.uuid4().hex[:12]
        scrub = Scrubber(config.secret_values)
        with structlog.contextvars.bound_contextvars(run_id=run_id):
            started, clock_start = self._clock(), time.monotonic()
            self._status.cycle = CycleStatus(running=True, run_id=run_id, started_at=started)
            self._status.keep_only(config.addresses)
            log.info("sync.start", instances=len(config.addresses))
            error: str | None = None
            try:
                result = await self._locked(config, run_id, scrub, should_stop)
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
            return result

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
        self, config: Config, run_id: str, scrub: Scrubber, should_stop: Callable[[], bool]
    ) -> str:
        lock = StateLock(lock_path(config.state_dir), holder="syncd run")
        async with hold_async(lock, timeout=self._lock_timeout):
            self.phase = "preparing"
            prepared = await app.prepare(self._config_path, self._settings, config=config)
            revision = prepared.guides.revision
            self._status.guide_revision = revision
            self._metrics.guide.info({"revision": revision})
            self.phase = "planning"
            outcome = await app.make_plan(prepared, self._settings)
            instances: list[InstanceConfig | QbittorrentConfig] = [*config.instances, *config.qbittorrent]
            inputs = {
                inst.address: drift.Inputs(drift.config_fingerprint(inst), revision) for inst in instances
            }
            for plan in outcome.plan.instances:
                self._record_drift(plan, inputs[plan.instance], run_id)
            clean = [p.instance for p in outcome.plan.instances if _is_clean(p) and p.actionable]
            results: dict[str, ApplyResult] = {}
            if clean and not should_stop():
                self.phase = "applying"
                applied = await app.apply_plan(
                    outcome, self._settings, should_stop=should_stop, instances=clean
                )
                results = {r.instance: r for r in applied.results}
            outcomes = [
                self._record_instance(p, results.get(p.instance), inputs[p.instance], run_id, scrub)
                for p in outcome.plan.instances
            ]
        return _overall(outcomes)

    def _record_drift(self, plan: InstancePlan, inputs: drift.Inputs, run_id: str) -> None:
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

    def _record_instance(
        self,
        plan: InstancePlan,
        result: ApplyResult | None,
        inputs: drift.Inputs,
        run_id: str,
        scrub: Scrubber,
    ) -> str:
        state = self._status.instance(plan.instance)
        now = self._clock()
        state.run_id, state.last_sync_at = run_id, now
        state.plan = _summary(plan.actionable)
        outcome, error, applied, pending = _instance_outcome(plan, result)
        if result is not None:
            by_address = {c.address: c for c in plan.actionable}
            for address in result.applied:
                change = by_address[address]
                self._metrics.changes.labels(plan.instance, change.type, change.action.value).inc()
        state.result, state.applied, state.pending = outcome, applied, pending
        state.error = scrub(error) if error else None
        self._metrics.instance_runs.labels(plan.instance, outcome).inc()
        if outcome == "success":
            state.last_success_at = now
            self._metrics.last_success.labels(plan.instance).set(now.timestamp())
            self._baseline[plan.instance] = inputs
            self._reported[plan.instance] = set()
        log_method = log.info if outcome == "success" else log.warning
        log_method(
            "sync.instance",
            instance=plan.instance,
            result=outcome,
            applied=applied,
            pending=pending,
            error=state.error,
        )
        return outcome


def _is_clean(plan: InstancePlan) -> bool:
    return plan.error is None and not any(d.severity == "error" for d in plan.diagnostics)


def _summary(changes: tuple[Change, ...]) -> dict[str, int]:
    count = {a: sum(1 for c in changes if c.action is a) for a in Action}
    return {"add": count[Action.CREATE], "change": count[Action.UPDATE], "destroy": count[Action.DELETE]}


def _instance_outcome(
    plan: InstancePlan, result: ApplyResult | None
) -> tuple[str, str | None, int, int | None]:
    """(result, error, applied, pending) of one instance."""
    if plan.error:
        return "failed", plan.error, 0, None
    errors = [d for d in plan.diagnostics if d.severity == "error"]
    if errors:
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        return "failed", f"config: {errors[0]}{more}", 0, len(plan.actionable)
    if result is None:
        pending = len(plan.actionable)
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
