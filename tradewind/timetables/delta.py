"""Fixed-length schedules: `timedelta` (and dateutil's `relativedelta`), with Airflow's arithmetic.

A `timedelta` moves by elapsed time (pendulum's rule, so `timedelta(days=7)` across a DST change
lands an hour off the wall clock, exactly as in Airflow). A `relativedelta`'s calendar part
(years, months, absolute fields) moves the wall clock in the datetime's own zone; its
day/hour/second part is elapsed time.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from tradewind.exceptions import InvalidScheduleError
from tradewind.timetables.base import UTC

# relativedelta attributes, in constructor-keyword form; "weekday" is encoded as [weekday, n]
_RD_FIELDS = (
    "years", "months", "days", "leapdays", "hours", "minutes", "seconds", "microseconds",
    "year", "month", "day", "weekday", "hour", "minute", "second", "microsecond",
)  # fmt: skip
_RD_CALENDAR = ("years", "months", "year", "month", "day", "hour", "minute", "second", "microsecond")


def is_relativedelta(value: object) -> bool:
    """True for dateutil's relativedelta, checked without importing dateutil."""
    cls = type(value)
    return cls.__name__ == "relativedelta" and cls.__module__.startswith("dateutil")


def check_positive(delta: Any) -> None:
    probe = datetime(2024, 1, 1, tzinfo=UTC)
    if add(probe, delta) <= probe:
        raise InvalidScheduleError(f"invalid schedule {delta!r}: the interval must be positive")


def add(current: datetime, delta: Any) -> datetime:
    """`current + delta`, in UTC."""
    if isinstance(delta, timedelta):
        return current.astimezone(UTC) + delta
    return _add_relative(current, delta, sign=1)


def subtract(current: datetime, delta: Any) -> datetime:
    """`current - delta`, in UTC."""
    if isinstance(delta, timedelta):
        return current.astimezone(UTC) - delta
    return _add_relative(current, delta, sign=-1)


def _add_relative(current: datetime, delta: Any, sign: int) -> datetime:
    from dateutil.relativedelta import relativedelta

    from tradewind.timetables.tz import localize

    delta = delta if sign > 0 else -delta
    calendar = relativedelta(**{f: getattr(delta, f) for f in _RD_CALENDAR if getattr(delta, f)})
    tz = current.tzinfo or UTC
    local = current.astimezone(tz).replace(tzinfo=None)
    moved = localize(local + calendar, tz) if calendar else current.astimezone(UTC)
    days = delta.days
    if delta.leapdays and (local + calendar).month > 2:
        import calendar as cal

        if cal.isleap((local + calendar).year):
            days += delta.leapdays
    moved += timedelta(days=days, hours=delta.hours, minutes=delta.minutes, seconds=delta.seconds,
                       microseconds=delta.microseconds)  # fmt: skip
    if delta.weekday is not None:
        weekday, nth = delta.weekday.weekday, delta.weekday.n or 1
        wall = moved.astimezone(tz)
        jump = (abs(nth) - 1) * 7
        jump = jump + (7 - wall.weekday() + weekday) % 7 if nth > 0 else -(jump + (wall.weekday() - weekday) % 7)
        moved += timedelta(days=jump)
    return moved


def approx_seconds(delta: Any) -> float:
    """Length used to round 'now' for catchup=False (Airflow: 365-day years, 30-day months)."""
    if isinstance(delta, timedelta):
        return delta.total_seconds()
    return (
        delta.years * 365 * 86400 + delta.months * 30 * 86400 + delta.days * 86400
        + delta.hours * 3600 + delta.minutes * 60 + delta.seconds
    )  # fmt: skip


def encode(delta: Any) -> float | dict[str, Any]:
    """Seconds for a timedelta, a dict of non-empty fields for a relativedelta."""
    if isinstance(delta, timedelta):
        return delta.total_seconds()
    out: dict[str, Any] = {}
    for name in _RD_FIELDS:
        value = getattr(delta, name)
        if name == "weekday" and value is not None:
            out[name] = [value.weekday, value.n]
        elif value:
            out[name] = value
    return out


def decode(data: float | int | dict[str, Any]) -> Any:
    if not isinstance(data, dict):
        return timedelta(seconds=data)
    from dateutil.relativedelta import relativedelta, weekday

    kwargs = dict(data)
    if "weekday" in kwargs:
        wd, n = kwargs["weekday"]
        kwargs["weekday"] = weekday(wd, n)
    return relativedelta(**kwargs)


def describe(delta: Any) -> str:
    """'Every 6 hours', 'Every 7 days', or Airflow's `str(delta)` wording for odd lengths."""
    if not isinstance(delta, timedelta):
        return f"Every {delta!r}"
    seconds = int(delta.total_seconds())
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1)):
        if seconds % size == 0 and delta.microseconds == 0:
            count = seconds // size
            return f"Every {unit}" if count == 1 else f"Every {count} {unit}s"
    return f"Every {delta}"
