"""`BranchDayOfWeekOperator`: follow one branch on the given days of the week, the other on the rest."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tradewind.operators.branch import BaseBranchOperator
from tradewind.sdk.baseoperator import Context
from tradewind.utils import timezone
from tradewind.utils.weekday import WeekDay

__all__ = ["BranchDayOfWeekOperator"]


class BranchDayOfWeekOperator(BaseBranchOperator):
    """Today in the DAG's timezone (or the run's logical date in UTC, with `use_task_logical_date`)."""

    def __init__(
        self,
        *,
        follow_task_ids_if_true: str | Iterable[str],
        follow_task_ids_if_false: str | Iterable[str],
        week_day: str | WeekDay | Iterable[str | WeekDay],
        use_task_logical_date: bool = False,
        use_task_execution_date: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.follow_task_ids_if_true = follow_task_ids_if_true
        self.follow_task_ids_if_false = follow_task_ids_if_false
        self.week_day = week_day
        self.use_task_logical_date = use_task_logical_date or use_task_execution_date
        self._week_day_num = WeekDay.validate_week_day(week_day)

    def choose_branch(self, context: Context) -> str | Iterable[str]:
        if self.use_task_logical_date:
            now = context["logical_date"]
        else:
            now = timezone.make_naive(timezone.utcnow(), self.dag.timezone if self.dag is not None else None)
        if now.isoweekday() in self._week_day_num:
            return self.follow_task_ids_if_true
        return self.follow_task_ids_if_false
