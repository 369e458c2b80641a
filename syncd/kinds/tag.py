"""The Sonarr/Radarr/Prowlarr tag (`/api/v3/tag`, Prowlarr's `/api/v1/tag`, the same API):
config `tags: [anime, 4k]`.

The server lowercases a label and answers a POST of an existing label with the existing tag;
Radarr v6 and Prowlarr v2 accept only `a-z`, `0-9` and `-`, so syncd asks for exactly that
everywhere (a label that would differ between servers is refused at its config line). A tag
is matched by its label; renaming is an update (`PUT /tag/{id}`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, ClassVar

from pydantic import ValidationError

from syncd.config.model import ResourceEntry
from syncd.errors import Diagnostic
from syncd.kinds.base import (
    Context,
    EntryModel,
    Found,
    Resolved,
    RestCollection,
    Wanted,
    Wants,
    object_list,
)

LABEL = re.compile(r"^[a-z0-9-]+$")
ENDPOINT = "tag"


class TagEntry(EntryModel):
    label: str


class Tag(RestCollection):
    endpoint: ClassVar[str] = ENDPOINT
    name: ClassVar[str] = "tag"
    services: ClassVar[frozenset[str]] = frozenset({"sonarr", "radarr", "prowlarr"})
    section: ClassVar[str] = "tags"
    entry: ClassVar[type[EntryModel]] = TagEntry
    depends_on: ClassVar[tuple[str, ...]] = ()
    reads: ClassVar[tuple[str, ...]] = (ENDPOINT,)
    sensitive: ClassVar[frozenset[str]] = frozenset()
    replace_on: ClassVar[frozenset[str]] = frozenset()

    def wanted(self, entries: tuple[ResourceEntry, ...], context: Context) -> Wants:
        objects: list[Wanted] = []
        problems: list[Diagnostic] = []
        for entry in entries:
            value = {"label": entry.value} if isinstance(entry.value, str) else entry.value
            try:
                label = TagEntry.model_validate(value).label
            except ValidationError as exc:
                problems.append(Diagnostic(str(entry.origin), f"tags: {exc.errors()[0]['msg']}"))
                continue
            if not LABEL.match(label):
                problems.append(
                    Diagnostic(
                        str(entry.origin),
                        f"tag {label!r}: use only lowercase letters, digits and '-' "
                        "(Radarr v6 and Prowlarr v2 refuse anything else)",
                    )
                )
                continue
            objects.append(Wanted(key=label, name=label, value={"label": label}, origin=str(entry.origin)))
        return Wants(objects=tuple(objects), diagnostics=tuple(problems))

    def found(self, reads: Mapping[str, Any]) -> tuple[Found, ...]:
        tags = object_list(reads, ENDPOINT, {"id": int, "label": str})
        return tuple(Found(id=t["id"], name=t["label"], raw=t) for t in tags)

    def essence(self, found: Found, wanted: Wanted | None) -> Mapping[str, Any]:
        return {"label": found.raw["label"]}

    def sensitive_in(self, reads: Mapping[str, Any]) -> frozenset[str]:
        return frozenset()

    def create_body(self, wanted: Wanted, resolved: Resolved, reads: Mapping[str, Any]) -> Any:
        return {"label": wanted.value["label"]}

    def update_body(self, wanted: Wanted, found: Found, resolved: Resolved) -> Any:
        return {"id": found.id, "label": wanted.value["label"]}
