"""The generic Servarr "provider" kind: download clients, notifications (Plex connections),
Prowlarr applications, indexer proxies and download clients all share this shape.

A provider is `implementation` + `configContract`, `fields[]` (name/value pairs), `tags`
(ids), `enable` and a few top-level settings. The server's `/schema` lists one template per
implementation with every field at its default; a PUT replaces the whole object (a field not
sent falls back to the settings class's default), so a create starts from the template and an
update from the live object, each patched with the config's values and sent whole. Fields
whose `/schema` privacy is `password` or `apiKey` are secrets: the server answers them as
`"********"`, which the engine never counts as a difference (it compares the hash of what
syncd last wrote). Creating or changing an enabled provider makes the server test the
connection; a failed test comes back as the server's own message.

Config (one entry per provider; the config key is the concrete kind's `section`):

    - name: qBittorrent
      implementation: QBittorrent
      enable: true
      tags: [anime]              # labels of tags syncd manages (`tags:`)
      fields: {host: qbittorrent, port: 8080, username: admin, password: !env QBT_PASSWORD}
      settings: {priority: 1}    # top-level resource keys (priority, onGrab, syncLevel, ...)

A concrete kind is a subclass naming `name`, `section`, `endpoint` and `services`.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any, ClassVar

from pydantic import Field, ValidationError

from syncd.config.model import ResourceEntry
from syncd.errors import ConfigError, Diagnostic
from syncd.kinds.base import (
    Context,
    EntryModel,
    Found,
    Planned,
    Resolved,
    RestCollection,
    ShapeError,
    Wanted,
    Wants,
    object_list,
)

SECRET_PRIVACY = ("password", "apiKey")
# Keys of the resource the engine manages itself, never taken from `settings`.
_OWN_KEYS = frozenset({"id", "name", "implementation", "configContract", "fields", "tags", "enable"})


class ProviderEntry(EntryModel):
    name: str
    implementation: str
    enable: bool = True
    tags: list[str] = Field(default_factory=list)
    fields: dict[str, Any] = Field(default_factory=dict)
    settings: dict[str, Any] = Field(default_factory=dict)


class ServarrProvider(RestCollection):
    """Base of the provider kinds; subclasses set the class attributes below."""

    name: ClassVar[str]
    services: ClassVar[frozenset[str]]
    section: ClassVar[str]
    endpoint: ClassVar[str]
    entry: ClassVar[type[EntryModel]] = ProviderEntry
    depends_on: ClassVar[tuple[str, ...]] = ("tag",)
    sensitive: ClassVar[frozenset[str]] = frozenset()
    replace_on: ClassVar[frozenset[str]] = frozenset({"implementation"})

    reads: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls) -> None:
        super().__init_subclass__()
        cls.reads = (cls.endpoint, f"{cls.endpoint}/schema", "tag")

    def sensitive_in(self, reads: Mapping[str, Any]) -> frozenset[str]:
        """`fields.<name>` of every field the server's templates mark password or apiKey."""
        templates = reads.get(f"{self.endpoint}/schema")
        paths: set[str] = set()
        for template in templates if isinstance(templates, list) else ():
            for item in template.get("fields") or () if isinstance(template, Mapping) else ():
                if isinstance(item, Mapping) and item.get("privacy") in SECRET_PRIVACY:
                    paths.add(f"fields.{item['name']}")
        return frozenset(paths)

    def wanted(self, entries: tuple[ResourceEntry, ...], context: Context) -> Wants:
        objects: list[Wanted] = []
        problems: list[Diagnostic] = []
        for entry in entries:
            try:
                parsed = ProviderEntry.model_validate(entry.value)
            except ValidationError as exc:
                error = exc.errors()[0]
                where = ".".join(str(p) for p in error["loc"])
                problems.append(Diagnostic(str(entry.origin), f"{self.section}: {where}: {error['msg']}"))
                continue
            clash = sorted(_OWN_KEYS & set(parsed.settings))
            if clash:
                problems.append(
                    Diagnostic(str(entry.origin), f"{self.section}: settings may not set {', '.join(clash)}")
                )
                continue
            value = {
                "implementation": parsed.implementation,
                "enable": parsed.enable,
                "tags": sorted(set(parsed.tags)),
                "fields": dict(sorted(parsed.fields.items())),
                **parsed.settings,
            }
            objects.append(Wanted(key=parsed.name, name=parsed.name, value=value, origin=str(entry.origin)))
        return Wants(objects=tuple(objects), diagnostics=tuple(problems))

    def found(self, reads: Mapping[str, Any]) -> tuple[Found, ...]:
        labels = {t["id"]: t["label"] for t in object_list(reads, "tag", {"id": int, "label": str})}
        providers = object_list(reads, self.endpoint, {"id": int, "name": str, "implementation": str})
        object_list(reads, f"{self.endpoint}/schema", {"implementation": str})
        found = []
        for raw in providers:
            fields = raw.get("fields") or []
            if not isinstance(fields, list) or not all(
                isinstance(f, Mapping) and "name" in f for f in fields
            ):
                raise ShapeError(self.endpoint, f"provider {raw['name']!r} has no valid fields list")
            value = {
                **{k: v for k, v in raw.items() if k not in ("fields", "tags")},
                "tags": sorted(labels.get(t, f"#{t}") for t in raw.get("tags") or ()),
                "fields": {f["name"]: f.get("value") for f in fields},
            }
            found.append(Found(id=raw["id"], name=raw["name"], raw=raw, value=value))
        return tuple(found)

    def settle(
        self,
        wanted: Wanted,
        found: Found | None,
        reads: Mapping[str, Any],
        planned: Mapping[str, tuple[Planned, ...]],
    ) -> Wanted | tuple[Diagnostic, ...]:
        """A field name the server's `/schema` template (or the live provider) does not have is
        an error at its config line now, not a refused write later."""
        if found is not None:
            known = {f["name"] for f in found.raw.get("fields") or ()}
        else:
            templates = object_list(reads, f"{self.endpoint}/schema", {"implementation": str})
            implementation = wanted.value["implementation"]
            template = next((t for t in templates if t["implementation"] == implementation), None)
            if template is None:
                names = ", ".join(sorted(t["implementation"] for t in templates))
                return (
                    Diagnostic(
                        wanted.origin, f"unknown implementation {implementation!r} (the server has {names})"
                    ),
                )
            known = {f["name"] for f in template.get("fields") or () if isinstance(f, Mapping)}
        unknown = sorted(set(wanted.value.get("fields", {})) - known)
        if not unknown:
            return wanted
        message = (
            f"{wanted.value['implementation']} has no field(s) {', '.join(unknown)} "
            f"(known: {', '.join(sorted(known))})"
        )
        return (Diagnostic(wanted.origin, message),)

    def essence(self, found: Found, wanted: Wanted | None) -> Mapping[str, Any]:
        live = found.value
        if wanted is None:
            return {k: live.get(k) for k in ("implementation", "enable", "tags")}
        essence = {k: live.get(k) for k in wanted.value if k != "fields"}
        essence["fields"] = {k: live["fields"].get(k) for k in wanted.value.get("fields", {})}
        return essence

    def create_body(self, wanted: Wanted, resolved: Resolved, reads: Mapping[str, Any]) -> Any:
        return self._patched(self._template(wanted, reads), wanted, resolved)

    def update_body(self, wanted: Wanted, found: Found, resolved: Resolved) -> Any:
        return self._patched(dict(found.raw), wanted, resolved)

    def _template(self, wanted: Wanted, reads: Mapping[str, Any]) -> dict[str, Any]:
        implementation = wanted.value["implementation"]
        templates = object_list(reads, f"{self.endpoint}/schema", {"implementation": str})
        template = next((t for t in templates if t["implementation"] == implementation), None)
        if template is None:
            known = ", ".join(sorted(t["implementation"] for t in templates))
            raise ConfigError(
                f"{wanted.origin}: unknown implementation {implementation!r} (the server has {known})"
            )
        return {k: v for k, v in template.items() if k not in ("id", "presets")}

    def _patched(self, base: dict[str, Any], wanted: Wanted, resolved: Resolved) -> dict[str, Any]:
        body = copy.deepcopy(base)
        fields = [dict(f) for f in body.get("fields") or []]
        known = {f["name"] for f in fields}
        unknown = sorted(set(wanted.value["fields"]) - known)
        if unknown:
            raise ConfigError(
                f"{wanted.origin}: {wanted.value['implementation']} has no field(s) {', '.join(unknown)} "
                f"(known: {', '.join(sorted(known))})"
            )
        for item in fields:
            if item["name"] in wanted.value["fields"]:
                item["value"] = wanted.value["fields"][item["name"]]
        tag_ids = []
        for label in wanted.value["tags"]:
            tag_id = resolved.id_of("tag", label)
            if tag_id is None:
                raise ConfigError(
                    f"{wanted.origin}: tag {label!r} is not one syncd manages; add it to `tags`"
                )
            tag_ids.append(tag_id)
        body.update({k: v for k, v in wanted.value.items() if k not in ("fields", "tags")})
        body.update(name=wanted.name, fields=fields, tags=tag_ids)
        return body
