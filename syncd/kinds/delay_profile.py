"""The Sonarr/Radarr delay profile (`/api/v3/delayprofile`): config

    delay_profiles:
      - {default: true, preferred_protocol: torrent, usenet_delay: 0, torrent_delay: 0}
      - {tags: [anime], preferred_protocol: usenet, usenet_delay: 60}

The server's default profile is the one with id 1 (`DelayProfileController`: it must have no
tags, it cannot be deleted; its order is `int.MaxValue`, so it is the last fallback). An entry
with `default: true` updates it from the live object; it is found with no id, so no delete
policy can ever select it. Every other profile is identified by its tags (labels of tags syncd
manages; the server lets a tag belong to one profile only) and needs at least one.

A PUT replaces the whole profile: a field not sent falls back to the C# default, an omitted
`order` becomes 0 and the default profile would then outrank the tagged ones (what Configarr
does). So an update starts from the live object and keeps its `order`; a create starts from
the UI's new-profile values and the server appends it. `tags` is always a list, never null.
Only the keys an entry sets are compared.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Literal

from pydantic import Field, ValidationError

from syncd.config.model import ResourceEntry
from syncd.errors import ConfigError, Diagnostic
from syncd.kinds.base import (
    Context,
    EntryModel,
    Found,
    Request,
    Resolved,
    ShapeError,
    Wanted,
    Wants,
    object_list,
)
from syncd.kinds.remote_path_mapping import first_error

ENDPOINT = "delayprofile"
DEFAULT_ID = 1
DEFAULT_NAME = "(default)"
# Config key -> API key, for the settings an entry may set.
API_KEYS = {
    "enable_usenet": "enableUsenet",
    "enable_torrent": "enableTorrent",
    "preferred_protocol": "preferredProtocol",
    "usenet_delay": "usenetDelay",
    "torrent_delay": "torrentDelay",
    "bypass_if_highest_quality": "bypassIfHighestQuality",
    "bypass_if_above_custom_format_score": "bypassIfAboveCustomFormatScore",
    "minimum_custom_format_score": "minimumCustomFormatScore",
}
# What the web UI starts a new profile from (`EditDelayProfileModalContentConnector`).
NEW_PROFILE: Mapping[str, Any] = {
    "enableUsenet": True,
    "enableTorrent": True,
    "preferredProtocol": "usenet",
    "usenetDelay": 0,
    "torrentDelay": 0,
    "bypassIfHighestQuality": False,
    "bypassIfAboveCustomFormatScore": False,
    "minimumCustomFormatScore": 0,
    "tags": [],
}


class DelayProfileEntry(EntryModel):
    default: bool = False
    tags: list[str] = Field(default_factory=list)
    enable_usenet: bool | None = None
    enable_torrent: bool | None = None
    preferred_protocol: Literal["usenet", "torrent"] | None = None
    usenet_delay: int | None = Field(default=None, ge=0)
    torrent_delay: int | None = Field(default=None, ge=0)
    bypass_if_highest_quality: bool | None = None
    bypass_if_above_custom_format_score: bool | None = None
    minimum_custom_format_score: int | None = None


def tags_name(labels: list[str]) -> str:
    return ",".join(sorted(labels))


class DelayProfile:
    name: ClassVar[str] = "delay_profile"
    services: ClassVar[frozenset[str]] = frozenset({"sonarr", "radarr"})
    section: ClassVar[str] = "delay_profiles"
    entry: ClassVar[type[EntryModel]] = DelayProfileEntry
    depends_on: ClassVar[tuple[str, ...]] = ("tag",)
    reads: ClassVar[tuple[str, ...]] = (ENDPOINT, "tag")
    sensitive: ClassVar[frozenset[str]] = frozenset()
    replace_on: ClassVar[frozenset[str]] = frozenset()

    def wanted(self, entries: tuple[ResourceEntry, ...], context: Context) -> Wants:
        objects: list[Wanted] = []
        problems: list[Diagnostic] = []
        # Tag label -> the profile (name) it belongs to.
        taken: dict[str, str] = {}
        for entry in entries:
            origin = str(entry.origin)
            try:
                parsed = DelayProfileEntry.model_validate(entry.value)
            except ValidationError as exc:
                problems.append(Diagnostic(origin, f"{self.section}: {first_error(exc)}"))
                continue
            has_default = any(o.key == DEFAULT_NAME for o in objects)
            problem = self._problem(parsed, taken, has_default=has_default)
            if problem:
                problems.append(Diagnostic(origin, f"{self.section}: {problem}"))
                continue
            name = DEFAULT_NAME if parsed.default else tags_name(parsed.tags)
            taken.update(dict.fromkeys(parsed.tags, name))
            value: dict[str, Any] = {
                api: getattr(parsed, key) for key, api in API_KEYS.items() if getattr(parsed, key) is not None
            }
            if not parsed.default:
                value["tags"] = sorted(set(parsed.tags))
            objects.append(Wanted(key=name, name=name, value=value, origin=origin))
        return Wants(objects=tuple(objects), diagnostics=tuple(problems))

    def _problem(
        self, parsed: DelayProfileEntry, taken: Mapping[str, str], *, has_default: bool
    ) -> str | None:
        if parsed.default:
            if parsed.tags:
                return "the default delay profile has no tags (the server refuses them)"
            if has_default:
                return "only one entry may set `default: true`"
            return None
        if not parsed.tags:
            return "a delay profile other than the default needs tags (or `default: true`)"
        shared = sorted(label for label in set(parsed.tags) if label in taken)
        if shared:
            return f"tag(s) {', '.join(shared)} already belong to delay profile {taken[shared[0]]!r}"
        if parsed.enable_usenet is False and parsed.enable_torrent is False:
            return "enable usenet or torrent (the server refuses a profile with neither)"
        return None

    def found(self, reads: Mapping[str, Any]) -> tuple[Found, ...]:
        labels = {t["id"]: t["label"] for t in object_list(reads, "tag", {"id": int, "label": str})}
        rows = object_list(reads, ENDPOINT, {"id": int, "order": int})
        if not any(row["id"] == DEFAULT_ID for row in rows):
            raise ShapeError(ENDPOINT, f"no default profile (id {DEFAULT_ID}), which every server has")
        found = []
        for row in rows:
            tags = row.get("tags") or []
            if not isinstance(tags, list):
                raise ShapeError(ENDPOINT, f"profile {row['id']} has no valid tags list")
            tag_labels = sorted(labels.get(t, f"#{t}") for t in tags)
            value = {**{api: row.get(api) for api in API_KEYS.values()}, "tags": tag_labels}
            if row["id"] == DEFAULT_ID:
                # No id: the engine never deletes an object it cannot address.
                found.append(Found(id=None, name=DEFAULT_NAME, raw=row, value=value))
            else:
                found.append(Found(id=row["id"], name=tags_name(tag_labels), raw=row, value=value))
        return tuple(found)

    def essence(self, found: Found, wanted: Wanted | None) -> Mapping[str, Any]:
        keys = wanted.value if wanted is not None else ("tags", *API_KEYS.values())
        return {k: found.value.get(k) for k in keys}

    def sensitive_in(self, reads: Mapping[str, Any]) -> frozenset[str]:
        return frozenset()

    def request(
        self,
        action: str,
        wanted: Wanted | None,
        found: Found | None,
        resolved: Resolved,
        reads: Mapping[str, Any],
    ) -> Request:
        if action == "delete":
            assert found is not None and found.id is not None
            return Request("DELETE", f"{ENDPOINT}/{found.id}")
        assert wanted is not None
        if wanted.key == DEFAULT_NAME:
            live = dict(found.raw) if found is not None else self._live_default(reads)
            body = {**live, **wanted.value, "tags": []}
            return Request("PUT", f"{ENDPOINT}/{live['id']}", body)
        tags = self._tag_ids(wanted, resolved)
        if action == "create":
            return Request("POST", ENDPOINT, {**NEW_PROFILE, **wanted.value, "tags": tags})
        assert found is not None
        return Request("PUT", f"{ENDPOINT}/{found.id}", {**found.raw, **wanted.value, "tags": tags})

    def _live_default(self, reads: Mapping[str, Any]) -> dict[str, Any]:
        (default,) = (f for f in self.found(reads) if f.id is None)
        return dict(default.raw)

    def _tag_ids(self, wanted: Wanted, resolved: Resolved) -> list[int]:
        ids = []
        for label in wanted.value["tags"]:
            tag_id = resolved.id_of("tag", label)
            if tag_id is None:
                raise ConfigError(
                    f"{wanted.origin}: tag {label!r} is not one syncd manages; add it to `tags`"
                )
            ids.append(tag_id)
        return ids
