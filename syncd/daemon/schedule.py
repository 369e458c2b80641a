"""The config's `schedule:` as an apscheduler 3 trigger (cron or interval, with a small jitter).

Cron expressions follow standard (Vixie) cron, computed by `croniter`: weekdays count from
Sunday = 0 (7 is Sunday too), names such as `mon-fri` and `jan` work, and when both the
day-of-month and the day-of-week field are restricted a day matching either one fires.
APScheduler's own `CronTrigger` numbers weekdays from Monday and ANDs the two day fields,
so it is not used for `schedule.cron`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.interval import IntervalTrigger
from croniter import croniter

from syncd.config.model import ScheduleConfig
from syncd.errors import ConfigError

DEFAULT_INTERVAL_SECONDS = 3600
_CRON_FIELDS = 5


class CronScheduleTrigger(BaseTrigger):  # type: ignore[misc]  # apscheduler 3 is untyped
    """Fires at the times a standard 5-field cron expression names, in the scheduler's time zone."""

    __slots__ = ("expression", "jitter")

    def __init__(self, expression: str, *, jitter: int | None = None) -> None:
        self.expression = expression
        self.jitter = jitter

    def get_next_fire_time(self, previous_fire_time: datetime | None, now: datetime) -> datetime | None:
        # croniter answers the first matching minute strictly after its start: the first fire
        # may be `now` itself, later ones come after the previous fire.
        start = previous_fire_time or now - timedelta(microseconds=1)
        following: datetime = croniter(self.expression, start).get_next(datetime)
        fire: datetime | None = self._apply_jitter(following, self.jitter, now)
        return fire

    def __str__(self) -> str:
        return f"cron[{self.expression}]"


def interval_seconds(schedule: ScheduleConfig) -> int:
    return schedule.interval_seconds or DEFAULT_INTERVAL_SECONDS


def jitter_seconds(schedule: ScheduleConfig) -> int:
    """The configured jitter, at most a tenth of the interval so runs never bunch up or skip."""
    if schedule.cron:
        return schedule.jitter_seconds
    return min(schedule.jitter_seconds, interval_seconds(schedule) // 10)


def check_cron(expression: str) -> str:
    """The expression, normalized to single spaces; `ConfigError` when it is not standard cron."""
    fields = expression.split()
    problem = None
    if len(fields) == 1 and fields[0].startswith("@"):
        problem = None if croniter.is_valid(fields[0]) else "unknown @ shorthand"
    elif len(fields) != _CRON_FIELDS:
        problem = f"expected 5 fields (minute hour day-of-month month day-of-week), got {len(fields)}"
    elif not croniter.is_valid(" ".join(fields)):
        problem = "a field is out of range or not cron syntax"
    if problem:
        raise ConfigError(f"schedule.cron {expression!r} is not a valid cron expression: {problem}")
    return " ".join(fields)


def make_trigger(schedule: ScheduleConfig) -> BaseTrigger:
    """Raises `ConfigError` for an unusable cron expression or interval."""
    jitter = jitter_seconds(schedule) or None
    if schedule.cron:
        return CronScheduleTrigger(check_cron(schedule.cron), jitter=jitter)
    seconds = interval_seconds(schedule)
    if seconds < 1:
        raise ConfigError(f"schedule.interval must be at least 1 second, got {seconds}")
    return IntervalTrigger(seconds=seconds, jitter=jitter)


def describe(schedule: ScheduleConfig) -> str:
    jitter = jitter_seconds(schedule)
    if schedule.cron:
        return f"cron {schedule.cron!r}, jitter {jitter}s"
    return f"every {interval_seconds(schedule)}s, jitter {jitter}s"
