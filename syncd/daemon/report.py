"""What one sync did, as data: per instance the result, the error, and the addresses of the
changes applied, still pending and found drifted. The cycle builds it; notifications read it.
Every text in it has been scrubbed of secrets already.
"""

from __future__ import annotations

from dataclasses import dataclass

from syncd.plan.model import Change

FAILED = "failed"
SUCCESSFUL = ("success", "planned")


@dataclass(frozen=True)
class ChangeLine:
    """One change by its Terraform-style symbol and address: `+ sonarr.main.custom_format["x"]`."""

    action: str
    address: str

    @classmethod
    def of(cls, change: Change) -> ChangeLine:
        return cls(action=change.action.value, address=change.address)

    @property
    def symbol(self) -> str:
        return {"create": "+", "update": "~", "delete": "-"}.get(self.action, "?")

    def to_json(self) -> dict[str, str]:
        return {"action": self.action, "address": self.address}


@dataclass(frozen=True)
class InstanceReport:
    """`recovered`: the instance failed in the sync before and succeeded in this one."""

    address: str
    result: str
    error: str | None = None
    applied: tuple[ChangeLine, ...] = ()
    pending: tuple[ChangeLine, ...] = ()
    drift: tuple[ChangeLine, ...] = ()
    recovered: bool = False


@dataclass(frozen=True)
class SyncReport:
    """`plan_only`: the sync planned and wrote nothing (`mode: plan` or `--plan-only`)."""

    run_id: str
    result: str
    plan_only: bool
    error: str | None = None
    guide_revision: str | None = None
    instances: tuple[InstanceReport, ...] = ()
