"""Plan-only mode (`mode: plan` or `--plan-only`): the daemon plans on schedule, shows pending
changes and drift in /status and /metrics, and never writes to a server or its state."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx

from syncd.cli import build_parser
from syncd.daemon.runtime import Daemon
from syncd.simulator import SimulatedServarr
from tests.daemon.conftest import Harness, config_text, get
from tests.daemon.test_cycle import instance, metric


def writes(*servers: SimulatedServarr) -> list[str]:
    return [f"{r.method} {r.path}" for s in servers for r in s.requests if r.method != "GET"]


def test_plan_only_mode_plans_every_cycle_and_writes_nothing(
    harness: Harness, sonarr: SimulatedServarr, radarr: SimulatedServarr
) -> None:
    harness.config.write_text(config_text(sonarr, radarr, top_extra="mode: plan\n"))

    async def scenario() -> tuple[Daemon, list[str | None], dict[str, Any], str]:
        daemon = harness.daemon()
        await daemon.start(first_run=False, watch=False)
        try:
            results = [await daemon.run_cycle() for _ in range(3)]
            status = (await get(daemon, "/status")).json()
            return daemon, results, status, (await get(daemon, "/metrics")).text
        finally:
            await daemon.close()

    daemon, results, status, metrics = asyncio.run(scenario())
    assert results == ["success", "success", "success"]
    assert writes(sonarr, radarr) == []
    assert sonarr.requests, "the servers were read"
    assert not sonarr.state.custom_formats
    assert not radarr.state.custom_formats
    assert not (Path(harness.env["SYNCD_STATE_DIR"]) / "ownership").exists()
    assert status["mode"] == "plan"
    sonarr_status = next(i for i in status["instances"] if i["address"] == "sonarr.main")
    assert sonarr_status["result"] == "planned"
    assert sonarr_status["applied"] == 0
    assert sonarr_status["pending"] == sum(sonarr_status["plan"].values()) > 0
    assert len(sonarr_status["pending_changes"]) == sonarr_status["pending"]
    assert "create" in {c["action"] for c in sonarr_status["pending_changes"]}
    assert f"Plan: {sonarr_status['plan']['add']} to add" in sonarr_status["pending_plan"]
    assert '  + sonarr.main.custom_format["BR-DISK"] (' in sonarr_status["pending_plan"]
    assert sonarr_status["drift_total"] == 0  # the same plan every cycle is not drift
    assert "syncd_plan_only 1.0" in metrics
    assert f'syncd_pending_changes{{instance="sonarr.main"}} {float(sonarr_status["pending"])}' in metrics
    assert "syncd_changes_applied_total{" not in metrics
    assert metric(daemon, "syncd_instance_sync_runs_total", instance="sonarr.main", result="planned") == 3


def test_switching_to_plan_only_reports_a_hand_edit_as_drift_and_leaves_it(
    harness: Harness, sonarr: SimulatedServarr, radarr: SimulatedServarr
) -> None:
    async def scenario() -> tuple[Daemon, list[str | None], list[str]]:
        daemon = harness.daemon()
        await daemon.start(first_run=False, watch=False)
        try:
            results = [await daemon.run_cycle()]  # apply mode: converges
            harness.config.write_text(config_text(sonarr, radarr, top_extra="mode: plan\n"))
            results.append(await daemon.check_reload())
            sonarr.reset_requests()
            radarr.reset_requests()
            cf = next(c for c in sonarr.state.custom_formats.values() if c["name"] == "BR-DISK")
            cf["name"] = "BR-DISK (edited in the UI)"
            results += [await daemon.run_cycle(), await daemon.run_cycle()]
            return daemon, results, writes(sonarr, radarr)
        finally:
            await daemon.close()

    daemon, results, written = asyncio.run(scenario())
    assert results == ["success", "accepted", "success", "success"]
    assert written == []
    assert any(c["name"] == "BR-DISK (edited in the UI)" for c in sonarr.state.custom_formats.values())
    status = instance(daemon, "sonarr.main")
    assert status["pending"] == 1
    assert status["pending_changes"] == [
        {"action": "update", "address": 'sonarr.main.custom_format["BR-DISK"]'}
    ]
    assert status["drift_total"] == 1  # counted once over two plan-only cycles
    assert status["recent_drift"][0]["address"] == 'sonarr.main.custom_format["BR-DISK"]'
    assert metric(daemon, "syncd_drift_detected_total", instance="sonarr.main", type="custom_format") == 1
    assert metric(daemon, "syncd_pending_changes", instance="radarr.movies") == 0
    assert daemon.status.mode == "plan"


def test_the_plan_only_flag_overrides_an_apply_config(
    harness: Harness, sonarr: SimulatedServarr, radarr: SimulatedServarr
) -> None:
    args = build_parser().parse_args(["run", "-c", str(harness.config), "--plan-only"])
    assert args.plan_only is True

    async def scenario() -> tuple[str | None, httpx.Response]:
        daemon = harness.daemon(plan_only=True)
        await daemon.start(first_run=False, watch=False)
        try:
            return await daemon.run_cycle(), await get(daemon, "/status")
        finally:
            await daemon.close()

    result, status = asyncio.run(scenario())
    assert result == "success"
    assert status.json()["mode"] == "plan"
    assert writes(sonarr, radarr) == []
