"""The in-memory database of one simulated Prowlarr v2 and the operations on it.

Owns tags, applications (Sonarr, Radarr), indexer proxies (FlareSolverr), download clients
(qBittorrent), indexers and the default app profile, each provider collection with Prowlarr's
rules (see `prowlarr_providers`): no change detection, so every PUT of an enabled provider
re-runs its connection test, and every save of an enabled application resyncs all indexers into
its target (`prowlarr_apps`). It also answers the Newznab/Torznab feed of its indexers
(`/{id}/api?t=caps`) with their capabilities, including the id-0 feed the application test's
"Test" indexer points at. Pure apart from the deferred sync, which the HTTP layer runs unlocked.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from typing import Any
from xml.sax.saxutils import quoteattr

from syncd.simulator import prowlarr_providers
from syncd.simulator.network import Network
from syncd.simulator.providers import ProviderCollection
from syncd.simulator.prowlarr_apps import ProwlarrContext, Target, capability_categories, sync_indexers
from syncd.simulator.rules import Rejection
from syncd.simulator.tags import LabelRule, Tags

Json = dict[str, Any]
DEFAULT_VERSION = "2.3.5.5327"
APP_PROFILES = [
    {
        "id": 1,
        "name": "Standard",
        "enableRss": True,
        "enableAutomaticSearch": True,
        "enableInteractiveSearch": True,
        "minimumSeeders": 1,
    }
]


class ProwlarrState:
    """Everything a fresh Prowlarr knows, plus what clients changed since."""

    def __init__(self, api_key: str, version: str | None = None, network: Network | None = None) -> None:
        self.version = version or DEFAULT_VERSION
        self.network = network or Network()
        self.context = ProwlarrContext(api_key)
        self._ids: dict[str, Iterator[int]] = {}
        self.tags = Tags(LabelRule.SLUG_CHARACTERS, self._counter("tag"), self._tag_in_use)
        self.applications = ProviderCollection(
            prowlarr_providers.applications_kind(self.network, self.context),
            self._counter("applications"),
            after_save=self._sync_after_save,
        )
        self.indexer_proxies = ProviderCollection(
            prowlarr_providers.indexer_proxy_kind(self.network), self._counter("indexerproxy")
        )
        self.download_clients = ProviderCollection(
            prowlarr_providers.download_client_kind(self.network), self._counter("downloadclient")
        )
        self.indexers = ProviderCollection(prowlarr_providers.indexer_kind(), self._counter("indexer"))

    def _counter(self, table: str) -> Callable[[], int]:
        sequence = self._ids.setdefault(table, itertools.count(1))
        return lambda: next(sequence)

    def _collections(self) -> tuple[ProviderCollection, ...]:
        return (self.applications, self.indexer_proxies, self.download_clients, self.indexers)

    def _tag_in_use(self, tag_id: int) -> bool:
        return any(collection.using_tag(tag_id) for collection in self._collections())

    @property
    def application_tests(self) -> int:
        """How many application connection tests saves and tests ran (each one calls the app)."""
        return self.applications.tests_run

    # ------------------------------------------------------------ the sync

    def _indexer_views(self) -> list[Json]:
        views = []
        for definition in self.indexers.rows.values():
            impl = self.indexers.implementation(definition)
            views.append(
                {
                    "id": definition["id"],
                    "name": definition["name"],
                    "enable": definition["enable"],
                    "priority": definition["priority"],
                    "protocol": impl.traits["protocol"],
                    "tags": list(definition["tags"] or []),
                    "categories": capability_categories(),
                }
            )
        return views

    def _sync_after_save(self, app: Json, creating: bool) -> Callable[[], Any] | None:
        """`HandleAsync(ProviderAdded/UpdatedEvent<IApplication>)`: an enabled app resyncs."""
        del creating
        if app["syncLevel"] not in ("addOnly", "fullSync"):
            return None
        target: Target = "sonarr" if app["implementation"] == "Sonarr" else "radarr"
        snapshot = {**app, "settings": dict(app["settings"]), "tags": list(app["tags"] or [])}
        indexers = [i for i in self._indexer_views() if i["enable"]]
        network, context = self.network, self.context
        return lambda: sync_indexers(target, network, context, snapshot, indexers)

    # ---------------------------------------------------------- the feeds

    def system_status(self) -> Json:
        return {
            "appName": "Prowlarr",
            "instanceName": "Prowlarr",
            "version": self.version,
            "isDocker": True,
            "isLinux": True,
            "osName": "simulated",
            "branch": "master",
            "authentication": "forms",
            "urlBase": "",
            "databaseType": "sqLite",
        }

    def feed(self, indexer_id: int, query: dict[str, str]) -> str:
        """`NewznabController`: the API key must be Prowlarr's; `t=caps` lists categories."""
        if query.get("apikey") != self.context.api_key:
            raise Rejection(
                401,
                '<?xml version="1.0" encoding="UTF-8"?>\n<error code="100" description="Invalid API Key" />',
            )
        if indexer_id != 0 and indexer_id not in self.indexers.rows:
            raise Rejection(
                404,
                f'<?xml version="1.0" encoding="UTF-8"?>\n<error code="201" description="Indexer {indexer_id} not found" />',
            )
        if query.get("t") != "caps":
            return '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>Prowlarr</title></channel></rss>'
        categories = "".join(
            f"<category id={quoteattr(str(c))} name={quoteattr(str(c))} />" for c in capability_categories()
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n<caps><server title="Prowlarr" />'
            '<limits default="100" max="100" /><searching><search available="yes" supportedParams="q" />'
            '<tv-search available="yes" supportedParams="q,season,ep" />'
            '<movie-search available="yes" supportedParams="q" /></searching>'
            f"<categories>{categories}</categories></caps>"
        )
