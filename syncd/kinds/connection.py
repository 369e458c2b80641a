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

`target: plex.main` fills `host`, `port`, `useSsl`, `urlBase` and `authToken` from that Plex
instance (its `peer_url`, else `base_url`, and its token).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any, ClassVar

from syncd.config.model import ResourceEntry
from syncd.errors import Diagnostic
from syncd.kinds.base import Context, Found, Peer, Planned, Wanted, Wants
from syncd.kinds.provider import ServarrProvider, url_fields


def offered_events(resource: Mapping[str, Any]) -> list[str]:
    """The `on...` flags the resource's implementation supports (`supportsOnX` is true)."""
    return [key for key in resource if key.startswith("on") and resource.get(f"supportsO{key[1:]}") is True]


class Connection(ServarrProvider):
    name: ClassVar[str] = "connection"
    services: ClassVar[frozenset[str]] = frozenset({"sonarr", "radarr"})
    section: ClassVar[str] = "connections"
    endpoint: ClassVar[str] = "notification"
    targets: ClassVar[frozenset[str]] = frozenset({"plex"})

    def fields_from_peer(self, peer: Peer, context: Context) -> Mapping[str, Any]:
        fields = url_fields(peer.url)
        if peer.secret is not None:
            fields["authToken"] = peer.secret
        return fields

    def wanted(self, entries: tuple[ResourceEntry, ...], context: Context) -> Wants:
        problems: list[Diagnostic] = []
        kept: list[ResourceEntry] = []
        for entry in entries:
            untokened = _untokened_plex(entry, context)
            if untokened:
                problems.append(
                    Diagnostic(
                        str(entry.origin),
                        f"{self.section}: skipped: {untokened} has no token (its `token:`), so the "
                        "server could not reach Plex; everything else still syncs",
                        severity="warning",
                    )
                )
            elif isinstance(entry.value, Mapping) and "enable" in entry.value:
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

    def settle(
        self,
        wanted: Wanted,
        found: Found | None,
        reads: Mapping[str, Any],
        planned: Mapping[str, tuple[Planned, ...]],
    ) -> Wanted | tuple[Diagnostic, ...]:
        """Fields as every provider (`ServarrProvider.settle`), then the settings: each must be a
        key of the resource and each event flag one the implementation offers."""
        settled = super().settle(wanted, found, reads, planned)
        if not isinstance(settled, Wanted):
            return settled
        base = found.raw if found is not None else self._template(wanted, reads)
        problem = settings_problem(wanted, base)
        return (Diagnostic(wanted.origin, f"{self.section}: {problem}"),) if problem else settled


def settings_problem(wanted: Wanted, base: Mapping[str, Any]) -> str | None:
    """Why the entry's settings cannot be sent over `base` (the template or live object)."""
    implementation = wanted.value["implementation"]
    settings = [k for k in wanted.value if k not in ("implementation", "tags", "fields")]
    offered = offered_events(base)
    unknown = sorted(k for k in settings if k not in base)
    refused = sorted(k for k in settings if k in base and k.startswith("on") and k not in offered)
    if not (unknown or refused):
        return None
    what = ", ".join([*(f"{k} (no such setting)" for k in unknown), *refused])
    return f"{implementation} does not offer {what}; its events are {', '.join(offered) or 'none'}"


def _untokened_plex(entry: ResourceEntry, context: Context) -> str | None:
    """The address of the Plex instance the entry targets, when neither it nor the entry has a
    token."""
    value = entry.value if isinstance(entry.value, Mapping) else {}
    target, fields = value.get("target"), value.get("fields")
    peer = context.peers.get(target) if isinstance(target, str) else None
    own_token = isinstance(fields, Mapping) and bool(fields.get("authToken"))
    if peer is not None and peer.service == "plex" and not peer.secret and not own_token:
        return peer.address
    return None
