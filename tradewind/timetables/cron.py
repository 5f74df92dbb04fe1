"""Cron expressions in a DAG's time zone: next/previous tick, DST handled as Airflow 2 does.

croniter only understands naive wall-clock times. Like Airflow's `CronMixin`, we walk the cron in
the DAG's local wall clock and map the result back to UTC, with one twist copied on purpose:
schedules that fire every hour (hour field `*`) move by the *elapsed* wall-clock delta, so they
keep firing through the repeated hour at the end of DST; all others resolve the local time with
`tz.localize` (second occurrence / shift forward).
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

from tradewind.exceptions import InvalidScheduleError
from tradewind.timetables.base import UTC
from tradewind.timetables.tz import encode_timezone, localize, parse_timezone, to_local_naive

PRESETS: dict[str, str] = {
    "@hourly": "0 * * * *",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@weekly": "0 0 * * 0",
    "@monthly": "0 0 1 * *",
    "@quarterly": "0 0 1 */3 *",
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
}


def expand_cron(schedule: str) -> str:
    """The 5-field expression for a preset or cron string; raises InvalidScheduleError if invalid."""
    from croniter import croniter

    text = schedule.strip()
    if text.startswith("@"):
        if text not in PRESETS:
            raise InvalidScheduleError(
                f"invalid schedule {schedule!r}: unknown preset (expected None, @once, @continuous, "
                f"{', '.join(PRESETS)}, a 5-field cron expression or a timedelta)"
            )
        return PRESETS[text]
    fields = text.split()
    if len(fields) != 5:
        raise InvalidScheduleError(
            f"invalid cron expression {schedule!r}: expected 5 fields (minute hour day month weekday), got {len(fields)}"
        )
    try:
        cron = croniter(text)
        cron.get_next(datetime)  # catches expressions that can never fire, e.g. '0 0 31 2 *'
    except Exception as exc:  # croniter raises several ValueError/KeyError subclasses
        raise InvalidScheduleError(f"invalid cron expression {schedule!r}: {exc}") from None
    return " ".join(fields)


class CronSchedule:
    """One cron expression in one time zone; every method takes and returns aware UTC datetimes."""

    def __init__(self, schedule: str, timezone: str | tzinfo = "UTC") -> None:
        if not isinstance(schedule, str):
            raise InvalidScheduleError(f"invalid cron expression {schedule!r}: expected a string")
        self.original = schedule.strip()
        self.expression = expand_cron(schedule)
        self.timezone = parse_timezone(timezone)
        from croniter import croniter

        self._every_hour = croniter(self.expression).expanded[1] == ["*"]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CronSchedule):
            return NotImplemented
        return self.expression == other.expression and self.encoded_timezone == other.encoded_timezone

    @property
    def encoded_timezone(self) -> str:
        return encode_timezone(self.timezone)

    @property
    def description(self) -> str:
        from tradewind.timetables.describe import describe_cron

        return describe_cron(self.expression)

    def serialize(self) -> dict[str, Any]:
        return {"expression": self.original, "timezone": self.encoded_timezone}

    # --- ticks -------------------------------------------------------------------------------
    def _tick(self, current: datetime, forward: bool) -> datetime:
        """The first tick strictly after (forward) or before `current`."""
        from croniter import croniter

        current = current.astimezone(UTC)
        naive = to_local_naive(current, self.timezone)
        it = croniter(self.expression, start_time=naive)
        scheduled: datetime = it.get_next(datetime) if forward else it.get_prev(datetime)
        if not self._every_hour:
            return localize(scheduled, self.timezone)
        return current + (scheduled - naive)  # elapsed time, so hourly ticks run through the repeated DST hour

    def _align(self, current: datetime, forward: bool) -> datetime:
        """`current` if it is a tick, else the next (forward) or previous tick."""
        current = current.astimezone(UTC)
        neighbour = self._tick(current, forward)
        return current if self._tick(neighbour, not forward) == current else neighbour

    def next_after(self, current: datetime) -> datetime:
        """The first tick strictly after `current`."""
        return self._tick(current, forward=True)

    def prev_before(self, current: datetime) -> datetime:
        """The last tick strictly before `current` (at `current` itself counts as before only if off-grid)."""
        return self._tick(current, forward=False)

    def align_to_next(self, current: datetime) -> datetime:
        """`current` if it is a tick, else the next tick."""
        return self._align(current, forward=True)

    def align_to_prev(self, current: datetime) -> datetime:
        """`current` if it is a tick, else the previous tick."""
        return self._align(current, forward=False)


class CronBacked:
    """What a timetable built on one `CronSchedule` shows: Airflow 2 lists the expanded expression."""

    _cron: CronSchedule

    @property
    def expression(self) -> str:
        """The 5-field cron expression (presets expanded)."""
        return self._cron.expression

    @property
    def timezone(self) -> tzinfo:
        return self._cron.timezone

    @property
    def summary(self) -> str:
        return self._cron.expression

    @property
    def description(self) -> str:
        return self._cron.description
