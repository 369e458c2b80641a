"""Simulated servers for `syncd demo` and the test suite: Sonarr v4 / Radarr v5
(`SimulatedServarr`), Prowlarr v2 (`prowlarr.SimulatedProwlarr`), qBittorrent 5.x
(`qbittorrent.SimulatedQbittorrent`), Plex Media Server (`plex.SimulatedPlex`), FlareSolverr and
Byparr (`flaresolverr.SimulatedFlareSolverr`), and all of them wired together by service name
(`stack.SimulatedStack`).

They speak real HTTP on loopback, enforce the real servers' validation rules and run the real
servers' connection tests against each other. Never imported by the core: only the demo
command and tests use this package.
"""

from __future__ import annotations

from syncd.simulator.servarr import RecordedRequest, SimulatedServarr

__all__ = ["RecordedRequest", "SimulatedServarr"]
