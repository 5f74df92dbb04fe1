"""The time zone a viewer reads times in: their choice (a cookie), else `[webserver] default_ui_timezone`.

Every time on a page is written in that zone with its abbreviation ("2024-03-05 01:00:00 CET"), so nobody
mistakes a UTC time for a local one. The zone is chosen on /timezone; the browser's own zone is offered there.
"""

from __future__ import annotations

from datetime import datetime, timezone, tzinfo
from functools import lru_cache

COOKIE = "tradewind_tz"
UTC_NAMES = frozenset({"utc", "z", "etc/utc", "gmt", "etc/gmt"})


@lru_cache(maxsize=64)
def zone(name: str) -> tzinfo | None:
    """The zone called `name` (IANA name, case as given), UTC for its aliases, None if unknown."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    if name.strip().lower() in UTC_NAMES:
        return timezone.utc
    if not name or len(name) > 64 or name.startswith("/") or ".." in name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def zone_name(tz: tzinfo) -> str:
    return "UTC" if tz is timezone.utc else str(getattr(tz, "key", tz))


def default_zone() -> tzinfo:
    from tradewind.config import conf

    return zone(str(conf.get("webserver", "default_ui_timezone"))) or timezone.utc


def chosen_zone(cookie: str | None) -> tzinfo:
    """The viewer's zone: the cookie's if it names a zone, else the configured default."""
    return (zone(cookie) if cookie else None) or default_zone()


@lru_cache(maxsize=1)
def all_zones() -> list[str]:
    from zoneinfo import available_timezones

    return ["UTC", *sorted(z for z in available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/")))]


def format_in(value: datetime | None, tz: tzinfo, seconds: bool = True) -> str:
    """`value` in `tz`, followed by the zone's abbreviation; naive values are taken as UTC (as the store keeps them)."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    local = value.astimezone(tz)
    abbr = "UTC" if tz is timezone.utc else (local.tzname() or zone_name(tz))
    return local.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M") + f" {abbr}"
