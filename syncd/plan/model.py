"""The plan: pure data describing what apply will do, in Terraform's vocabulary.

A `Change` is one resource's action with `before`/`after` (JSON-able dicts in syncd's
domain terms, secrets already masked), the field-level `diff`, and a `reason`. A
`Plan` is the ordered changes of every instance plus diagnostics. Renderers only read a
plan; `syncd.apply` executes it. Nothing here does I/O.
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
    DELETE = "delete"

    @property
    def symbol(self) -> str:
        return {"no-op": " ", "create": "+", "update": "~", "delete": "-"}[self.value]


class ResourceType(StrEnum):
    """Kinds of resource, in the order apply runs them (deletes run last, in reverse)."""

    CUSTOM_FORMAT = "custom_format"
    QUALITY_DEFINITION = "quality_definition"
    MEDIA_NAMING = "media_naming"
    MEDIA_MANAGEMENT = "media_management"
    QUALITY_PROFILE = "quality_profile"
    QBITTORRENT_PREFERENCES = "qbittorrent_preferences"

    @property
    def order(self) -> int:
        return list(ResourceType).index(self)

    @property
    def singleton_name(self) -> str | None:
        """The address suffix of a kind an instance has exactly one of; None for collections."""
        return _SINGLETON_NAMES.get(self)


_SINGLETON_NAMES = {
    ResourceType.MEDIA_NAMING: "media_naming",
    ResourceType.MEDIA_MANAGEMENT: "media_management",
    ResourceType.QBITTORRENT_PREFERENCES: "preferences",
}


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
    for updates and deletes.
    """

    instance: str
    type: ResourceType
    name: str
    action: Action
    key: str = ""
    live_id: int | None = None
    before: Mapping[str, Any] | None = None
    after: Mapping[str, Any] | None = None
    diff: tuple[FieldChange, ...] = ()
    reason: str = ""

    @property
    def address(self) -> str:
        singleton = self.type.singleton_name
        if singleton is not None:
            return f"{self.instance}.{singleton}"
        escaped = self.name.replace("\\", "\\\\").replace('"', '\\"')
        return f'{self.instance}.{self.type.value}["{escaped}"]'

    @property
    def sort_key(self) -> tuple[int, int, str]:
        # Deletes after everything else (profiles first stop scoring a CF, then it goes).
        if self.action is Action.DELETE:
            return (100 + (len(ResourceType) - self.type.order), 0, self.name.lower())
        return (self.type.order, 0, self.name.lower())


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
        counts = dict.fromkeys(Action, 0)
        for change in self.changes:
            counts[change.action] += 1
        return Summary(add=counts[Action.CREATE], change=counts[Action.UPDATE], destroy=counts[Action.DELETE])

    @property
    def has_changes(self) -> bool:
        return self.summary().total > 0
