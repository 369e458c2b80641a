"""Simulated Sonarr v4 / Radarr v5 servers for `syncd demo` and the test suite.

They speak real HTTP on loopback and enforce the real servers' validation rules. Never imported
by the core: only the demo command and tests use this package.
"""

from __future__ import annotations

from syncd.simulator.servarr import RecordedRequest, SimulatedServarr

__all__ = ["RecordedRequest", "SimulatedServarr"]
