"""Notifications of a sync through Apprise URLs (ntfy, Discord, Gotify, email, `json://`, …).

`compose` decides, from a `SyncReport` and the configured level, whether a sync is worth a
message and writes it: at most one per sync, with counts in the title and the addresses in
the body, never for a converged no-op. Repeats are held back: an instance that keeps failing
with the same error is told once (and again when it recovers), and plan-only pending changes
are told when their set changes. `Notifier` sends through the `apprise` library with a bounded
wait; a failure to notify is logged and counted, never raised. Every text is scrubbed of
secrets (API keys, passwords, the notification URLs themselves) before it leaves.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from syncd.config.model import Config, NotifyLevel
from syncd.daemon.metrics import Metrics
from syncd.daemon.report import FAILED, SUCCESSFUL, ChangeLine, InstanceReport, SyncReport
from syncd.daemon.status import Scrubber
from syncd.logger import get_logger

log = get_logger()

SEND_TIMEOUT_SECONDS = 20.0
MAX_ADDRESSES = 15
_RANK = {NotifyLevel.ERRORS: 0, NotifyLevel.CHANGES: 1, NotifyLevel.ALL: 2}


@dataclass(frozen=True)
class Message:
    title: str
    body: str


@dataclass
class Memory:
    """What was already told: the error of each failing instance, the pending set in plan mode."""

    errors: dict[str, str] = field(default_factory=dict)
    pending: dict[str, frozenset[str]] = field(default_factory=dict)


def _at_least(level: NotifyLevel, wanted: NotifyLevel) -> bool:
    return _RANK[level] >= _RANK[wanted]


def compose(report: SyncReport, level: NotifyLevel, memory: Memory) -> Message | None:
    """The message for `report`, or None if nothing in it is worth telling at `level`.

    Updates `memory` with what the message tells.
    """
    counts: dict[str, int] = {"failed": 0, "applied": 0, "drifted": 0, "pending": 0, "recovered": 0}
    sections: list[str] = []
    for instance in report.instances:
        lines = _instance_lines(instance, report.plan_only, level, memory, counts)
        if lines:
            sections.append("\n".join(lines))
    cycle_line = _cycle_line(report, level, memory)
    if not sections and cycle_line is None:
        return None
    prefix = "syncd (plan-only)" if report.plan_only else "syncd"
    told = [f"{n} {what}" for what, n in counts.items() if n]
    title = f"{prefix}: {', '.join(told) if told else f'sync {report.result}'}"
    revision = f", guides {report.guide_revision[:12]}" if report.guide_revision else ""
    head = f"sync {report.run_id}: {report.result}{revision}"
    body = "\n\n".join([head, *([cycle_line] if cycle_line else []), *sections])
    return Message(title=title, body=body)


def _cycle_line(report: SyncReport, level: NotifyLevel, memory: Memory) -> str | None:
    """A sync that failed as a whole (guides, lock), was skipped or stopped."""
    if report.result == FAILED and report.error and not report.instances:
        if memory.errors.get("") == report.error:
            return None
        memory.errors[""] = report.error
        return f"the sync failed: {report.error}"
    if report.result in SUCCESSFUL or report.result == "partial":
        memory.errors.pop("", None)
    if report.result in ("skipped", "stopped") and _at_least(level, NotifyLevel.ALL):
        return f"the sync was {report.result}" + (f": {report.error}" if report.error else "")
    return None


def _instance_lines(
    instance: InstanceReport,
    plan_only: bool,
    level: NotifyLevel,
    memory: Memory,
    counts: dict[str, int],
) -> list[str]:
    address = instance.address
    lines: list[str] = []
    if instance.result == FAILED:
        error = instance.error or "failed"
        if memory.errors.get(address) != error:
            memory.errors[address] = error
            counts["failed"] += 1
            lines += [f"{address}: failed", f"  {error}"]
    elif address in memory.errors and instance.result in SUCCESSFUL:
        del memory.errors[address]
        counts["recovered"] += 1
        lines.append(f"{address}: recovered")
    if not _at_least(level, NotifyLevel.CHANGES):
        return lines
    if instance.applied:
        counts["applied"] += len(instance.applied)
        lines.append(f"{address}: {len(instance.applied)} applied")
        lines += _addresses(instance.applied)
    if instance.drift:
        counts["drifted"] += len(instance.drift)
        verb = "pending" if plan_only else "reverted"
        lines.append(f"{address}: {len(instance.drift)} changed on the server by hand (drift, {verb})")
        lines += _addresses(instance.drift)
    if plan_only and instance.result != FAILED:
        pending = frozenset(c.address for c in instance.pending)
        if pending and pending != memory.pending.get(address):
            counts["pending"] += len(instance.pending)
            lines.append(f"{address}: {len(instance.pending)} pending (plan-only: nothing was written)")
            lines += _addresses(instance.pending)
        memory.pending[address] = pending
    return lines


def _addresses(changes: tuple[ChangeLine, ...]) -> list[str]:
    shown = [f"  {c.symbol} {c.address}" for c in changes[:MAX_ADDRESSES]]
    if len(changes) > MAX_ADDRESSES:
        shown.append(f"  … and {len(changes) - MAX_ADDRESSES} more")
    return shown


class Notifier:
    """Sends each sync's message (if any) to the config's Apprise URLs; never raises."""

    def __init__(self, metrics: Metrics, *, timeout: float = SEND_TIMEOUT_SECONDS) -> None:
        self._metrics = metrics
        self._timeout = timeout
        self._memory = Memory()

    async def __call__(self, report: SyncReport, config: Config) -> None:
        urls = [u.get_secret_value() for u in config.notify.urls]
        if not urls:
            return
        tentative = Memory(dict(self._memory.errors), dict(self._memory.pending))
        message = compose(report, config.notify.level, tentative)
        if message is None:
            return
        scrub = Scrubber(config.secret_values)
        sent = await self._send(urls, scrub(message.title), scrub(message.body))
        self._metrics.notifications.labels("sent" if sent else "failed").inc()
        if sent:
            self._memory = tentative  # an untold message is tried again after the next sync

    async def _send(self, urls: list[str], title: str, body: str) -> bool:
        import apprise  # loaded only when there is something to send

        _quiet_apprise()
        sender = apprise.Apprise()
        bad = [i for i, url in enumerate(urls, 1) if not sender.add(url)]
        if bad:
            log.error("notify.bad_url", entries=bad, hint="notify.urls entries that Apprise cannot read")
        if len(bad) == len(urls):
            return False
        result = await sender.async_notify(
            body=body, title=title, body_format=apprise.NotifyFormat.TEXT, timeout=self._timeout
        )
        if not result:
            log.error(
                "notify.failed",
                services=len(urls) - len(bad),
                failed=result.failed_count,
                timed_out=result.timeout_count,
            )
            return False
        log.info("notify.sent", services=result.success_count)
        return not bad


def _quiet_apprise() -> None:
    """Apprise logs through the stdlib (with service details); syncd logs the outcome itself."""
    logger = logging.getLogger("apprise")
    logger.propagate = False
    if not logger.handlers:
        logger.addHandler(logging.NullHandler())
