"""`WeekDay`: Airflow's day-of-week enum, and the check its weekday operator and sensor apply to arguments."""

from __future__ import annotations

import enum
from collections.abc import Iterable

from tradewind.exceptions import DagDefinitionError


class WeekDay(enum.IntEnum):
    """ISO weekday numbers (Monday 1 … Sunday 7), as `datetime.isoweekday()` gives them."""

    MONDAY = 1
    TUESDAY = 2
    WEDNESDAY = 3
    THURSDAY = 4
    FRIDAY = 5
    SATURDAY = 6
    SUNDAY = 7

    @classmethod
    def get_weekday_number(cls, week_day_str: str) -> int:
        """`"monday"` (any case) is 1."""
        try:
            return cls[week_day_str.upper()].value
        except KeyError:
            raise DagDefinitionError(f'Invalid Week Day passed: "{week_day_str}"') from None

    @classmethod
    def convert(cls, day: str | WeekDay) -> int:
        return day.value if isinstance(day, WeekDay) else cls.get_weekday_number(day)

    @classmethod
    def validate_week_day(cls, week_day: str | WeekDay | Iterable[str | WeekDay]) -> set[int]:
        """The ISO numbers of one day or several (a name, a WeekDay, or a set/list of either)."""
        if isinstance(week_day, (str, WeekDay)):
            return {cls.convert(week_day)}
        if isinstance(week_day, Iterable) and all(isinstance(day, (str, WeekDay)) for day in week_day):
            return {cls.convert(day) for day in week_day}
        raise DagDefinitionError(
            f"Unsupported Type for week_day parameter: {type(week_day)}. "
            "Input should be iterable type: str, set, list, dict or Weekday enum type"
        )
