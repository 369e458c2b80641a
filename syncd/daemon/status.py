"""What the daemon knows about itself, for `/status`, `/` and `/readyz`: the last cycle, the
last result, plan summary and pending changes of every instance, recent drift, the mode, the
schedule, the guide revision and the config reload state. Plain in-memory data, changed only from the event loop; `to_json` is the
documented `/status` document. Every text that enters it goes through `Scrubber` first.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from syncd.daemon.report import ChangeLine

STATUS_VERSION = 1
RECENT_DRIFT = 10
_URL_CREDENTIALS = re.compile(r"(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)[^/@\s]*@")


class Scrubber:
    """Removes known secret values and URL credentials from text shown to the outside."""

    def __init__(self, secrets: tuple[str, ...] = ()) -> None:
        self._secrets = tuple(s for s in secrets if s)

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "(sensitive value)")
        return _URL_CREDENTIALS.sub(r"\g<scheme>", text)


def iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat(timespec="seconds") if moment else None


@dataclass(frozen=True)
class DriftRecord:
    at: datetime
    address: str
    action: str
    run_id: str

    def to_json(self) -> dict[str, Any]:
        return {"at": iso(self.at), "address": self.address, "action": self.action, "run_id": self.run_id}


@dataclass
class InstanceStatus:
    """One instance: `result` is success, planned (plan-only mode), failed or stopped; `pending`
    counts the planned changes that were not applied (None when the instance could not be
    planned), `pending_plan` shows them as `syncd plan` does."""

    address: str
    result: str | None = None
    error: str | None = None
    run_id: str | None = None
    last_sync_at: datetime | None = None
    last_success_at: datetime | None = None
    plan: dict[str, int] = field(default_factory=lambda: {"add": 0, "change": 0, "destroy": 0})
    applied: int = 0
    pending: int | None = None
    drift: deque[DriftRecord] = field(default_factory=lambda: deque(maxlen=RECENT_DRIFT))
    drift_total: int = 0
    applied_changes: list[ChangeLine] = field(default_factory=list)
    pending_changes: list[ChangeLine] = field(default_factory=list)
    pending_plan: str | None = None
    # Why the last plan was refused for deleting too many objects (nothing was written).
    deletes_refused: str | None = None
    # The last plan's warnings for this instance (a Plex without a token is skipped, say).
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "address": self.address,
            "deletes_refused": self.deletes_refused,
            "result": self.result,
            "error": self.error,
            "warnings": list(self.warnings),
            "run_id": self.run_id,
            "last_sync_at": iso(self.last_sync_at),
            "last_success_at": iso(self.last_success_at),
            "plan": dict(self.plan),
            "applied": self.applied,
            "pending": self.pending,
            "applied_changes": [c.to_json() for c in self.applied_changes],
            "pending_changes": [c.to_json() for c in self.pending_changes],
            "pending_plan": self.pending_plan,
            "drift_total": self.drift_total,
            "recent_drift": [d.to_json() for d in reversed(self.drift)],
        }


@dataclass
class CycleStatus:
    running: bool = False
    run_id: str | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    duration_seconds: float | None = None
    result: str | None = None
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "running": self.running,
            "run_id": self.run_id,
            "started_at": iso(self.started_at),
            "finished_at": iso(self.finished_at),
            "duration_seconds": self.duration_seconds,
            "result": self.result,
            "error": self.error,
        }


@dataclass
class ReloadStatus:
    """`fingerprint` is the content hash of the config in use; `rejected` the newest on-disk
    config that failed to load, until a good one replaces it."""

    path: str
    fingerprint: str = ""
    loaded_at: datetime | None = None
    rejected_fingerprint: str | None = None
    rejected_at: datetime | None = None
    rejected_error: str | None = None

    def to_json(self) -> dict[str, Any]:
        rejected = None
        if self.rejected_fingerprint is not None:
            rejected = {
                "fingerprint": self.rejected_fingerprint,
                "at": iso(self.rejected_at),
                "error": self.rejected_error,
            }
        return {
            "path": self.path,
            "fingerprint": self.fingerprint,
            "loaded_at": iso(self.loaded_at),
            "rejected": rejected,
        }


@dataclass(frozen=True)
class GuideFallback:
    """The newest guide revision has broken files, so the daemon syncs with the last good one."""

    broken_revision: str
    using_revision: str
    broken_files: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "broken_revision": self.broken_revision,
            "using_revision": self.using_revision,
            "broken_files": list(self.broken_files),
        }

    def reason(self) -> str:
        files = ", ".join(self.broken_files)
        return (
            f"guide revision {self.broken_revision[:12]} has broken files ({files}); "
            f"syncing with the last good revision {self.using_revision[:12]}"
        )


@dataclass
class DaemonStatus:
    started_at: datetime
    reload: ReloadStatus
    schedule: str = ""
    mode: str = "apply"
    next_run_at: datetime | None = None
    guide_revision: str | None = None
    guide_date: datetime | None = None
    guide_fallback: GuideFallback | None = None
    cycle: CycleStatus = field(default_factory=CycleStatus)
    instances: dict[str, InstanceStatus] = field(default_factory=dict)

    def instance(self, address: str) -> InstanceStatus:
        return self.instances.setdefault(address, InstanceStatus(address=address))

    def keep_only(self, addresses: tuple[str, ...]) -> None:
        """Forget instances that left the config."""
        for address in list(self.instances):
            if address not in addresses:
                del self.instances[address]
        for address in addresses:
            self.instance(address)

    def to_json(self) -> dict[str, Any]:
        return {
            "status_version": STATUS_VERSION,
            "started_at": iso(self.started_at),
            "mode": self.mode,
            "schedule": self.schedule,
            "next_run_at": iso(self.next_run_at),
            "guide_revision": self.guide_revision,
            "guide_date": iso(self.guide_date),
            "guide_fallback": self.guide_fallback.to_json() if self.guide_fallback else None,
            "cycle": self.cycle.to_json(),
            "config": self.reload.to_json(),
            "instances": [self.instances[a].to_json() for a in sorted(self.instances)],
        }
