"""qBittorrent's preferences (WebUI API v2 `app/preferences`): config `preferences:` on a
qBittorrent instance, raw API keys and the values syncd keeps them at.

One object per instance (address `qbittorrent.main.preferences`) whose essence is only the
managed keys; every other preference is left as it is. qBittorrent ignores keys it does not
know, so a key the server does not return, or a value of another type than the server holds
(it would never converge), is an error at its config line, found against the live preferences.
The write is one `POST app/setPreferences` whose form field `json` holds only the keys whose
value differs (qBittorrent updates just those). Keys the server never returns or derives
(`web_ui_password`, `current_interface_name`) are refused by the config reader.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from typing import Any, ClassVar

from pydantic import ValidationError

from syncd.config.model import ResourceEntry
from syncd.errors import Diagnostic
from syncd.kinds.base import Context, EntryModel, Found, Planned, Request, Resolved, ShapeError, Wanted, Wants

ENDPOINT = "app/preferences"
NAME = "preferences"


class PreferenceEntry(EntryModel):
    key: str
    value: Any


class QbittorrentPreferences:
    name: ClassVar[str] = "qbittorrent_preferences"
    services: ClassVar[frozenset[str]] = frozenset({"qbittorrent"})
    section: ClassVar[str] = "preferences"
    entry: ClassVar[type[EntryModel]] = PreferenceEntry
    depends_on: ClassVar[tuple[str, ...]] = ()
    reads: ClassVar[tuple[str, ...]] = (ENDPOINT,)
    sensitive: ClassVar[frozenset[str]] = frozenset()
    replace_on: ClassVar[frozenset[str]] = frozenset()
    singleton: ClassVar[bool] = True
    # Every qBittorrent has its preferences: never created, deleted or owned.
    fixed: ClassVar[bool] = True

    def wanted(self, entries: tuple[ResourceEntry, ...], context: Context) -> Wants:
        values: dict[str, Any] = {}
        origins: dict[str, str] = {}
        problems: list[Diagnostic] = []
        for entry in entries:
            try:
                parsed = PreferenceEntry.model_validate(entry.value)
            except ValidationError as exc:
                problems.append(Diagnostic(str(entry.origin), f"preferences: {exc.errors()[0]['msg']}"))
                continue
            values[parsed.key] = parsed.value
            origins[parsed.key] = str(entry.origin)
        if not values:
            return Wants(diagnostics=tuple(problems))
        wanted = Wanted(
            key=NAME,
            name=NAME,
            value=dict(sorted(values.items())),
            origin=next(iter(origins.values())),
            origins=origins,
        )
        return Wants(objects=(wanted,), diagnostics=tuple(problems))

    def found(self, reads: Mapping[str, Any]) -> tuple[Found, ...]:
        preferences = reads.get(ENDPOINT)
        if not isinstance(preferences, Mapping):
            raise ShapeError(
                ENDPOINT, "expected the JSON object of preferences; is base_url a qBittorrent WebUI?"
            )
        return (Found(id=None, name=NAME, raw=preferences),)

    def settle(
        self,
        wanted: Wanted,
        found: Found | None,
        reads: Mapping[str, Any],
        planned: Mapping[str, tuple[Planned, ...]],
    ) -> Wanted | tuple[Diagnostic, ...]:
        """`wanted`, or an error at its line for each key the server does not know or holds a
        value of another type for."""
        live = found.raw if found is not None else {}
        problems = tuple(
            Diagnostic(location=wanted.origins.get(key, wanted.origin), message=problem)
            for key, value in wanted.value.items()
            if (problem := _problem(key, value, live)) is not None
        )
        return problems or wanted

    def essence(self, found: Found, wanted: Wanted | None) -> Mapping[str, Any]:
        keys = wanted.value if wanted is not None else found.raw
        return {key: found.raw.get(key) for key in keys if key != "id"}

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
        assert wanted is not None and action in ("create", "update")
        live = found.raw if found is not None else {}
        changed = {k: v for k, v in wanted.value.items() if k not in live or live[k] != v}
        return Request("POST", "app/setPreferences", {"json": json.dumps(changed)})


def _problem(key: str, value: Any, live: Mapping[str, Any]) -> str | None:
    if key not in live:
        near = difflib.get_close_matches(key, list(live), n=3, cutoff=0.6) or sorted(live)[:3]
        return f"qBittorrent has no preference {key!r} (known keys include {', '.join(near)})"
    held, wanted = _value_kind(live[key]), _value_kind(value)
    if live[key] is not None and held != wanted:
        return f"preference {key!r} must be {held}, got {wanted}"
    return None


def _value_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list | tuple):
        return "a list"
    return "a mapping" if isinstance(value, Mapping) else type(value).__name__
