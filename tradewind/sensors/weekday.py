"""`DayOfWeekSensor`: wait until today (UTC), or the run's logical date, is one of the given week days."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tradewind.sdk.baseoperator import Context
from tradewind.sensors.base import BaseSensorOperator
from tradewind.utils import timezone
from tradewind.utils.weekday import WeekDay

__all__ = ["DayOfWeekSensor"]


class DayOfWeekSensor(BaseSensorOperator):
    """`week_day` is a name (`"Saturday"`), a `WeekDay`, or a set/list of either."""

    def __init__(
        self,
        *,
        week_day: str | WeekDay | Iterable[str | WeekDay],
        use_task_logical_date: bool = False,
        use_task_execution_date: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.week_day = week_day
        self.use_task_logical_date = use_task_logical_date or use_task_execution_date
        self._week_day_num = WeekDay.validate_week_day(week_day)

    def poke(self, context: Context) -> bool:
        self.log.info("Poking until weekday is in %s", sorted(self._week_day_num))
        today = context["logical_date"] if self.use_task_logical_date else timezone.utcnow()
        return today.isoweekday() in self._week_day_num
