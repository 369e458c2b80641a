"""The daemon syncs qBittorrent instances per cycle like Sonarr and Radarr: planned, applied,
reported in /status, and isolated when they fail."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from syncd.simulator import SimulatedServarr
from syncd.simulator.qbittorrent import SimulatedQbittorrent
from tests.daemon.conftest import Harness, config_text, get

PASSWORD = "qbt-daemon-Passw0rd"


@pytest.fixture
def qbt() -> Iterator[SimulatedQbittorrent]:
    with SimulatedQbittorrent(username="admin", password=PASSWORD) as server:
        yield server


@pytest.fixture
def with_qbittorrent(
    harness: Harness, sonarr: SimulatedServarr, radarr: SimulatedServarr, qbt: SimulatedQbittorrent
) -> Harness:
    block = (
        f"qbittorrent:\n  main:\n    base_url: {qbt.url}\n    username: admin\n"
        "    password: !env QBT_PASSWORD\n    preferences:\n      current_network_interface: wg0\n"
    )
    Path(harness.config).write_text(config_text(sonarr, radarr) + block, encoding="utf-8")
    harness.env["QBT_PASSWORD"] = PASSWORD
    return harness


def cycles(harness: Harness, count: int) -> tuple[list[str | None], dict[str, Any]]:
    async def scenario() -> tuple[list[str | None], dict[str, Any]]:
        daemon = harness.daemon()
        await daemon.start(first_run=False, watch=False)
        try:
            results = [await daemon.run_cycle() for _ in range(count)]
            status = (await get(daemon, "/status")).json()
            return results, status
        finally:
            await daemon.close()

    return asyncio.run(scenario())


def by_address(status: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {i["address"]: i for i in status["instances"]}


def test_each_cycle_syncs_qbittorrent_and_status_reports_it(
    with_qbittorrent: Harness, qbt: SimulatedQbittorrent
) -> None:
    results, status = cycles(with_qbittorrent, 2)
    assert results == ["success", "success"]
    instances = by_address(status)
    assert set(instances) == {"sonarr.main", "radarr.movies", "qbittorrent.main"}
    assert instances["qbittorrent.main"]["result"] == "success"
    assert instances["qbittorrent.main"]["plan"] == {"add": 0, "change": 0, "destroy": 0}
    assert qbt.preferences["current_network_interface"] == "wg0"
    assert len(qbt.writes()) == 1  # the second cycle found it converged


def test_a_hand_edit_in_the_webui_is_reverted_by_the_next_cycle(
    with_qbittorrent: Harness, qbt: SimulatedQbittorrent
) -> None:
    async def scenario() -> dict[str, Any]:
        daemon = with_qbittorrent.daemon()
        await daemon.start(first_run=False, watch=False)
        try:
            await daemon.run_cycle()
            qbt.preferences["current_network_interface"] = "eth0"
            await daemon.run_cycle()
            return daemon.status.instance("qbittorrent.main").to_json()
        finally:
            await daemon.close()

    state = asyncio.run(scenario())
    assert qbt.preferences["current_network_interface"] == "wg0"
    assert state["drift_total"] == 1
    assert state["recent_drift"][0]["address"] == "qbittorrent.main.preferences"


def test_a_failing_qbittorrent_login_fails_only_that_instance_without_leaking_the_password(
    with_qbittorrent: Harness, qbt: SimulatedQbittorrent
) -> None:
    qbt.password = "changed-elsewhere"
    results, status = cycles(with_qbittorrent, 1)
    assert results == ["partial"]
    instances = by_address(status)
    assert instances["sonarr.main"]["result"] == "success"
    failed = instances["qbittorrent.main"]
    assert failed["result"] == "failed" and "wrong username or password" in failed["error"]
    assert PASSWORD not in str(status)


def test_a_refused_login_is_not_sent_again_by_later_cycles(
    with_qbittorrent: Harness, qbt: SimulatedQbittorrent
) -> None:
    qbt.password = "changed-elsewhere"
    results, status = cycles(with_qbittorrent, 3)
    assert results == ["partial"] * 3
    assert qbt.failed_logins == 1  # five would get syncd's IP banned for an hour
    error = by_address(status)["qbittorrent.main"]["error"]
    assert "not sent again" in error and PASSWORD not in str(status)
