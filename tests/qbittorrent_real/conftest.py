"""Fixtures for tests against Debian's real qBittorrent (`qbittorrent-nox`), next to the
simulated one. The end-to-end fixtures (guides, templates, state dir) come from tests/e2e, the
syncd config writer from tests/qbittorrent/configs.py (the simulated qBittorrent's tests use it
too)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import env, templates_url
from tests.qbittorrent.configs import qbittorrent_config
from tests.qbittorrent_real.harness import RealQbittorrent, available

__all__ = ["env", "qbittorrent_config", "real_qbittorrent", "templates_url"]

PASSWORD = "real-qbt-Passw0rd"


@pytest.fixture
def real_qbittorrent(tmp_path: Path) -> Iterator[RealQbittorrent]:
    if not available():
        pytest.skip("qbittorrent-nox is not installed (.ci/run installs it)")
    with RealQbittorrent(tmp_path / "qbt-profile", password=PASSWORD) as server:
        yield server
