"""`BranchDateTimeOperator`: follow one branch when now (or the logical date) is within a window, else the other."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from tradewind.exceptions import DagDefinitionError
from tradewind.operators.branch import BaseBranchOperator
from tradewind.sdk.baseoperator import Context
from tradewind.utils import timezone

__all__ = ["BranchDateTimeOperator", "target_times_as_dates"]


class BranchDateTimeOperator(BaseBranchOperator):
    """Airflow's rule: times of day are read on today's (UTC) date in the DAG's timezone; an upper
    bound earlier than the lower one means the window ends the next day."""

    def __init__(
        self,
        *,
        follow_task_ids_if_true: str | Iterable[str],
        follow_task_ids_if_false: str | Iterable[str],
        target_lower: dt.datetime | dt.time | None = None,
        target_upper: dt.datetime | dt.time | None = None,
        use_task_logical_date: bool = False,
        use_task_execution_date: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if target_lower is None and target_upper is None:
            raise DagDefinitionError(
                "Both target_upper and target_lower are None. At least one "
                "must be defined to be compared to the current datetime"
            )
        self.target_lower = target_lower
        self.target_upper = target_upper
        self.follow_task_ids_if_true = follow_task_ids_if_true
        self.follow_task_ids_if_false = follow_task_ids_if_false
        self.use_task_logical_date = use_task_logical_date or use_task_execution_date

    def choose_branch(self, context: Context) -> str | Iterable[str]:
        now = context["logical_date"] if self.use_task_logical_date else timezone.utcnow()
        lower, upper = target_times_as_dates(now, self.target_lower, self.target_upper)
        tz = self.dag.timezone if self.dag is not None else None
        lower, upper = timezone.coerce_datetime(lower, tz), timezone.coerce_datetime(upper, tz)
        if (upper is not None and upper < now) or (lower is not None and lower > now):
            return self.follow_task_ids_if_false
        return self.follow_task_ids_if_true


def target_times_as_dates(
    base_date: dt.datetime, lower: dt.datetime | dt.time | None, upper: dt.datetime | dt.time | None
) -> tuple[dt.datetime | None, dt.datetime | None]:
    """Times of day on `base_date`'s date; an upper time before the lower one moves to the next day."""
    if isinstance(lower, dt.datetime) and isinstance(upper, dt.datetime):
        return lower, upper
    if isinstance(lower, dt.time):
        lower = dt.datetime.combine(base_date.date(), lower)
    if isinstance(upper, dt.time):
        upper = dt.datetime.combine(base_date.date(), upper)
    if lower is None or upper is None:
        return lower, upper
    if upper < lower:
        upper += dt.timedelta(days=1)
    return lower, upper
