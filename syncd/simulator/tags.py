"""Tags of a simulated Sonarr, Radarr or Prowlarr, with the real `TagService` rules.

Owns the tag table and its rules: the list is ordered by label; POST lower-cases the label and
returns the existing tag when one has that label (so a create is idempotent); PUT lower-cases
too; DELETE of a tag still used by another resource is a 409 "'<label>' cannot be deleted since
it's still in use" (`ModelConflictException`); unknown ids are 404. Label validation differs by
server: Sonarr v4 takes any label; Radarr v5 wants a non-empty one; Radarr v6 wants a non-empty
one of `a-z`, `0-9` and `-` only ("Allowed characters a-z, 0-9 and -"); Prowlarr v2 checks
only the characters, so an empty label gets that same message.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from enum import Enum
from typing import Any

from syncd.simulator.rules import Failure, Rejection, raise_failures

Json = dict[str, Any]
_LABEL = re.compile(r"^[a-z0-9-]+$", re.IGNORECASE)
LABEL_MESSAGE = "Allowed characters a-z, 0-9 and -"


class LabelRule(Enum):
    """How strictly a server checks a tag label."""

    ANY = "any"
    NOT_EMPTY = "not-empty"
    SLUG = "slug"
    SLUG_CHARACTERS = "slug-characters"


class Tags:
    """The tag table. `in_use(tag_id)` says whether any other resource references the tag."""

    def __init__(self, rule: LabelRule, next_id: Callable[[], int], in_use: Callable[[int], bool]) -> None:
        self.rows: dict[int, Json] = {}
        self._rule = rule
        self._next_id = next_id
        self._in_use = in_use
        self.marked_in_use: set[int] = set()
        """Tags a test declares used (by a series, an import list ...) beyond what the fake models."""

    def _label(self, body: Any) -> str:
        if not isinstance(body, dict):
            raise Rejection.of(Failure("", "A JSON object is required.", body))
        label = body.get("label")
        if label is not None and not isinstance(label, str):
            raise Rejection.of(Failure("label", "The JSON value could not be converted for 'label'.", label))
        failures: list[Failure] = []
        blank = label is None or not label.strip()
        if self._rule in (LabelRule.NOT_EMPTY, LabelRule.SLUG) and blank:
            failures.append(Failure("Label", "'Label' must not be empty.", label))
        elif (
            self._rule in (LabelRule.SLUG, LabelRule.SLUG_CHARACTERS)
            and label is not None
            and not _LABEL.match(label)
        ):
            failures.append(Failure("Label", LABEL_MESSAGE, label))
        raise_failures(failures)
        if label is None:
            raise Rejection.message(500, "Object reference not set to an instance of an object.")
        return label.lower()

    def find(self, tag_id: int) -> Json:
        try:
            return self.rows[tag_id]
        except KeyError:
            raise Rejection.message(404, "NotFound") from None

    def list_all(self) -> list[Json]:
        return [dict(tag) for tag in sorted(self.rows.values(), key=lambda tag: (tag["label"], tag["id"]))]

    def get(self, tag_id: int) -> Json:
        return dict(self.find(tag_id))

    def create(self, body: Any) -> Json:
        label = self._label(body)
        for tag in self.rows.values():
            if tag["label"] == label:
                return dict(tag)
        tag = {"id": self._next_id(), "label": label}
        self.rows[tag["id"]] = tag
        return dict(tag)

    def update(self, tag_id: int, body: Any) -> Json:
        self.find(tag_id)
        tag = {"id": tag_id, "label": self._label(body)}
        self.rows[tag_id] = tag
        return dict(tag)

    def delete(self, tag_id: int) -> None:
        tag = self.find(tag_id)
        if tag_id in self.marked_in_use or self._in_use(tag_id):
            raise Rejection.message(409, f"'{tag['label']}' cannot be deleted since it's still in use")
        del self.rows[tag_id]
