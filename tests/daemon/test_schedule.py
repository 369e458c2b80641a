"""Scheduling: a sync at start and then on the interval; never two cycles at once; the
schedule's trigger and jitter follow the config."""

from __future__ import annotations

import asyncio

import pytest
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from syncd.config.model import Config, ScheduleConfig
from syncd.daemon import schedule
from syncd.errors import ConfigError
from syncd.simulator import SimulatedServarr
from tests.daemon.conftest import Harness, config_text, eventually
from tests.shared import SONARR_KEY


def test_syncs_at_start_and_then_on_the_interval(
    harness: Harness, sonarr: SimulatedServarr, radarr: SimulatedServarr
) -> None:
    harness.config.write_text(config_text(sonarr, radarr, interval="1s"))

    async def scenario() -> list[str | None]:
        daemon = harness.daemon()
        await daemon.start(watch=False)
        try:
            await eventually(
                lambda: (
                    daemon.metrics.registry.get_sample_value("syncd_sync_runs_total", {"result": "success"})
                    == 3
                )
            )
            return [daemon.status.cycle.result]
        finally:
            await daemon.close()

    assert asyncio.run(scenario()) == ["success"]


def test_a_slow_cycle_is_never_overlapped_by_the_schedule(
    harness: Harness, sonarr: SimulatedServarr, radarr: SimulatedServarr
) -> None:
    harness.config.write_text(config_text(sonarr, radarr, interval="1s"))
    running = {"now": 0, "max": 0, "runs": 0}

    async def slow_cycle(config: Config, *, should_stop: object) -> str:
        running["now"] += 1
        running["max"] = max(running["max"], running["now"])
        await asyncio.sleep(1.6)  # longer than the 1 s interval
        running["now"] -= 1
        running["runs"] += 1
        return "success"

    async def scenario() -> None:
        daemon = harness.daemon()
        daemon.cycle.run = slow_cycle  # type: ignore[method-assign]
        await daemon.start(watch=False)
        try:
            await eventually(lambda: running["runs"] >= 2)
        finally:
            await daemon.close()

    asyncio.run(scenario())
    assert running["max"] == 1


def test_a_second_trigger_during_a_slow_real_cycle_is_skipped(
    harness: Harness, radarr: SimulatedServarr
) -> None:
    with SimulatedServarr("sonarr", api_key=SONARR_KEY, latency=0.05) as slow:
        harness.config.write_text(config_text(slow, radarr))

        async def scenario() -> tuple[str | None, str | None]:
            daemon = harness.daemon()
            await daemon.start(first_run=False, watch=False)
            try:
                first = asyncio.create_task(daemon.run_cycle())
                await eventually(lambda: daemon.cycle.phase == "applying")
                second = await daemon.run_cycle()
                return await first, second
            finally:
                await daemon.close()
                counted.append(
                    daemon.metrics.registry.get_sample_value("syncd_sync_runs_total", {"result": "success"})
                )

        counted: list[float | None] = []
        assert asyncio.run(scenario()) == ("success", None)
        assert counted == [1.0]


def test_triggers_follow_the_schedule_config() -> None:
    hourly = schedule.make_trigger(ScheduleConfig())
    assert isinstance(hourly, IntervalTrigger)
    assert hourly.interval.total_seconds() == 3600
    assert hourly.jitter == 30
    short = schedule.make_trigger(ScheduleConfig(interval_seconds=60, jitter_seconds=30))
    assert short.jitter == 6  # at most a tenth of the interval
    cron = schedule.make_trigger(ScheduleConfig(cron="0 */6 * * *", jitter_seconds=10))
    assert isinstance(cron, CronTrigger)
    assert schedule.describe(ScheduleConfig(cron="0 */6 * * *")) == "cron '0 */6 * * *', jitter 30s"
    with pytest.raises(ConfigError, match="not a valid cron expression"):
        schedule.make_trigger(ScheduleConfig(cron="every tuesday"))
