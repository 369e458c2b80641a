"""The Prowlarr indexer proxy (`/api/v1/indexerproxy`): FlareSolverr, and Byparr, which speaks
FlareSolverr's API, so both use implementation `FlareSolverr`. Config `indexer_proxies:`, one
provider entry each (see `syncd.kinds.provider`):

    - name: FlareSolverr
      implementation: FlareSolverr
      tags: [flaresolverr]            # the proxy serves only indexers sharing one of its tags
      fields: {host: "http://flaresolverr:8191/", requestTimeout: 60}

A proxy applies only to indexers that share one of its tags, and Prowlarr turns a proxy without
a tag off (never tested, never used). So the tag is part of the wiring: it must be one of the
instance's `tags:`, which syncd creates first, and a proxy without one is warned about. There is
no `enable`. Saving a tagged proxy makes Prowlarr test it: the solver fetches Prowlarr's ping
URL, so it needs Internet access.
"""

from __future__ import annotations

from typing import ClassVar

from syncd.config.model import ResourceEntry
from syncd.errors import Diagnostic
from syncd.kinds.base import Context, Wants
from syncd.kinds.provider import ServarrProvider
from syncd.kinds.prowlarr_provider import without_enable


class IndexerProxy(ServarrProvider):
    name: ClassVar[str] = "indexer_proxy"
    services: ClassVar[frozenset[str]] = frozenset({"prowlarr"})
    section: ClassVar[str] = "indexer_proxies"
    endpoint: ClassVar[str] = "indexerproxy"

    def wanted(self, entries: tuple[ResourceEntry, ...], context: Context) -> Wants:
        wants = without_enable(
            super().wanted(entries, context),
            entries,
            section=self.section,
            instead="a proxy is on exactly when it has a tag",
        )
        untagged = tuple(
            Diagnostic(
                w.origin or f'{context.instance}.{self.name}["{w.name}"]',
                f"indexer proxy {w.name!r} has no tag, so Prowlarr keeps it off; give it a tag "
                "(listed in `tags:`) and the same tag to the indexers it should serve",
                severity="warning",
            )
            for w in wants.objects
            if not w.value.get("tags")
        )
        return Wants(objects=wants.objects, diagnostics=wants.diagnostics + untagged, delete=wants.delete)
