"""`DagRun`: Airflow's run model as DAG code uses it — a type for hints and `DagRun.find(...)`.

A run here is a stored `DagRunRecord` (what a task's context holds as `dag_run`); `find` reads the
metadata database, as Airflow's does, and gives records with Airflow's attribute names
(`dag_id`, `run_id`, `state`, `logical_date`/`execution_date`, `conf`, `run_type`, …).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from tradewind.store.records import DagRunRecord


class DagRun:
    """Class-level queries over stored runs; instances are the stored `DagRunRecord`s."""

    @classmethod
    def find(
        cls,
        dag_id: str | list[str] | None = None,
        run_id: str | Iterable[str] | None = None,
        execution_date: datetime | Iterable[datetime] | None = None,
        state: str | Iterable[str] | None = None,
        external_trigger: bool | None = None,
        no_backfills: bool = False,
        run_type: str | None = None,
        session: Any = None,
        execution_start_date: datetime | None = None,
        execution_end_date: datetime | None = None,
        logical_date: datetime | Iterable[datetime] | None = None,
    ) -> list[DagRunRecord]:
        """The runs matching every filter given (lists match any of their values), oldest first."""
        from tradewind.store import runs
        from tradewind.store.migrate import ensure_ready
        from tradewind.timetables.base import as_utc

        ensure_ready()
        dag_ids: list[str | None] = [dag_id] if isinstance(dag_id, str) else [*dag_id] if dag_id else [None]
        found = [r for d in dag_ids for r in runs.list_dag_runs(d, state=state, newest_first=False)]
        run_ids = {run_id} if isinstance(run_id, str) else (set(run_id) if run_id is not None else None)
        dates = logical_date if logical_date is not None else execution_date
        wanted = None
        if dates is not None:
            wanted = {as_utc(d) for d in ([dates] if isinstance(dates, datetime) else dates)}
        out = []
        for r in found:
            when = as_utc(r.logical_date)
            if (
                (run_ids is not None and r.run_id not in run_ids)
                or (wanted is not None and when not in wanted)
                or (external_trigger is not None and r.external_trigger != external_trigger)
                or (no_backfills and r.run_type == "backfill")
                or (run_type is not None and r.run_type != str(getattr(run_type, "value", run_type)))
                or (execution_start_date is not None and when < as_utc(execution_start_date))
                or (execution_end_date is not None and when > as_utc(execution_end_date))
            ):
                continue
            out.append(r)
        return out
