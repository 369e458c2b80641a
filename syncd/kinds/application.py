"""The Prowlarr application (`/api/v1/applications`): the Sonarr or Radarr that Prowlarr syncs
its indexers into. Config `applications:`, one provider entry each (see `syncd.kinds.provider`):

    - name: Sonarr
      implementation: Sonarr          # or Radarr
      target: sonarr.main             # baseUrl and apiKey from it, prowlarrUrl from this Prowlarr
      fields: {syncCategories: [5000, 5040], animeSyncCategories: [5070]}
      tags: [anime]                   # only indexers sharing a tag are synced (none: all)
      settings: {syncLevel: fullSync} # addOnly, fullSync or disabled (off)

Without `target`, write `prowlarrUrl`, `baseUrl` and `apiKey` under `fields`. `apiKey` is the
application's own key, a secret (the server masks it). There is no `enable`: an
application is on unless its sync level is `disabled`. Prowlarr has no change detection: every
save of an enabled application re-tests it (Prowlarr posts a test indexer to the app, which
calls Prowlarr back at `prowlarrUrl`) and resyncs every indexer into it, so the engine's rule
matters most here: an unchanged application is never PUT.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from syncd.config.model import ResourceEntry
from syncd.kinds.base import Context, Peer, Wants
from syncd.kinds.provider import ServarrProvider
from syncd.kinds.prowlarr_provider import without_enable


class Application(ServarrProvider):
    name: ClassVar[str] = "application"
    services: ClassVar[frozenset[str]] = frozenset({"prowlarr"})
    section: ClassVar[str] = "applications"
    endpoint: ClassVar[str] = "applications"
    # Each save resyncs every indexer into the app, so it comes after the tags and proxies the
    # indexers use.
    depends_on: ClassVar[tuple[str, ...]] = ("tag", "indexer_proxy")
    targets: ClassVar[frozenset[str]] = frozenset({"sonarr", "radarr"})

    def fields_from_peer(self, peer: Peer, context: Context) -> Mapping[str, Any]:
        """`target: sonarr.main`: the app's URL as Prowlarr reaches it (its `peer_url`) and its
        API key; `prowlarrUrl` is how the app reaches this Prowlarr (its `peer_url`)."""
        fields: dict[str, Any] = {"baseUrl": peer.url, "prowlarrUrl": context.url}
        if peer.secret is not None:
            fields["apiKey"] = peer.secret
        return fields

    def wanted(self, entries: tuple[ResourceEntry, ...], context: Context) -> Wants:
        wants = super().wanted(entries, context)
        return without_enable(
            wants,
            entries,
            section=self.section,
            instead="set `settings: {syncLevel: disabled}` to turn it off",
        )
