"""The whole simulated media stack in one object: Sonarr, Radarr, Prowlarr, qBittorrent, Plex,
FlareSolverr and Byparr on loopback, wired to reach each other by the in-cluster service names
the chart gives them (`http://sonarr:8989`, `qbittorrent:8080` ...), as the real pods do.

Owns starting and stopping them together, their shared `Network`, and a view of every write
any of them answered (`writes()`), so a test can assert that a converged sync wrote nothing
anywhere and that Prowlarr tested and resynced nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Self

from syncd.simulator.api import RequestValidator
from syncd.simulator.flaresolverr import SimulatedFlareSolverr
from syncd.simulator.loopback import LoopbackServer
from syncd.simulator.network import Network
from syncd.simulator.plex import SimulatedPlex
from syncd.simulator.prowlarr import SimulatedProwlarr
from syncd.simulator.qbittorrent import SimulatedQbittorrent
from syncd.simulator.servarr import SimulatedServarr

PORTS: Mapping[str, int] = {
    "sonarr": 8989,
    "radarr": 7878,
    "prowlarr": 9696,
    "qbittorrent": 8080,
    "plex": 32400,
    "flaresolverr": 8191,
    "byparr": 39001,
}
"""The chart's service ports (values.yaml)."""


@dataclass(frozen=True)
class StackKeys:
    """The credentials the simulated services accept."""

    sonarr: str = "sonarr-api-key"
    radarr: str = "radarr-api-key"
    prowlarr: str = "prowlarr-api-key"
    plex_token: str = "plex-token"
    qbittorrent_username: str | None = None
    """None: no WebUI login, as behind the chart's auth-subnet whitelist."""
    qbittorrent_password: str | None = None


class SimulatedStack:
    """Every simulated service, reachable from each other as `hostnames[service]:PORTS[service]`
    (the service name itself unless `hostnames` says otherwise)."""

    def __init__(
        self,
        *,
        keys: StackKeys | None = None,
        hostnames: Mapping[str, str] | None = None,
        validators: Mapping[str, RequestValidator] | None = None,
    ) -> None:
        self.keys = keys or StackKeys()
        self.network = Network()
        self.hostnames = {service: (hostnames or {}).get(service, service) for service in PORTS}
        checks = validators or {}
        self.sonarr = SimulatedServarr(
            "sonarr", api_key=self.keys.sonarr, request_validator=checks.get("sonarr"), network=self.network
        )
        self.radarr = SimulatedServarr(
            "radarr", api_key=self.keys.radarr, request_validator=checks.get("radarr"), network=self.network
        )
        self.prowlarr = SimulatedProwlarr(
            api_key=self.keys.prowlarr, request_validator=checks.get("prowlarr"), network=self.network
        )
        self.qbittorrent = SimulatedQbittorrent(
            username=self.keys.qbittorrent_username, password=self.keys.qbittorrent_password
        )
        self.plex = SimulatedPlex(token=self.keys.plex_token)
        self.flaresolverr = SimulatedFlareSolverr()
        self.byparr = SimulatedFlareSolverr(flavour="byparr")

    def servers(self) -> dict[str, LoopbackServer]:
        return {
            "sonarr": self.sonarr,
            "radarr": self.radarr,
            "prowlarr": self.prowlarr,
            "qbittorrent": self.qbittorrent,
            "plex": self.plex,
            "flaresolverr": self.flaresolverr,
            "byparr": self.byparr,
        }

    def in_cluster_url(self, service: str) -> str:
        """How the other pods address `service`: `http://<service name>:<chart port>`."""
        return f"http://{self.hostnames[service]}:{PORTS[service]}"

    def start(self) -> None:
        started: list[LoopbackServer] = []
        try:
            for service, server in self.servers().items():
                server.start()
                started.append(server)
                self.network.alias(self.hostnames[service], PORTS[service], server.url)
        except BaseException:
            for server in started:
                server.stop()
            raise

    def stop(self) -> None:
        for server in self.servers().values():
            server.stop()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()

    def writes(self) -> dict[str, list[str]]:
        """Every answered write, per service, as `METHOD path` (tests and connection tests
        that a write caused included); a converged no-op leaves this empty."""
        result = {
            "sonarr": [f"{r.method} {r.path}" for r in self.sonarr.writes()],
            "radarr": [f"{r.method} {r.path}" for r in self.radarr.writes()],
            "prowlarr": [f"{r.method} {r.path}" for r in self.prowlarr.writes()],
            "qbittorrent": [
                f"{r.method} {r.path}"
                for r in self.qbittorrent.requests
                if r.method == "POST" and r.path != "/api/v2/auth/login"
            ],
            "plex": [f"{r.method} {r.path}" for r in self.plex.writes()],
            "flaresolverr": [str(r.get("cmd")) for r in self.flaresolverr.requests],
            "byparr": [str(r.get("cmd")) for r in self.byparr.requests],
        }
        return {service: entries for service, entries in result.items() if entries}

    def reset_requests(self) -> None:
        self.sonarr.reset_requests()
        self.radarr.reset_requests()
        self.prowlarr.reset_requests()
        self.qbittorrent.requests.clear()
        self.plex.requests.clear()
        self.flaresolverr.requests.clear()
        self.byparr.requests.clear()
