"""Sync cycles: instances converge, failures stay with their instance and recover on a later
cycle, drift is counted once and only for changes made on the server."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from syncd.daemon.runtime import Daemon
from syncd.simulator import SimulatedServarr
from tests.daemon.conftest import Harness, config_text


def metric(daemon: Daemon, name: str, **labels: str) -> float:
    value = daemon.metrics.registry.get_sample_value(name, labels)
    return 0.0 if value is None else value


def instance(daemon: Daemon, address: str) -> dict[str, Any]:
    return daemon.status.instance(address).to_json()


def drive(
    harness: Harness, steps: Callable[[Daemon], Awaitable[list[str | None]]]
) -> tuple[Daemon, list[str | None]]:
    """Start a daemon without its scheduler firing, run `steps`, close it."""

    async def scenario() -> tuple[Daemon, list[str | None]]:
        daemon = harness.daemon()
        await daemon.start(first_run=False, watch=False)
        try:
            return daemon, await steps(daemon)
        finally:
            await daemon.close()

    return asyncio.run(scenario())


def test_a_cycle_converges_every_instance_and_records_the_result(
    harness: Harness, sonarr: SimulatedServarr, radarr: SimulatedServarr
) -> None:
    async def steps(daemon: Daemon) -> list[str | None]:
        return [await daemon.run_cycle(), await daemon.run_cycle()]

    daemon, results = drive(harness, steps)
    assert results == ["success", "success"]
    assert set(daemon.status.instances) == {"sonarr.main", "radarr.movies"}
    sonarr_status = instance(daemon, "sonarr.main")
    assert sonarr_status["result"] == "success"
    assert sonarr_status["pending"] == 0
    assert sonarr_status["plan"] == {"add": 0, "change": 0, "destroy": 0}  # the second cycle
    assert sonarr_status["last_success_at"] is not None
    created = metric(
        daemon, "syncd_changes_applied_total", instance="sonarr.main", type="custom_format", action="create"
    )
    assert created == len(sonarr.state.custom_formats) > 0
    assert metric(daemon, "syncd_sync_runs_total", result="success") == 2
    assert metric(daemon, "syncd_last_success_timestamp_seconds", instance="radarr.movies") > 0


def test_a_failing_instance_does_not_stop_the_others_and_converges_on_a_later_cycle(
    harness: Harness, sonarr: SimulatedServarr, radarr: SimulatedServarr
) -> None:
    # Three 500s in a row: the read and both of its retries fail, then the server recovers.
    sonarr.fail_next(3, 500, path_prefix="/api/v3/customformat", method="GET")

    async def steps(daemon: Daemon) -> list[str | None]:
        first = await daemon.run_cycle()
        failing.update(instance(daemon, "sonarr.main"))
        return [first, await daemon.run_cycle()]

    failing: dict[str, Any] = {}
    daemon, results = drive(harness, steps)
    assert results == ["partial", "success"]
    assert failing["result"] == "failed"
    assert "500" in failing["error"]
    assert failing["pending"] is None
    assert radarr.state.custom_formats, "radarr was applied while sonarr was failing"
    assert instance(daemon, "sonarr.main")["result"] == "success"
    assert sonarr.state.custom_formats
    assert metric(daemon, "syncd_instance_sync_runs_total", instance="sonarr.main", result="failed") == 1
    assert metric(daemon, "syncd_sync_runs_total", result="partial") == 1


def test_a_failed_write_leaves_pending_changes_that_the_next_cycle_applies(
    harness: Harness, sonarr: SimulatedServarr, radarr: SimulatedServarr
) -> None:
    sonarr.fail_next(1, 500, path_prefix="/api/v3/qualityprofile", method="POST")

    async def steps(daemon: Daemon) -> list[str | None]:
        first = await daemon.run_cycle()
        failing.update(instance(daemon, "sonarr.main"))
        return [first, await daemon.run_cycle()]

    failing: dict[str, Any] = {}
    daemon, results = drive(harness, steps)
    assert results == ["partial", "success"]
    assert failing["result"] == "failed"
    assert failing["pending"] > 0
    assert failing["applied"] > 0
    assert 'quality_profile["' in failing["error"]
    assert failing["error"].count("sonarr.main") == 1, "the instance is named once, in the address"
    assert instance(daemon, "sonarr.main")["pending"] == 0
    assert instance(daemon, "sonarr.main")["drift_total"] == 0  # finishing a failed apply is not drift


def test_a_hand_edit_is_reverted_and_counted_as_drift_once(
    harness: Harness, sonarr: SimulatedServarr, radarr: SimulatedServarr
) -> None:
    async def steps(daemon: Daemon) -> list[str | None]:
        results = [await daemon.run_cycle()]
        cf = next(c for c in sonarr.state.custom_formats.values() if c["name"] == "BR-DISK")
        cf["name"] = "BR-DISK (edited in the UI)"
        results += [await daemon.run_cycle(), await daemon.run_cycle()]
        return results

    daemon, results = drive(harness, steps)
    assert results == ["success", "success", "success"]
    assert any(c["name"] == "BR-DISK" for c in sonarr.state.custom_formats.values())
    status = instance(daemon, "sonarr.main")
    assert status["drift_total"] == 1
    assert status["recent_drift"][0]["address"] == 'sonarr.main.custom_format["BR-DISK"]'
    assert status["recent_drift"][0]["action"] == "update"
    assert metric(daemon, "syncd_drift_detected_total", instance="sonarr.main", type="custom_format") == 1
    assert instance(daemon, "radarr.movies")["drift_total"] == 0


def test_changes_from_a_config_change_are_not_drift(
    harness: Harness, sonarr: SimulatedServarr, radarr: SimulatedServarr
) -> None:
    async def steps(daemon: Daemon) -> list[str | None]:
        results = [await daemon.run_cycle()]
        harness.config.write_text(
            config_text(
                sonarr,
                radarr,
                sonarr_extra="    custom_formats:\n      - trash_ids: [e6258996055b9fbab7e9cb2f75819294]\n"
                "        assign_scores_to: [{name: WEB-1080p, score: 5}]\n",
            )
        )
        results += [await daemon.check_reload(), await daemon.run_cycle()]
        return results

    daemon, results = drive(harness, steps)
    assert results == ["success", "accepted", "success"]
    status = instance(daemon, "sonarr.main")
    assert status["applied"] > 0  # the new config changed something
    assert status["drift_total"] == 0
    assert metric(daemon, "syncd_drift_detected_total", instance="sonarr.main", type="custom_format") == 0


def test_a_plan_that_deletes_too_much_is_never_applied_and_is_reported(
    harness: Harness, sonarr: SimulatedServarr, radarr: SimulatedServarr
) -> None:
    for index in range(7):
        sonarr.state.tags.create({"label": f"hand-made-{index}"})
    delete = "    delete:\n      unmanaged_tags:\n        enabled: true\n"
    harness.config.write_text(config_text(sonarr, radarr, sonarr_extra=delete))

    async def steps(daemon: Daemon) -> list[str | None]:
        return [await daemon.run_cycle()]

    daemon, results = drive(harness, steps)
    assert results == ["partial"]
    refused = instance(daemon, "sonarr.main")
    assert refused["result"] == "failed"
    assert "the plan deletes 7 objects, more than 5; refused" in refused["deletes_refused"]
    assert len(sonarr.state.tags.list_all()) == 7
    assert not sonarr.state.custom_formats, "nothing of a refused plan is written"
    assert radarr.state.custom_formats, "the other instance still syncs"
    assert metric(daemon, "syncd_deletes_refused", instance="sonarr.main") == 1
    assert metric(daemon, "syncd_deletes_refused", instance="radarr.movies") == 0
