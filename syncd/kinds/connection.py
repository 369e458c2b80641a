"""The Sonarr/Radarr "Connect" entry (`/api/v3/notification`), e.g. the Plex Media Server
connection: config `connections:`, one provider entry each (see `syncd.kinds.provider`):

    connections:
      - name: Plex
        implementation: PlexServer
        fields: {host: plex, port: 32400, authToken: !env PLEX_TOKEN, updateLibrary: true}
        settings: {onDownload: true, onUpgrade: true, onRename: true, onSeriesDelete: true}

A notification has no `enable`: it is on while one of its event flags (`settings.on...`) is, and
only then does the server test it on save (Plex: the token, and a library of the app's type must
exist; a failure comes back as the server's own message and stops the instance). Which flags an
implementation offers is the server's to say: its `/schema` template (or the live object) marks
each `on...` flag with a `supportsOn...` twin, and a flag the implementation does not offer, or
a setting the resource does not have, is an error naming the entry's line, never sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any, ClassVar

from syncd.config.model import ResourceEntry
from syncd.errors import ConfigError, Diagnostic
from syncd.kinds.base import Context, Found, Request, Resolved, Wanted, Wants
from syncd.kinds.provider import ServarrProvider


def offered_events(resource: Mapping[str, Any]) -> list[str]:
    """The `on...` flags the resource's implementation supports (`supportsOnX` is true)."""
    return [key for key in resource if key.startswith("on") and resource.get(f"supportsO{key[1:]}") is True]


class Connection(ServarrProvider):
    name: ClassVar[str] = "connection"
    services: ClassVar[frozenset[str]] = frozenset({"sonarr", "radarr"})
    section: ClassVar[str] = "connections"
    endpoint: ClassVar[str] = "notification"

    def wanted(self, entries: tuple[ResourceEntry, ...], context: Context) -> Wants:
        problems: list[Diagnostic] = []
        kept: list[ResourceEntry] = []
        for entry in entries:
            if isinstance(entry.value, Mapping) and "enable" in entry.value:
                problems.append(
                    Diagnostic(
                        str(entry.origin),
                        f"{self.section}: a connection has no `enable`; it is on while one of its "
                        "event flags (settings: {onDownload: true, ...}) is",
                    )
                )
            else:
                kept.append(entry)
        wants = super().wanted(tuple(kept), context)
        objects = tuple(
            replace(w, value={k: v for k, v in w.value.items() if k != "enable"}) for w in wants.objects
        )
        return replace(wants, objects=objects, diagnostics=(*problems, *wants.diagnostics))

    def request(
        self,
        action: str,
        wanted: Wanted | None,
        found: Found | None,
        resolved: Resolved,
        reads: Mapping[str, Any],
    ) -> Request:
        if action != "delete":
            assert wanted is not None
            base = found.raw if found is not None else self._template(wanted, reads)
            self._check_settings(wanted, base)
        return super().request(action, wanted, found, resolved, reads)

    def _check_settings(self, wanted: Wanted, base: Mapping[str, Any]) -> None:
        """Every setting must be a key of the resource, every event flag one it offers."""
        implementation = wanted.value["implementation"]
        settings = [k for k in wanted.value if k not in ("implementation", "tags", "fields")]
        offered = offered_events(base)
        unknown = sorted(k for k in settings if k not in base)
        refused = sorted(k for k in settings if k in base and k.startswith("on") and k not in offered)
        if unknown or refused:
            what = ", ".join([*(f"{k} (no such setting)" for k in unknown), *refused])
            raise ConfigError(
                f"{wanted.origin}: {self.section}: {implementation} does not offer {what}; "
                f"its events are {', '.join(offered) or 'none'}"
            )
