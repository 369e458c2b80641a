"""The shape of a Sonarr/Radarr settings singleton (`/api/v3/config/<name>`): one object per
instance, always there, never created or deleted. A write is GET-modify-PUT: the whole live
object with the configured API fields set (the server resets anything a PUT leaves out).
The fields come from the resolved desired instance (`Context.desired`); a field the server's
object does not have is an error at plan time, since the server would silently drop it.

A concrete kind names `name`, `endpoint` and which `DesiredInstance` field holds its values
(`desired_fields`), or reads its own config section by overriding `entry` and `wanted`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from syncd.config.model import ResourceEntry
from syncd.domain.state import DesiredInstance
from syncd.errors import Diagnostic
from syncd.kinds import servarr_json
from syncd.kinds.base import (
    Context,
    EntryModel,
    Found,
    Planned,
    Request,
    Resolved,
    ShapeError,
    Wanted,
    Wants,
    describe,
)


class ConfigSingleton:
    name: ClassVar[str]
    endpoint: ClassVar[str]
    services: ClassVar[frozenset[str]] = frozenset({"sonarr", "radarr"})
    entry: ClassVar[type[EntryModel]] = EntryModel
    depends_on: ClassVar[tuple[str, ...]] = ()
    sensitive: ClassVar[frozenset[str]] = frozenset()
    replace_on: ClassVar[frozenset[str]] = frozenset()
    singleton: ClassVar[bool] = True
    fixed: ClassVar[bool] = True
    section: ClassVar[str] = ""
    reads: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls) -> None:
        super().__init_subclass__()
        cls.section = cls.name
        cls.reads = (cls.endpoint,)

    def desired_fields(self, desired: DesiredInstance) -> Mapping[str, Any] | None:
        raise NotImplementedError

    def wanted(self, entries: tuple[ResourceEntry, ...], context: Context) -> Wants:
        fields = self.desired_fields(context.desired) if context.desired is not None else None
        if fields is None:
            return Wants()
        value = dict(sorted(fields.items()))
        return Wants(objects=(Wanted(key="", name=self.name, value=value, reason=self.name),))

    def found(self, reads: Mapping[str, Any]) -> tuple[Found, ...]:
        reply = reads.get(self.endpoint)
        if not isinstance(reply, Mapping):
            raise ShapeError(self.endpoint, f"expected a JSON object, got {describe(reply)}")
        if not isinstance(reply.get("id"), int):
            raise ShapeError(self.endpoint, "the object has no id")
        return (Found(id=None, name=self.name, raw=reply),)

    def essence(self, found: Found, wanted: Wanted | None) -> Mapping[str, Any]:
        keys = wanted.value if wanted is not None else found.raw
        return {k: found.raw.get(k) for k in sorted(keys) if k != "id"}

    def sensitive_in(self, reads: Mapping[str, Any]) -> frozenset[str]:
        return frozenset()

    def settle(
        self,
        wanted: Wanted,
        found: Found | None,
        reads: Mapping[str, Any],
        planned: Mapping[str, tuple[Planned, ...]],
    ) -> Wanted | tuple[Diagnostic, ...]:
        live = found.raw if found is not None else {}
        missing = sorted(set(wanted.value) - set(live))
        if missing:
            has = ", ".join(sorted(k for k in live if k != "id"))
            message = f"{self.section}: this server has no {', '.join(missing)} (it has {has})"
            return (Diagnostic(location=wanted.origin, message=message),)
        return wanted

    def request(
        self,
        action: str,
        wanted: Wanted | None,
        found: Found | None,
        resolved: Resolved,
        reads: Mapping[str, Any],
    ) -> Request:
        assert wanted is not None and found is not None and action == "update"
        body = servarr_json.merge_singleton(found.raw, wanted.value)
        return Request("PUT", f"{self.endpoint}/{found.raw['id']}", body)
