"""Airflow's `airflow.utils.timezone` helpers, and the one wall-clock read of the time-based operators.

DAG files use `timezone.utcnow()`, `timezone.datetime(2021, 1, 1)`, `make_aware`... as on Airflow;
the branch and weekday operators read the time through `utcnow` here, so tests fix the clock in
one place. pendulum is imported inside the functions: `import tradewind` stays without it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tradewind.timetables.tz import UTC, localize, parse_timezone, to_local_naive

__all__ = [
    "coerce_datetime",
    "convert_to_utc",
    "datetime",
    "is_localized",
    "is_naive",
    "make_aware",
    "make_naive",
    "parse",
    "utc",
    "utc_epoch",
    "utcnow",
]

utc = UTC


def utcnow() -> Any:
    """Now, as a pendulum `DateTime` in UTC (what Airflow's `timezone.utcnow()` returns)."""
    import pendulum

    return pendulum.now(pendulum.UTC)


def utc_epoch() -> dt.datetime:
    return dt.datetime(1970, 1, 1, tzinfo=UTC)


def is_localized(value: dt.datetime) -> bool:
    return value.utcoffset() is not None


def is_naive(value: dt.datetime) -> bool:
    return not is_localized(value)


def make_aware(value: dt.datetime | None, timezone: Any = None) -> Any:
    """A naive wall-clock time read in `timezone` (default: UTC), DST resolved as pendulum does."""
    if value is None:
        return None
    if is_localized(value):
        raise ValueError(f"make_aware expects a naive datetime, got {value}")
    import pendulum

    tz = parse_timezone(timezone)
    return pendulum.instance(localize(value, tz)).in_timezone(_pendulum_tz(tz))


def make_naive(value: dt.datetime, timezone: Any = None) -> dt.datetime:
    """The wall-clock time of an aware `value` in `timezone` (default: UTC), without tzinfo."""
    if is_naive(value):
        raise ValueError("make_naive() cannot be applied to a naive datetime")
    return to_local_naive(value, parse_timezone(timezone))


def convert_to_utc(value: dt.datetime | None) -> Any:
    """`value` in UTC as a pendulum DateTime; a naive one is read as UTC."""
    return None if value is None else coerce_datetime(value).in_timezone("UTC")


def coerce_datetime(value: dt.datetime | None, tz: Any = None) -> Any:
    """A pendulum DateTime: naive values are read in `tz` (default: UTC), aware ones keep their zone."""
    if value is None:
        return None
    import pendulum

    if isinstance(value, pendulum.DateTime):
        return value
    if is_naive(value):
        return make_aware(value, tz)
    return pendulum.instance(value)


def datetime(*args: Any, **kwargs: Any) -> dt.datetime:
    """`datetime.datetime(...)` in UTC unless `tzinfo` is given, as Airflow's `timezone.datetime`."""
    kwargs.setdefault("tzinfo", UTC)
    return dt.datetime(*args, **kwargs)


def parse(string: str, timezone: Any = None) -> Any:
    """An ISO 8601 (or pendulum-readable) string as a pendulum DateTime, in UTC unless it says otherwise."""
    import pendulum

    return pendulum.parse(string, tz=_pendulum_tz(parse_timezone(timezone)))


def _pendulum_tz(tz: dt.tzinfo) -> Any:
    import pendulum

    key = getattr(tz, "key", None)
    if isinstance(key, str):
        return pendulum.timezone(key)
    offset = tz.utcoffset(None)
    return pendulum.UTC if not offset else pendulum.FixedTimezone(int(offset.total_seconds()))
