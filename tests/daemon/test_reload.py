"""Config reload: a changed good config is used by the next cycle (and reschedules), a bad one
is rejected with a clear error while the last good config keeps running."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

from syncd.daemon.reload import fingerprint
from syncd.daemon.runtime import Daemon
from syncd.simulator import SimulatedServarr
from tests.daemon.conftest import Harness, config_text


def test_a_changed_valid_config_is_picked_up_and_reschedules(
    harness: Harness, sonarr: SimulatedServarr, radarr: SimulatedServarr
) -> None:
    async def scenario() -> tuple[Daemon, list[Any]]:
        daemon = harness.daemon()
        await daemon.start(first_run=False, watch=False)
        try:
            unchanged = await daemon.check_reload()
            harness.config.write_text(config_text(sonarr, radarr, interval="2h"))
            accepted = await daemon.check_reload()
            return daemon, [unchanged, accepted, daemon.snapshot()]
        finally:
            await daemon.close()

    daemon, (unchanged, accepted, status) = asyncio.run(scenario())
    assert unchanged is None
    assert accepted == "accepted"
    assert status["schedule"] == "every 7200s, jitter 0s"
    assert daemon.config is not None and daemon.config.schedule.interval_seconds == 7200
    assert status["config"]["rejected"] is None
    assert daemon.metrics.registry.get_sample_value("syncd_config_reloads_total", {"result": "accepted"}) == 1


def test_an_invalid_config_is_rejected_and_the_last_good_one_keeps_running(
    harness: Harness, sonarr: SimulatedServarr, radarr: SimulatedServarr
) -> None:
    good = harness.config.read_text()

    async def scenario() -> list[Any]:
        daemon = harness.daemon()
        await daemon.start(first_run=False, watch=False)
        try:
            seen: list[Any] = []
            harness.config.write_text(good.replace("interval: 1h", "interval: [broken"))
            seen += [await daemon.check_reload(), daemon.snapshot()["config"], daemon.readiness()]
            seen += [await daemon.check_reload()]  # the same bad content is not re-reported
            seen += [await daemon.run_cycle(), daemon.config]
            harness.config.write_text(
                good.replace("sonarr-web-1080p", "sonarr-web-1080p\n      - preset: no-such-preset")
            )
            seen += [await daemon.check_reload()]
            harness.config.write_text(good)
            seen += [await daemon.check_reload(), daemon.readiness()]
            harness.config.write_text(good + "# a comment\n")
            seen += [await daemon.check_reload()]
            return seen
        finally:
            await daemon.close()

    rejected, config_status, readiness, again, cycle, config, unknown, fixed, ready, edited = asyncio.run(
        scenario()
    )
    assert rejected == "rejected"
    assert config_status["rejected"]["error"].startswith(f"{harness.config}:")
    assert any("rejected" in reason for reason in readiness)
    assert again is None
    assert cycle == "success"
    assert config.schedule.interval_seconds == 3600  # still the good config
    assert unknown == "rejected"
    assert fixed is None  # back to the config in use: nothing to load, the rejection is cleared
    assert ready == []
    assert edited == "accepted"


def test_a_configmap_style_symlink_swap_is_seen_by_content(
    tmp_path: Path, harness: Harness, sonarr: SimulatedServarr, radarr: SimulatedServarr
) -> None:
    folder = tmp_path / "configmap"
    first, second = folder / "..2024_01", folder / "..2024_02"
    first.mkdir(parents=True)
    second.mkdir()
    (first / "syncd.yml").write_text(config_text(sonarr, radarr))
    (second / "syncd.yml").write_text(config_text(sonarr, radarr, interval="30m"))
    for path in (first / "syncd.yml", second / "syncd.yml"):
        os.utime(path, (1_700_000_000, 1_700_000_000))
    (folder / "..data").symlink_to("..2024_01")
    (folder / "syncd.yml").symlink_to("..data/syncd.yml")
    harness.config = folder / "syncd.yml"

    async def scenario() -> tuple[str | None, str]:
        daemon = harness.daemon()
        await daemon.start(first_run=False, watch=False)
        try:
            (folder / "..data_tmp").symlink_to("..2024_02")
            (folder / "..data_tmp").replace(folder / "..data")
            return await daemon.check_reload(), daemon.status.schedule
        finally:
            await daemon.close()

    assert asyncio.run(scenario()) == ("accepted", "every 1800s, jitter 0s")


def test_fingerprint_of_a_config_folder_sees_its_configs(tmp_path: Path) -> None:
    (tmp_path / "recyclarr.yml").write_text("sonarr: {}\n")
    (tmp_path / "configs").mkdir()
    (tmp_path / "configs" / "radarr.yml").write_text("radarr: {}\n")
    before = fingerprint(tmp_path)
    assert fingerprint(tmp_path) == before
    (tmp_path / "configs" / "radarr.yml").write_text("radarr: {m: {}}\n")
    assert fingerprint(tmp_path) != before
