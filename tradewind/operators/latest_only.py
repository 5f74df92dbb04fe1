"""`LatestOnlyOperator`: skip what follows unless this run is the latest scheduled one (Airflow's rule).

The run is the latest when the wall clock lies inside the data interval that follows the run's
own: `next.start < now <= next.end`. Externally triggered runs (`tradewind dags trigger`, the UI)
and runs with no next interval always proceed.
"""

from __future__ import annotations

from typing import Any

from tradewind.operators.branch import BaseBranchOperator
from tradewind.sdk.baseoperator import Context
from tradewind.utils import timezone

__all__ = ["LatestOnlyOperator"]


class LatestOnlyOperator(BaseBranchOperator):
    """Its direct downstream tasks run only in the latest scheduled run; older runs skip them."""

    ui_color = "#e9ffdb"

    def choose_branch(self, context: Context) -> list[str]:
        everything = sorted(self.downstream_task_ids)
        if getattr(context["dag_run"], "external_trigger", False):
            self.log.info("Externally triggered DAG run: allowing execution to proceed.")
            return everything
        following = _next_interval(context["dag"], context["data_interval_start"], context["data_interval_end"])
        if following is None:
            self.log.info("Last scheduled execution: allowing execution to proceed.")
            return everything
        now = timezone.utcnow()
        left, right = following
        self.log.info("Checking latest only with left_window: %s right_window: %s now: %s", left, right, now)
        if not left < now <= right:
            self.log.info("Not latest execution, skipping downstream.")
            return []
        self.log.info("Latest, allowing execution to proceed.")
        return everything


def _next_interval(dag: Any, start: Any, end: Any) -> tuple[Any, Any] | None:
    """The data interval after (start, end] on the DAG's schedule, ignoring start/end dates and catchup."""
    from tradewind.timetables.base import DataInterval, TimeRestriction

    info = dag.timetable.next_dagrun_info(
        last_automated_data_interval=DataInterval(start, end),
        restriction=TimeRestriction(earliest=None, latest=None, catchup=True),
    )
    return None if info is None else (info.data_interval.start, info.data_interval.end)
