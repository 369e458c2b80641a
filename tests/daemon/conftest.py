"""Daemon fixtures: guide repos from the shared fixtures, simulated Sonarr and Radarr, a syncd
config for both, and a `Daemon` driven in-process with short timings."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from syncd import app
from syncd.daemon.runtime import Daemon, Options
from syncd.simulator import SimulatedServarr
from tests.shared import RADARR_KEY, SONARR_KEY

CONFIG = """\
syncd: 1
{top_extra}schedule:
  interval: {interval}
  jitter: 0
sonarr:
  main:
    base_url: {sonarr}
    api_key: !env SONARR_KEY
    include:
      - preset: sonarr-web-1080p
{sonarr_extra}radarr:
  movies:
    base_url: {radarr}
    api_key: !env RADARR_KEY
    include:
      - preset: radarr-hd-bluray-web
"""


def config_text(
    sonarr: SimulatedServarr,
    radarr: SimulatedServarr,
    *,
    interval: str = "1h",
    sonarr_extra: str = "",
    top_extra: str = "",
) -> str:
    """The daemon tests' config; `top_extra` adds top-level keys (`mode: plan\\n`)."""
    return CONFIG.format(
        interval=interval,
        sonarr=sonarr.url,
        radarr=radarr.url,
        sonarr_extra=sonarr_extra,
        top_extra=top_extra,
    )


@pytest.fixture
def env(tmp_path: Path, guides_url: str) -> dict[str, str]:
    """The environment syncd sees: local guides, a fresh state dir, the API keys."""
    return {
        "SYNCD_TRASH_GUIDES_URL": guides_url,
        "SYNCD_STATE_DIR": str(tmp_path / "state"),
        "SONARR_KEY": SONARR_KEY,
        "RADARR_KEY": RADARR_KEY,
    }


@pytest.fixture
def config_file(tmp_path: Path, sonarr: SimulatedServarr, radarr: SimulatedServarr) -> Path:
    path = tmp_path / "config" / "syncd.yml"
    path.parent.mkdir()
    path.write_text(config_text(sonarr, radarr))
    return path


@dataclass
class Harness:
    """Builds a `Daemon` for one test; reads are retried twice, quickly."""

    config: Path
    env: dict[str, str]

    def daemon(self, *, clock: Callable[[], datetime] | None = None, **options: Any) -> Daemon:
        settings = app.Settings(env=self.env, read_backoffs=(0.01, 0.01), timeout_seconds=5.0)
        return Daemon(
            Options(config_path=self.config, host="127.0.0.1", port=0, **options), settings, clock=clock
        )


@pytest.fixture
def harness(config_file: Path, env: dict[str, str]) -> Harness:
    return Harness(config=config_file, env=env)


async def get(daemon: Daemon, path: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{daemon.server.port}") as client:
        return await client.get(path)


async def eventually(check: Callable[[], bool], *, timeout: float = 30.0) -> None:
    """Wait (polling, no fixed sleep) until `check()` holds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not check():
        if loop.time() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.02)
