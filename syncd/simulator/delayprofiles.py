"""Delay profiles of a simulated Sonarr/Radarr, as `DelayProfileController` and
`DelayProfileService` treat them.

Owns the delay-profile table. A fresh server has the default profile, id 1, with no tags and
order `int.MaxValue` (both protocols on, usenet preferred, no delays, bypass if highest
quality). Rules: the default profile must have no tags and every other one needs some; a tag
may belong to one profile only ("One or more tags is used in another profile"); delays are not
negative; usenet or torrent must be on. A PUT replaces the whole profile, so an omitted `order`
becomes 0 (and the default profile then outranks the tagged ones). A POST ignores the sent
order and appends (`order = count`). The default profile cannot be deleted (405 "Cannot delete
global delay profile"); a delete renumbers the others 1, 2, ... `reorder/{id}?after=` moves a
profile the way the service does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from syncd.simulator.rules import Failure, Rejection, raise_failures

Json = dict[str, Any]
INT_MAX = 2**31 - 1
PROTOCOLS = ("unknown", "usenet", "torrent")
DEFAULT_PROFILE: Json = {
    "id": 1,
    "enableUsenet": True,
    "enableTorrent": True,
    "preferredProtocol": "usenet",
    "usenetDelay": 0,
    "torrentDelay": 0,
    "bypassIfHighestQuality": True,
    "bypassIfAboveCustomFormatScore": False,
    "minimumCustomFormatScore": 0,
    "order": INT_MAX,
    "tags": [],
}
_BOOLS = ("enableUsenet", "enableTorrent", "bypassIfHighestQuality", "bypassIfAboveCustomFormatScore")
_INTS = ("usenetDelay", "torrentDelay", "minimumCustomFormatScore", "order")


class DelayProfiles:
    """The delay-profile table, seeded with the default profile."""

    def __init__(self, next_id: Callable[[], int]) -> None:
        self._next_id = next_id
        first = next_id()
        self.rows: dict[int, Json] = {first: {**DEFAULT_PROFILE, "id": first, "tags": []}}

    def list_all(self) -> list[Json]:
        return [self._render(row) for row in self.rows.values()]

    def _render(self, row: Json) -> Json:
        return {**row, "tags": list(row["tags"])}

    def _find(self, profile_id: int) -> Json:
        try:
            return self.rows[profile_id]
        except KeyError:
            raise Rejection.message(404, "NotFound") from None

    def get(self, profile_id: int) -> Json:
        return self._render(self._find(profile_id))

    def using_tag(self, tag_id: int) -> bool:
        return any(tag_id in row["tags"] for row in self.rows.values())

    def _read(self, body: Any, profile_id: int) -> Json:
        """The resource's `ToModel`: omitted booleans and numbers take their C# defaults."""
        if not isinstance(body, dict):
            raise Rejection.of(Failure("", "A JSON object is required.", body))
        profile: Json = {"id": profile_id}
        for key in _BOOLS:
            value = body.get(key, False)
            if not isinstance(value, bool):
                raise Rejection.of(Failure(key, f"The JSON value could not be converted for '{key}'.", value))
            profile[key] = value
        for key in _INTS:
            value = body.get(key, 0)
            if isinstance(value, bool) or not isinstance(value, int):
                raise Rejection.of(Failure(key, f"The JSON value could not be converted for '{key}'.", value))
            profile[key] = value
        protocol = body.get("preferredProtocol", "unknown")
        if protocol not in PROTOCOLS:
            failure = Failure(
                "preferredProtocol", "The JSON value could not be converted for 'preferredProtocol'."
            )
            raise Rejection.of(failure)
        profile["preferredProtocol"] = protocol
        tags = body.get("tags")
        if tags is not None and (not isinstance(tags, list) or not all(isinstance(t, int) for t in tags)):
            raise Rejection.of(Failure("tags", "The JSON value could not be converted for 'tags'.", tags))
        profile["tags"] = sorted(set(tags or []))
        raise_failures(self._failures(profile, tags))
        return profile

    def _failures(self, profile: Json, sent_tags: Any) -> list[Failure]:
        failures: list[Failure] = []
        tags = profile["tags"]
        if profile["id"] != 1 and not tags:
            failures.append(Failure("Tags", "'Tags' must not be empty.", sent_tags))
        if profile["id"] == 1 and tags:
            failures.append(Failure("Tags", "'Tags' must be empty.", sent_tags))
        if any(set(row["tags"]) & set(tags) for row in self.rows.values() if row["id"] != profile["id"]):
            failures.append(Failure("Tags", "One or more tags is used in another profile", sent_tags))
        for key, label in (("usenetDelay", "Usenet Delay"), ("torrentDelay", "Torrent Delay")):
            if profile[key] < 0:
                failures.append(
                    Failure(
                        key[0].upper() + key[1:],
                        f"'{label}' must be greater than or equal to '0'.",
                        profile[key],
                    )
                )
        if not profile["enableUsenet"] and not profile["enableTorrent"]:
            failures.append(Failure("", "Either Usenet or Torrent should be enabled"))
        return failures

    def create(self, body: Any) -> Json:
        profile = self._read(body, 0)
        profile["order"] = len(self.rows)
        profile["id"] = self._next_id()
        self.rows[profile["id"]] = profile
        return self._render(profile)

    def update(self, profile_id: int, body: Any) -> Json:
        self._find(profile_id)
        profile = self._read(body, profile_id)
        self.rows[profile_id] = profile
        return self._render(profile)

    def delete(self, profile_id: int) -> None:
        if profile_id == 1:
            raise Rejection.message(405, "Cannot delete global delay profile")
        self.rows.pop(profile_id, None)
        ordered = sorted(self.rows.values(), key=lambda row: row["order"])
        for index, row in enumerate(ordered):
            if row["id"] != 1:
                row["order"] = index + 1

    def reorder(self, profile_id: int, after_id: int | None) -> list[Json]:
        """`DelayProfileService.Reorder`, including its quirks."""
        ordered = sorted(self.rows.values(), key=lambda row: row["order"])
        moving = self.rows.get(profile_id)
        if moving is None:
            return self.list_all()
        after = self.rows.get(after_id) if after_id is not None else None
        if after is None:
            after_order = 0
        else:
            after_order = after["order"] - 1 if moving["order"] < after["order"] else after["order"]
        after_count = after_order + 2
        moving_order = moving["order"]
        for row in ordered:
            if row["id"] == 1:
                continue
            if row["id"] == profile_id:
                row["order"] = after_order + 1
            elif after is not None and row["id"] == after["id"]:
                row["order"] = after_order
            elif row["order"] > after_order:
                row["order"] = after_count
                after_count += 1
            elif row["order"] > moving_order:
                row["order"] -= 1
        return self.list_all()
