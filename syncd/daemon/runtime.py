"""The daemon assembled: config, scheduler, config watcher, HTTP endpoints and shutdown.

`Daemon.start` binds the port, loads the config (an unusable config at start is an error:
exit 1), and schedules the sync job (first run now, then on the config's schedule; one at a
time, missed runs coalesced). A watcher re-reads the config every few seconds by content hash.
`request_stop` (SIGTERM/SIGINT) stops scheduling; a cycle that is only reading is cancelled,
one that is writing stops between writes; the process exits 0 once it has, or 1 if the grace
period ran out. A second signal cancels at once. `run` is the process entry point.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from syncd import app
from syncd.config.model import Config
from syncd.daemon import page, reload, schedule
from syncd.daemon.cycle import Cycle, is_plan_only
from syncd.daemon.metrics import Metrics
from syncd.daemon.notify import Notifier
from syncd.daemon.server import HttpServer, Response
from syncd.daemon.status import DaemonStatus, ReloadStatus, Scrubber
from syncd.errors import SyncdError
from syncd.logger import get_logger
from syncd.state.lock import StateLock, hold_async, lock_path

log = get_logger()

JOB_ID = "sync"
UNREADABLE = "unreadable"


@dataclass(frozen=True)
class Options:
    config_path: Path
    host: str = "0.0.0.0"
    port: int = 9707
    grace_seconds: float = 25.0
    reload_seconds: float = 5.0
    lock_timeout: float = 60.0
    stuck_seconds: float = 3600.0
    plan_only: bool = False  # `--plan-only`: plan on schedule, never write (as `mode: plan`)


class Daemon:
    def __init__(
        self, options: Options, settings: app.Settings, *, clock: Callable[[], datetime] | None = None
    ) -> None:
        self.options = options
        self._settings = settings
        self._clock = clock or (lambda: datetime.now(UTC))
        self.metrics = Metrics()
        self.status = DaemonStatus(
            started_at=self._clock(), reload=ReloadStatus(path=str(options.config_path))
        )
        self.cycle = Cycle(
            config_path=options.config_path,
            settings=settings,
            status=self.status,
            metrics=self.metrics,
            lock_timeout=options.lock_timeout,
            clock=self._clock,
            plan_only=options.plan_only,
            notifier=Notifier(self.metrics),
        )
        self.config: Config | None = None
        self.server = HttpServer(
            {
                "/healthz": self._healthz,
                "/readyz": self._readyz,
                "/metrics": self._metrics,
                "/status": self._status_json,
                "/": self._page,
            },
            host=options.host,
            port=options.port,
        )
        self._scheduler = AsyncIOScheduler()
        self._busy = asyncio.Lock()
        self._stopped = asyncio.Event()
        self._stopping = False
        self._cycle_task: asyncio.Task[str] | None = None
        self._watch_task: asyncio.Task[None] | None = None

    # ------------------------------------------------------------------ lifecycle

    async def start(self, *, first_run: bool = True, watch: bool = True) -> None:
        """Serve, load the config (raises `SyncdError` if unusable) and start scheduling."""
        await self.server.start()
        try:
            async with hold_async(self._lock(self.options.config_path), timeout=self.options.lock_timeout):
                accepted = await reload.load(self.options.config_path, self._settings)
        except SyncdError:
            await self.server.close()
            raise
        self._use(accepted)
        self._scheduler.add_job(
            self.run_cycle,
            accepted.trigger,
            id=JOB_ID,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=None,
            **({"next_run_time": self._clock()} if first_run else {}),
        )
        self._scheduler.start()
        if watch:
            self._watch_task = asyncio.create_task(self._watch())
        log.info(
            "daemon.started",
            config=str(self.options.config_path),
            schedule=self.status.schedule,
            mode=self.status.mode,
        )

    def request_stop(self) -> None:
        """Stop scheduling and let the running cycle end; a second call cancels it at once."""
        task = self._cycle_task
        if self._stopping:
            log.warning("shutdown.forced")
            if task is not None:
                task.cancel()
            return
        self._stopping = True
        log.info("shutdown.requested", cycle_phase=self.cycle.phase)
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)
        if task is not None and self.cycle.phase != "applying":
            task.cancel()
        self._stopped.set()

    async def wait_stopped(self) -> int:
        """Wait for `request_stop`, then for the running cycle (up to the grace period); close."""
        await self._stopped.wait()
        code = 0
        task = self._cycle_task
        if task is not None and not task.done():
            done, _ = await asyncio.wait({task}, timeout=self.options.grace_seconds)
            if not done:
                log.error("shutdown.grace_exceeded", grace_seconds=self.options.grace_seconds)
                task.cancel()
                await asyncio.wait({task}, timeout=1.0)
                code = 1
        await self.close()
        log.info("daemon.stopped", exit_code=code)
        return code

    async def close(self) -> None:
        if self._watch_task is not None:
            self._watch_task.cancel()
            await asyncio.gather(self._watch_task, return_exceptions=True)
            self._watch_task = None
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)
        await self.server.close()

    # ------------------------------------------------------------------ the job

    async def run_cycle(self) -> str | None:
        """The scheduled job: one cycle with the config in use, unless one is already running."""
        if self._stopping or self.config is None:
            return None
        if self._cycle_task is not None and not self._cycle_task.done():
            log.warning("sync.overlap_skipped", running=self.status.cycle.run_id)
            return None
        config = self.config
        task = asyncio.create_task(self._guarded_cycle(config))
        self._cycle_task = task
        try:
            # Shielded: the scheduler cancels its job on shutdown, but a cycle that is writing
            # must be left to stop between writes; `request_stop` decides what to cancel.
            return await asyncio.shield(task)
        except asyncio.CancelledError:
            if self._stopping:
                return "stopped"
            raise

    async def _guarded_cycle(self, config: Config) -> str:
        async with self._busy:
            return await self.cycle.run(config, should_stop=lambda: self._stopping)

    # ------------------------------------------------------------------ config reload

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(self.options.reload_seconds)
            try:
                await self.check_reload()
            except Exception:
                log.exception("config.watch_failed")

    async def check_reload(self) -> str | None:
        """Re-read the config if its content changed: accepted, rejected, or None (nothing done)."""
        path = self.options.config_path
        unreadable: str | None = None
        try:
            seen = await asyncio.to_thread(reload.fingerprint, path)
        except OSError as exc:
            seen, unreadable = UNREADABLE, f"cannot read {path}: {exc.strerror or exc}"
        reload_state = self.status.reload
        if seen == reload_state.fingerprint and reload_state.rejected_fingerprint is not None:
            log.info("config.restored", path=str(path))  # back to the config in use
            self._clear_rejection()
        if seen in (reload_state.fingerprint, reload_state.rejected_fingerprint) or self._busy.locked():
            return None
        if unreadable is not None:
            self._reject(seen, unreadable)
            return "rejected"
        async with self._busy:
            lock = self._lock(path)
            if not lock.try_acquire():
                return None  # a manual apply is running; look again next time
            try:
                accepted = await reload.load(path, self._settings)
            except SyncdError as exc:
                self._reject(seen, str(exc))
                return "rejected"
            finally:
                lock.release()
        self._use(accepted)
        self.metrics.reloads.labels("accepted").inc()
        log.info(
            "config.reloaded", path=str(path), validated=accepted.validated, schedule=self.status.schedule
        )
        return "accepted"

    def _reject(self, seen: str, error: str) -> None:
        text = Scrubber(self.config.secret_values if self.config else ())(error)
        reload_state = self.status.reload
        reload_state.rejected_fingerprint = seen
        reload_state.rejected_at = self._clock()
        reload_state.rejected_error = text
        self.metrics.reloads.labels("rejected").inc()
        log.error("config.rejected", path=str(self.options.config_path), error=text, keeps="last good config")

    def _use(self, accepted: reload.Accepted) -> None:
        previous = self.config
        self.config = accepted.config
        reload_state = self.status.reload
        reload_state.fingerprint = accepted.fingerprint
        reload_state.loaded_at = self._clock()
        self._clear_rejection()
        self.status.schedule = schedule.describe(accepted.config.schedule)
        plan_only = is_plan_only(accepted.config, forced=self.options.plan_only)
        self.status.mode = "plan" if plan_only else "apply"
        self.metrics.plan_only.set(1 if plan_only else 0)
        self.status.keep_only(accepted.config.addresses)
        if previous is not None and previous.schedule != accepted.config.schedule and self._scheduler.running:
            self._scheduler.reschedule_job(JOB_ID, trigger=accepted.trigger)
            log.info("schedule.changed", schedule=self.status.schedule)

    def _clear_rejection(self) -> None:
        reload_state = self.status.reload
        reload_state.rejected_fingerprint = None
        reload_state.rejected_at = None
        reload_state.rejected_error = None

    def _lock(self, config_path: Path) -> StateLock:
        state_dir = self.config.state_dir if self.config else app.state_dir(config_path, self._settings)
        return StateLock(lock_path(state_dir), holder="syncd run")

    # ------------------------------------------------------------------ endpoints

    def health(self) -> tuple[bool, str]:
        if self._stopping:
            return False, "stopping"
        if self.config is not None and not self._scheduler.running:
            return False, "the scheduler is not running"
        cycle = self.status.cycle
        if cycle.running and cycle.started_at is not None:
            running_for = (self._clock() - cycle.started_at).total_seconds()
            if running_for > self.options.stuck_seconds:
                return False, f"sync {cycle.run_id} has been running for {running_for:.0f}s"
        return True, "ok"

    def readiness(self) -> list[str]:
        """Reasons the daemon is not ready; empty when it is."""
        reasons = []
        rejected = self.status.reload.rejected_error
        if self.config is None:
            reasons.append("no valid config loaded yet")
        elif not (app.guides_checkout(self.config) / ".git").is_dir():
            reasons.append(f"the guide checkout {app.guides_checkout(self.config)} is missing")
        if rejected is not None:
            reasons.append(
                f"the config on disk was rejected (the last good config keeps running): {rejected}"
            )
        if self.status.guide_fallback is not None:
            reasons.append(self.status.guide_fallback.reason())
        return reasons

    def snapshot(self) -> dict[str, Any]:
        job = self._scheduler.get_job(JOB_ID) if self._scheduler.running else None
        self.status.next_run_at = job.next_run_time if job is not None else None
        reasons = self.readiness()
        return {**self.status.to_json(), "ready": {"ok": not reasons, "reasons": reasons}}

    def _healthz(self) -> Response:
        ok, reason = self.health()
        return Response.text(200 if ok else 503, reason + "\n")

    def _readyz(self) -> Response:
        reasons = self.readiness()
        if reasons:
            return Response.text(503, "".join(f"not ready: {r}\n" for r in reasons))
        return Response.text(200, "ready\n")

    def _metrics(self) -> Response:
        return Response(200, self.metrics.render(), "text/plain; version=0.0.4; charset=utf-8")

    def _status_json(self) -> Response:
        return Response(200, json.dumps(self.snapshot(), indent=2).encode(), "application/json")

    def _page(self) -> Response:
        html = page.render(self.snapshot(), now=self._clock())
        return Response(200, html.encode(), "text/html; charset=utf-8")


async def _serve(options: Options, settings: app.Settings) -> int:
    daemon = Daemon(options, settings)
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, daemon.request_stop)
    try:
        await daemon.start()
        return await daemon.wait_stopped()
    finally:
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(signum)


def run(options: Options, settings: app.Settings) -> int:
    """Run the daemon until SIGTERM/SIGINT; returns the exit code. Raises `SyncdError` at start."""
    loop = asyncio.new_event_loop()
    try:
        code = loop.run_until_complete(_serve(options, settings))
        loop.run_until_complete(_cancel_leftovers())
        loop.run_until_complete(loop.shutdown_asyncgens())
    finally:
        loop.close()  # does not wait for worker threads; `leave` bounds that
    return leave(code)


async def _cancel_leftovers() -> None:
    current = asyncio.current_task()
    leftovers = [task for task in asyncio.all_tasks() if task is not current]
    for task in leftovers:
        task.cancel()
    await asyncio.gather(*leftovers, return_exceptions=True)


def leave(code: int, *, wait_seconds: float = 2.0) -> int:
    """Return `code`, or end the process at once if worker threads (a git fetch) would hold it."""
    deadline = time.monotonic() + wait_seconds
    workers = [t for t in threading.enumerate() if t is not threading.main_thread() and not t.daemon]
    for worker in workers:
        worker.join(timeout=max(0.0, deadline - time.monotonic()))
    if any(t.is_alive() for t in workers):
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return code
