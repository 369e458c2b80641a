"""Configarr's full example (`examples/full/config/config.yml` in raydak-labs/configarr; our
copy with our own values is `configarr_full/`) loads, syncs against the simulated stack with
its wiring, and converges: a second apply writes nothing anywhere."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from syncd.simulator.stack import SimulatedStack
from tests.e2e.conftest import run

FIXTURE = Path(__file__).parent / "configarr_full"


@pytest.fixture
def stack() -> Iterator[SimulatedStack]:
    with SimulatedStack() as simulated:
        yield simulated


@pytest.fixture
def config(tmp_path: Path, stack: SimulatedStack, monkeypatch: pytest.MonkeyPatch) -> str:
    folder = tmp_path / "config"
    shutil.copytree(FIXTURE, folder)
    monkeypatch.setenv("SONARR_URL", stack.sonarr.url)
    monkeypatch.setenv("RADARR_URL", stack.radarr.url)
    return str(folder / "config.yml")


def test_configarr_full_example_validates(env: Path, config: str) -> None:
    result = run("validate", "-c", config)
    assert result.code == 0, result.err + result.out


def test_configarr_full_example_syncs_its_wiring_and_converges(
    env: Path, config: str, stack: SimulatedStack
) -> None:
    applied = run("apply", "-c", config)
    assert applied.code == 0, applied.err + applied.out
    sonarr, radarr = stack.sonarr.state, stack.radarr.state
    (client,) = sonarr.download_clients.rows.values()
    assert (client["implementation"], client["settings"]["tvCategory"]) == ("QBittorrent", "tv")
    assert {p["name"] for p in sonarr.quality_profiles.values()} >= {"Series", "Series (copy)"}
    assert "FullProfile" not in {p["name"] for p in sonarr.quality_profiles.values()}
    assert any(cf["name"] == "Language: Not English" for cf in radarr.custom_formats.values())
    assert [f["path"] for f in radarr.root_folders.rows.values()] == ["/data/library/movies"]
    assert [(m["host"], m["remotePath"]) for m in radarr.remote_path_mappings.rows.values()] == [
        ("qbittorrent", "/downloads/movies/")
    ]
    delays = {tuple(p["tags"]): p for p in radarr.delay_profiles.rows.values()}
    assert delays[()]["torrentDelay"] == 5 and delays[()]["order"] == 2147483647
    assert [p["torrentDelay"] for tags, p in delays.items() if tags] == [60]
    assert radarr.download_client_config["autoRedownloadFailed"] is True
    stack.reset_requests()
    again = run("plan", "-c", config)
    assert again.code == 0, again.err
    assert "No changes." in again.out, again.out
    assert run("apply", "-c", config).code == 0
    assert stack.writes() == {}
