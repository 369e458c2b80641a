"""Scheduling: a sync at start and then on the interval; never two cycles at once; the
schedule's trigger and jitter follow the config."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
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
                    (
                        daemon.metrics.registry.get_sample_value(
                            "syncd_sync_runs_total", {"result": "success"}
                        )
                        or 0
                    )
                    >= 3
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
    assert isinstance(cron, schedule.CronScheduleTrigger)
    assert cron.jitter == 10
    assert schedule.describe(ScheduleConfig(cron="0 */6 * * *")) == "cron '0 */6 * * *', jitter 30s"
    with pytest.raises(ConfigError, match="not a valid cron expression"):
        schedule.make_trigger(ScheduleConfig(cron="every tuesday"))


def fires(expression: str, start: datetime, count: int) -> list[datetime]:
    """The next `count` fire times of a cron schedule (no jitter), as the scheduler asks for them."""
    trigger = schedule.make_trigger(ScheduleConfig(cron=expression, jitter_seconds=0))
    times: list[datetime] = []
    previous = None
    while len(times) < count:
        previous = trigger.get_next_fire_time(previous, previous or start)
        assert previous is not None
        times.append(previous)
    return times


# Tuesday 1 December 2026, 00:00 UTC.
TUESDAY = datetime(2026, 12, 1, tzinfo=UTC)


def weekdays(times: list[datetime]) -> list[str]:
    return [t.strftime("%a") for t in times]


@pytest.mark.parametrize("sunday", ["0", "7", "sun", "SUN"])
def test_cron_sunday_is_0_and_7_and_sun(sunday: str) -> None:
    times = fires(f"0 3 * * {sunday}", TUESDAY, 3)
    assert times == [datetime(2026, 12, d, 3, tzinfo=UTC) for d in (6, 13, 20)]
    assert weekdays(times) == ["Sun", "Sun", "Sun"]


@pytest.mark.parametrize("weekdays_field", ["1-5", "mon-fri", "MON-FRI"])
def test_cron_weekday_ranges_run_monday_to_friday(weekdays_field: str) -> None:
    times = fires(f"30 4 * * {weekdays_field}", TUESDAY, 7)
    assert weekdays(times) == ["Tue", "Wed", "Thu", "Fri", "Mon", "Tue", "Wed"]
    assert all((t.hour, t.minute) == (4, 30) for t in times)


def test_cron_ranges_steps_and_lists() -> None:
    assert [t.hour for t in fires("0 */6 * * *", TUESDAY, 5)] == [0, 6, 12, 18, 0]
    assert weekdays(fires("0 0 * * 5-7", TUESDAY, 4)) == ["Fri", "Sat", "Sun", "Fri"]
    assert weekdays(fires("0 0 * * 6,0", TUESDAY, 3)) == ["Sat", "Sun", "Sat"]


def test_cron_month_names() -> None:
    assert fires("0 0 1 jan,jul *", TUESDAY, 2) == [
        datetime(2027, 1, 1, tzinfo=UTC),
        datetime(2027, 7, 1, tzinfo=UTC),
    ]


def test_cron_day_of_month_or_day_of_week() -> None:
    """Both day fields restricted: a day matching either fires (cron's OR, not AND)."""
    days = [t.day for t in fires("0 0 13 * 5", TUESDAY, 5)]
    # Fridays 4, 11, 18, 25 December and Sunday the 13th.
    assert days == [4, 11, 13, 18, 25]
    # Only one restricted: the other `*` does not widen it.
    assert [t.day for t in fires("0 0 13 * *", TUESDAY, 2)] == [13, 13]
    assert weekdays(fires("0 0 * * 5", TUESDAY, 2)) == ["Fri", "Fri"]


def test_cron_first_fire_may_be_now_and_jitter_stays_within_bounds() -> None:
    at_three = datetime(2026, 12, 6, 3, tzinfo=UTC)
    assert fires("0 3 * * 0", at_three, 2) == [at_three, at_three + timedelta(days=7)]
    trigger = schedule.make_trigger(ScheduleConfig(cron="0 3 * * 0", jitter_seconds=20))
    fire = trigger.get_next_fire_time(None, TUESDAY)
    assert fire is not None
    assert timedelta(0) <= fire - datetime(2026, 12, 6, 3, tzinfo=UTC) <= timedelta(seconds=20)


@pytest.mark.parametrize(
    "expression",
    ["every tuesday", "0 3 * * 8", "61 * * * *", "0 3 * *", "0 0 3 * * *", "@fortnightly"],
)
def test_cron_rejects_what_cron_rejects(expression: str) -> None:
    with pytest.raises(ConfigError, match="not a valid cron expression"):
        schedule.make_trigger(ScheduleConfig(cron=expression))


def test_cron_shorthands() -> None:
    assert weekdays(fires("@weekly", TUESDAY, 2)) == ["Sun", "Sun"]
    assert [t.day for t in fires("@daily", TUESDAY, 2)] == [1, 2]
