"""The plan: pure data describing what apply will do, in Terraform's vocabulary.

A `Change` is one resource's action with `before`/`after` (JSON-able dicts in syncd's
domain terms, secrets already masked), the field-level `diff`, and a `reason`. Its `type` is
the name of the resource kind that planned it (`custom_format`, `tag`, ...); nothing outside
that kind's module gives the name a meaning. An `InstancePlan` holds one instance's changes in
apply order; a `Plan` holds every instance plus diagnostics, and `waves`: the instance
addresses grouped in the order apply runs them (one wave after the other, the instances of a
wave concurrently). Renderers only read a plan; `syncd.apply` executes it. Nothing here does
I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from syncd.errors import Diagnostic

FORMAT_VERSION = "1.0"


class Action(StrEnum):
    NOOP = "no-op"
    CREATE = "create"
    UPDATE = "update"
    REPLACE = "replace"
    DELETE = "delete"

    @property
    def symbol(self) -> str:
        return {"no-op": " ", "create": "+", "update": "~", "replace": "-/+", "delete": "-"}[self.value]


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class FieldChange(Frozen):
    """One changed attribute. `path` is the dotted path inside the resource (`scores.AMZN`)."""

    path: str
    before: Any = None
    after: Any = None


class Change(Frozen):
    """One resource's planned action.

    `instance` is `sonarr.main`; `name` is the display name (`Remux Tier 01`); `key` is the
    ownership key (trash_id or profile key, empty for singletons); `live_id` is the server id
    for updates and deletes. A `repair` is an update restoring what the server itself lost on
    an object (the custom formats of a quality profile, whoever manages it): apply builds it
    from what the server holds then, through the kind that declares the repair.
    """

    instance: str
    type: str
    name: str
    action: Action
    key: str = ""
    live_id: int | None = None
    # True for a kind an instance has exactly one of: the address is `<instance>.<name>`.
    singleton: bool = False
    before: Mapping[str, Any] | None = None
    after: Mapping[str, Any] | None = None
    diff: tuple[FieldChange, ...] = ()
    reason: str = ""
    repair: bool = False

    @property
    def address(self) -> str:
        if self.singleton:
            return f"{self.instance}.{self.name}"
        escaped = self.name.replace("\\", "\\\\").replace('"', '\\"')
        return f'{self.instance}.{self.type}["{escaped}"]'


class InstancePlan(Frozen):
    """The changes for one instance, in apply order, and the live fingerprint they assume."""

    instance: str
    service: str
    changes: tuple[Change, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
    live_fingerprint: str = ""
    # Set when planning this instance failed (unreachable, bad key); then it has no changes.
    error: str | None = None

    @property
    def actionable(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.action is not Action.NOOP)


class Summary(Frozen):
    add: int = 0
    change: int = 0
    destroy: int = 0

    @property
    def total(self) -> int:
        return self.add + self.change + self.destroy


class Plan(Frozen):
    format_version: str = FORMAT_VERSION
    syncd_version: str = ""
    guide_revision: str = ""
    instances: tuple[InstancePlan, ...] = ()
    # Instance addresses in apply order: each wave runs after the previous one has finished.
    waves: tuple[tuple[str, ...], ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
    extra: Mapping[str, Any] = Field(default_factory=dict)

    @property
    def errored(self) -> bool:
        return any(i.error for i in self.instances) or any(
            d.severity == "error" for d in self.all_diagnostics
        )

    @property
    def all_diagnostics(self) -> tuple[Diagnostic, ...]:
        return self.diagnostics + tuple(d for i in self.instances for d in i.diagnostics)

    @property
    def changes(self) -> tuple[Change, ...]:
        return tuple(c for i in self.instances for c in i.changes)

    def summary(self) -> Summary:
        """Terraform's counts: a replace is one to add and one to destroy."""
        counts = dict.fromkeys(Action, 0)
        for change in self.changes:
            counts[change.action] += 1
        replaced = counts[Action.REPLACE]
        return Summary(
            add=counts[Action.CREATE] + replaced,
            change=counts[Action.UPDATE],
            destroy=counts[Action.DELETE] + replaced,
        )

    @property
    def has_changes(self) -> bool:
        return self.summary().total > 0
