"""The config's `schedule:` as an apscheduler 3 trigger (cron or interval, with a small jitter)."""

from __future__ import annotations

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from syncd.config.model import ScheduleConfig
from syncd.errors import ConfigError

DEFAULT_INTERVAL_SECONDS = 3600


def interval_seconds(schedule: ScheduleConfig) -> int:
    return schedule.interval_seconds or DEFAULT_INTERVAL_SECONDS


def jitter_seconds(schedule: ScheduleConfig) -> int:
    """The configured jitter, at most a tenth of the interval so runs never bunch up or skip."""
    if schedule.cron:
        return schedule.jitter_seconds
    return min(schedule.jitter_seconds, interval_seconds(schedule) // 10)


def make_trigger(schedule: ScheduleConfig) -> BaseTrigger:
    """Raises `ConfigError` for an unusable cron expression or interval."""
    jitter = jitter_seconds(schedule) or None
    if schedule.cron:
        fields = schedule.cron.split()
        try:
            if len(fields) != 5:
                raise ValueError(f"expected 5 fields, got {len(fields)}")
            minute, hour, day, month, day_of_week = fields
            return CronTrigger(
                minute=minute, hour=hour, day=day, month=month, day_of_week=day_of_week, jitter=jitter
            )
        except ValueError as exc:
            raise ConfigError(
                f"schedule.cron {schedule.cron!r} is not a valid cron expression: {exc}"
            ) from exc
    seconds = interval_seconds(schedule)
    if seconds < 1:
        raise ConfigError(f"schedule.interval must be at least 1 second, got {seconds}")
    return IntervalTrigger(seconds=seconds, jitter=jitter)


def describe(schedule: ScheduleConfig) -> str:
    jitter = jitter_seconds(schedule)
    if schedule.cron:
        return f"cron {schedule.cron!r}, jitter {jitter}s"
    return f"every {interval_seconds(schedule)}s, jitter {jitter}s"
