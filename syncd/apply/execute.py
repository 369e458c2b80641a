"""What applying one instance produced (`ApplyResult`), and the apply of a qBittorrent
instance's preferences (`execute_preferences`: one write of only the keys whose value
changes). Sonarr/Radarr instances are applied by the kinds engine (`syncd.apply.engine`).
Progress is reported through `on_event`, never printed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from syncd.domain.state import Ownership
from syncd.errors import SyncdError
from syncd.plan.model import InstancePlan


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
