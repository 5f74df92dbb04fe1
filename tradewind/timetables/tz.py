"""Time zones for schedules: parse, encode, and the wall-clock <-> UTC rules Airflow applies.

Airflow (through pendulum) resolves a wall-clock time that happens twice (DST ends) to the
*second* occurrence, and one that never happens (DST starts) by shifting it forward by the size
of the gap. `localize` reproduces exactly that with zoneinfo, so cron schedules land on the same
instants as Airflow's.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone, tzinfo

from tradewind.exceptions import InvalidScheduleError

UTC = timezone.utc
_OFFSET = re.compile(r"^(?:UTC|GMT)?([+-])(\d{1,2}):?(\d{2})?$")
_UTC_NAMES = {"utc", "z", "etc/utc", "gmt", "etc/gmt", "zulu", "universal", "etc/universal"}


def parse_timezone(value: str | tzinfo | None) -> tzinfo:
    """A tzinfo that knows about DST folds (zoneinfo), from a name, an offset or another tzinfo."""
    if value is None:
        return UTC
    if isinstance(value, str):
        return _from_name(value)
    if not isinstance(value, tzinfo):
        raise InvalidScheduleError(f"invalid time zone {value!r}: expected a name like 'Europe/Berlin' or a tzinfo")
    if value is UTC:
        return UTC
    if isinstance(value, timezone):  # fixed offset
        offset = value.utcoffset(None)
        return UTC if offset == timedelta(0) else value
    # zoneinfo.ZoneInfo (and pendulum's Timezone, a subclass) expose `key`; pytz `zone`; others `name`.
    for attr in ("key", "zone", "name"):
        name = getattr(value, attr, None)
        if isinstance(name, str) and name:
            return _from_name(name)
    return value  # an unnamed tzinfo: used as is (it should honour PEP 495 `fold`)


def _from_name(name: str) -> tzinfo:
    text = name.strip()
    if text.lower() in _UTC_NAMES:
        return UTC
    match = _OFFSET.match(text)
    if match:
        sign, hours, minutes = match.groups()
        offset = timedelta(hours=int(hours), minutes=int(minutes or 0))
        if offset >= timedelta(hours=24):
            raise InvalidScheduleError(f"invalid time zone offset {name!r}")
        return timezone(-offset if sign == "-" else offset) if offset else UTC
    from zoneinfo import ZoneInfo

    try:
        return ZoneInfo(text)
    except Exception:
        raise InvalidScheduleError(f"unknown time zone {name!r}") from None


def encode_timezone(tz: tzinfo) -> str:
    """A string `parse_timezone` reads back: 'UTC', an IANA name, or a '+HH:MM' offset."""
    if tz is UTC:
        return "UTC"
    key = getattr(tz, "key", None)
    if isinstance(key, str):
        return key
    if isinstance(tz, timezone):
        offset = tz.utcoffset(None)
        sign = "-" if offset < timedelta(0) else "+"
        minutes = abs(int(offset.total_seconds())) // 60
        return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"
    return str(tz)


def to_local_naive(value: datetime, tz: tzinfo) -> datetime:
    """Wall-clock time in `tz`, without tzinfo (and without `fold`, as Airflow's make_naive)."""
    return value.astimezone(tz).replace(tzinfo=None, fold=0)


def localize(naive: datetime, tz: tzinfo) -> datetime:
    """The UTC instant of a wall-clock time in `tz`, resolving DST like Airflow/pendulum.

    Repeated times take the second occurrence; skipped times move forward by the gap.
    """
    first = naive.replace(tzinfo=tz, fold=0)
    second = naive.replace(tzinfo=tz, fold=1)
    off_first, off_second = first.utcoffset(), second.utcoffset()
    if off_first is None or off_second is None:
        raise InvalidScheduleError(f"time zone {tz!r} gives no UTC offset for {naive}")
    # In a gap PEP 495 gives fold=0 the offset from before the jump: that reads the missing time as
    # "shifted forward", which is pendulum's rule. Everywhere else fold=1 picks the later occurrence.
    offset = off_first if off_second > off_first else off_second
    return (naive - offset).replace(tzinfo=UTC)
