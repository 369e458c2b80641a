"""Where the read-only shared fixtures are, and the API keys the simulated servers use."""

from __future__ import annotations

from pathlib import Path

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared" / "fixtures"
SONARR_KEY = "sonarr-test-key-0123456789abcdef"
RADARR_KEY = "radarr-test-key-0123456789abcdef"
