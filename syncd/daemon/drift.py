"""Drift: a change on a server made outside syncd (by hand in the UI), found by the next plan.

Precisely: a planned create, update or delete for an instance whose config fingerprint and
guide revision are the same as at that instance's last successful cycle. A successful cycle
leaves the server converged, so with the same inputs any planned change must come from the
server side. Changes caused by a config or guide change are not drift. Each drifted address
is reported once until the instance syncs successfully again.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from syncd.config.model import InstanceConfig, KindsInstance, QbittorrentConfig
from syncd.plan.model import Change, InstancePlan


@dataclass(frozen=True)
class Inputs:
    """What a plan is computed from, on syncd's side."""

    config: str
    guide_revision: str


def config_fingerprint(instance: InstanceConfig | QbittorrentConfig | KindsInstance) -> str:
    """Hash of the instance's normalized config, blind to file positions and secret values."""
    data = _without_origins(instance.model_dump(mode="json"))
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def _without_origins(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_origins(v) for k, v in value.items() if k != "origin"}
    if isinstance(value, list):
        return [_without_origins(v) for v in value]
    return value


def drifted(
    plan: InstancePlan, *, baseline: Inputs | None, current: Inputs, reported: frozenset[str]
) -> tuple[Change, ...]:
    """The changes of `plan` that are drift and not yet reported."""
    if baseline != current or plan.error:
        return ()
    return tuple(c for c in plan.actionable if c.address not in reported)
