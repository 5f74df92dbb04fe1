"""Create the runs timetables ask for: scheduled runs (catchup, max_active_runs) and dataset runs."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from tradewind.scheduler.dag_cache import DagCache, DagInfo
from tradewind.states import DagRunType

log = logging.getLogger(__name__)

_UNSET: Any = object()


class RunCreator:
    """Remembers each DAG's next run (also written to the `dag` table for the UI and CLI)."""

    def __init__(self, cache: DagCache) -> None:
        self.cache = cache
        self._next: dict[str, Any] = {}  # dag_id -> DagRunInfo | None

    def forget(self, dag_ids: set[str]) -> None:
        for dag_id in dag_ids:
            self._next.pop(dag_id, None)

    def create_due_runs(self, now: datetime) -> tuple[list[Any], datetime | None]:
        """Create every run that is due now (as far as max_active_runs allows).

        Returns the created runs and when the next one falls due (None: nothing planned).
        """
        from tradewind.store import dags, locks, runs
        from tradewind.store.engine import in_pass_transaction

        created: list[Any] = []
        wake: datetime | None = None
        records = [d for d in dags.list_dags(active_only=True) if not d.is_paused]
        if in_pass_transaction() is not None and records:
            # Several schedulers: create only for the DAGs whose row we lock, from what the database says now.
            mine = locks.lock_dags(d.dag_id for d in records)
            records = [d for d in dags.list_dags(active_only=True) if d.dag_id in mine and not d.is_paused]
            for record in records:
                self._forget_if_moved(record)
        active = runs.active_run_counts([d.dag_id for d in records]) if records else {}
        for record in records:
            info = self.cache.get(record.dag_id)
            if info is None:
                continue
            room = info.structure.max_active_runs - active.get(record.dag_id, 0)
            while True:
                nxt = self._planned(info, now)
                if nxt is None:
                    break
                if nxt.run_after > now:
                    wake = nxt.run_after if wake is None else min(wake, nxt.run_after)
                    break
                if room <= 0:
                    break  # a finishing run frees room; the scheduler re-checks then
                run = self._create(info, nxt)
                if run is not None:
                    created.append(run)
                    room -= 1
                self._compute(info, nxt.data_interval, now)
        return created, wake

    def _forget_if_moved(self, record: Any) -> None:
        """Another scheduler created runs of this DAG (its next run in the database moved): re-read it."""
        nxt = self._next.get(record.dag_id, _UNSET)
        if nxt is _UNSET:
            return
        if (nxt.logical_date if nxt is not None else None) != record.next_dagrun:
            del self._next[record.dag_id]

    def _planned(self, info: DagInfo, now: datetime) -> Any:
        nxt = self._next.get(info.dag_id, _UNSET)
        if nxt is _UNSET:
            from tradewind.store import runs
            from tradewind.timetables.base import DataInterval

            last = runs.latest_run(info.dag_id, run_types=[DagRunType.SCHEDULED.value, DagRunType.BACKFILL.value])
            last_interval = (
                DataInterval(last.data_interval_start, last.data_interval_end)
                if last is not None and last.data_interval_start is not None and last.data_interval_end is not None
                else None
            )
            nxt = self._compute(info, last_interval, now)
        return nxt

    def _compute(self, info: DagInfo, last_interval: Any, now: datetime) -> Any:
        from tradewind.store import dags
        from tradewind.timetables.base import TimeRestriction

        restriction = TimeRestriction(earliest=info.start_date, latest=info.end_date, catchup=info.catchup)
        nxt = info.timetable.next_dagrun_info(
            last_automated_data_interval=last_interval, restriction=restriction, now=now
        )
        self._next[info.dag_id] = nxt
        dags.set_next_dagrun(
            info.dag_id,
            next_dagrun=nxt.logical_date if nxt is not None else None,
            data_interval=(nxt.data_interval.start, nxt.data_interval.end) if nxt is not None else None,
            create_after=nxt.run_after if nxt is not None else None,
        )
        return nxt

    def _create(self, info: DagInfo, nxt: Any) -> Any:
        from tradewind.exceptions import DagRunAlreadyExists
        from tradewind.scheduler.runs import create_run

        try:
            return create_run(info.structure, DagRunType.SCHEDULED, nxt.logical_date, nxt.data_interval)
        except DagRunAlreadyExists as exc:
            log.info("not creating a scheduled run of %s: %s", info.dag_id, exc)
            return None


def create_dataset_runs(now: datetime) -> list[Any]:
    """Runs of DAGs scheduled on datasets whose events arrived (if data-aware scheduling is present)."""
    try:
        from tradewind.scheduler.datasets import create_dataset_triggered_runs
    except ImportError:
        return []
    return list(create_dataset_triggered_runs(now))
