"""Pure: the plan of one qBittorrent instance's preferences (its one resource), diffed like a
settings singleton. (Kept apart from the kinds engine until qBittorrent preferences become a
resource kind of their own.)"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any

from syncd.config.model import QbittorrentConfig
from syncd.errors import Diagnostic
from syncd.plan import diff as diffing
from syncd.plan.model import Action, Change, InstancePlan

KIND = "qbittorrent_preferences"


def build_preferences_plan(
    config: QbittorrentConfig, live: Mapping[str, Any], *, fingerprint: str
) -> InstancePlan:
    """The plan of one qBittorrent instance: a single change that shows only the managed keys.

    qBittorrent ignores keys it does not know, so a key the server does not return, or a value of
    another type than the server holds (it would never converge), is an error at its config line.
    """
    diagnostics = tuple(
        Diagnostic(location=str(s.origin), message=f"{config.address}: {problem}")
        for s in config.preferences
        if (problem := _preference_problem(s.key, s.value, live)) is not None
    )
    changes: tuple[Change, ...] = ()
    if config.preferences and not diagnostics:
        wanted = dict(sorted(config.wanted.items()))
        before = {k: live[k] for k in wanted}
        field_diff = diffing.diff(before, wanted)
        change = Change(
            instance=config.address,
            type=KIND,
            name="preferences",
            action=Action.UPDATE if field_diff else Action.NOOP,
            singleton=True,
            before=before,
            after=wanted,
            diff=field_diff,
            reason="preferences",
        )
        changes = (change,)
    return InstancePlan(
        instance=config.address,
        service="qbittorrent",
        changes=changes,
        diagnostics=diagnostics,
        live_fingerprint=fingerprint,
    )


def _preference_problem(key: str, value: Any, live: Mapping[str, Any]) -> str | None:
    if key not in live:
        near = difflib.get_close_matches(key, list(live), n=3, cutoff=0.6) or sorted(live)[:3]
        return f"qBittorrent has no preference {key!r} (known keys include {', '.join(near)})"
    held, wanted = _value_kind(live[key]), _value_kind(value)
    if live[key] is not None and held != wanted:
        return f"preference {key!r} must be {held}, got {wanted}"
    return None


def _value_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list | tuple):
        return "a list"
    return "a mapping" if isinstance(value, Mapping) else type(value).__name__
