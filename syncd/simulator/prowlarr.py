"""A simulated Prowlarr v2 speaking real HTTP (API v1) on loopback.

Owns the Prowlarr route table over `ProwlarrState`: tags, applications, indexer proxies,
download clients and indexers (each with `/schema`, `/test`, `/testall`), the app profiles,
system status and the indexers' Newznab feed (`/{id}/api`). The HTTP machinery is `ApiServer`'s.
`side_effects` and `state.application_tests` count what saves set off, so a test can assert
that a converged sync made Prowlarr test and resync nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from syncd.simulator.api import Answer, ApiServer, RequestValidator, Route, ok
from syncd.simulator.network import Network
from syncd.simulator.provider_routes import provider_routes
from syncd.simulator.providers import ProviderCollection
from syncd.simulator.prowlarr_apps import SideEffects
from syncd.simulator.prowlarr_state import APP_PROFILES, ProwlarrState


def _applications(state: ProwlarrState) -> ProviderCollection:
    return state.applications


def _indexer_proxies(state: ProwlarrState) -> ProviderCollection:
    return state.indexer_proxies


def _download_clients(state: ProwlarrState) -> ProviderCollection:
    return state.download_clients


def _indexers(state: ProwlarrState) -> ProviderCollection:
    return state.indexers


def _routes() -> list[Route[ProwlarrState]]:
    def deleted(action: Callable[[], None]) -> Answer:
        action()
        return Answer(200)

    return [
        ("GET", "/api/v1/system/status", lambda s, c: ok(s.system_status())),
        ("GET", "/api/v1/appprofile", lambda s, c: ok([dict(p) for p in APP_PROFILES])),
        ("GET", "/api/v1/tag", lambda s, c: ok(s.tags.list_all())),
        ("POST", "/api/v1/tag", lambda s, c: Answer(201, s.tags.create(c.body))),
        ("GET", "/api/v1/tag/{id}", lambda s, c: ok(s.tags.get(c.id))),
        ("PUT", "/api/v1/tag/{id}", lambda s, c: Answer(202, s.tags.update(c.id, c.body))),
        ("DELETE", "/api/v1/tag/{id}", lambda s, c: deleted(lambda: s.tags.delete(c.id))),
        *provider_routes("/api/v1/applications", _applications),
        *provider_routes("/api/v1/indexerproxy", _indexer_proxies),
        *provider_routes("/api/v1/downloadclient", _download_clients),
        *provider_routes("/api/v1/indexer", _indexers),
        ("GET", "/{id}/api", lambda s, c: Answer(200, s.feed(c.id, c.query))),
    ]


class SimulatedProwlarr(ApiServer[ProwlarrState]):
    """A Prowlarr v2 on `http://127.0.0.1:<port>` with the real server's rules. `network`
    tells it how to reach the Sonarr/Radarr/FlareSolverr/qBittorrent its providers name."""

    def __init__(
        self,
        *,
        api_key: str,
        version: str | None = None,
        latency: float = 0.0,
        request_validator: RequestValidator | None = None,
        network: Network | None = None,
    ) -> None:
        state = ProwlarrState(api_key, version, network)
        super().__init__(
            state,
            _routes(),
            api_key=api_key,
            version=lambda: state.version,
            name="prowlarr",
            latency=latency,
            request_validator=request_validator,
        )

    @property
    def side_effects(self) -> SideEffects:
        return self.state.context.side_effects
