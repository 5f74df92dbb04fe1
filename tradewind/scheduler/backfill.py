"""`dags backfill`: a run for every interval in a date range, executed by an in-process scheduler.

The runs are ordinary `backfill` runs in the database; the scheduler machinery (trigger rules,
retries, pools, max_active_runs, the local executor) runs them, limited to just these runs, and
the command returns when all of them have finished.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from tradewind.states import ACTIVE_RUN, FAILED_LIKE, DagRunType

if TYPE_CHECKING:
    from tradewind.sdk.dag import DAG
    from tradewind.store.records import DagRunRecord
    from tradewind.structure import DagStructure


def backfill_intervals(timetable: Any, start: datetime, end: datetime) -> list[Any]:
    """DagRunInfos whose logical date lies in [start, end], in order (catchup semantics)."""
    from tradewind.timetables.base import TimeRestriction

    restriction = TimeRestriction(earliest=start, latest=end, catchup=True)
    infos: list[Any] = []
    last = None
    while True:
        info = timetable.next_dagrun_info(last_automated_data_interval=last, restriction=restriction, now=end)
        if info is None or info.logical_date > end or (infos and info.logical_date <= infos[-1].logical_date):
            break
        infos.append(info)
        last = info.data_interval
    return infos


@dataclass(frozen=True)
class BackfillResult:
    """Every run in the range, in order, and which of them this backfill ran (created or re-ran)."""

    runs: list[DagRunRecord]
    ran: frozenset[str]

    @property
    def kept(self) -> list[DagRunRecord]:
        """Runs that existed already and were left as they were (no --rerun-failed-tasks / --reset-dagruns)."""
        return [r for r in self.runs if r.run_id not in self.ran]


def run_backfill(
    dag: DAG,
    start: datetime,
    end: datetime,
    *,
    rerun_failed: bool = False,
    reset_dagruns: bool = False,
    on_task_event: Any = None,
) -> BackfillResult:
    """Create the runs of every interval in range that has none, run them, and report every run in range.

    An existing run is left as it is unless still queued/running (it is finished), or, as with
    Airflow's flags, `reset_dagruns` clears all its task instances and `rerun_failed` its failed
    and upstream_failed ones (their retries restored; the run goes back to queued).
    """
    from tradewind.exceptions import UsageError
    from tradewind.scheduler.job import Scheduler
    from tradewind.scheduler.runs import create_run, sync_dag
    from tradewind.store import runs

    if end < start:
        raise UsageError("--end-date is before --start-date")
    dag.check_cycle()
    structure = sync_dag(dag)
    infos = backfill_intervals(dag.timetable, start, end)
    if not infos:
        raise UsageError(
            f"no schedule interval of {dag.dag_id} ({dag.schedule_summary}) has a logical date "
            f"between {start.isoformat()} and {end.isoformat()}"
        )
    dag_id = dag.dag_id
    keys: set[tuple[str, str]] = set()
    for info in infos:
        existing = runs.find_dag_run(dag_id, info.logical_date)
        if existing is not None:
            if reset_dagruns or rerun_failed:
                _clear_existing(existing, structure, only_failed=not reset_dagruns)
                existing = runs.get_dag_run(dag_id, existing.run_id) or existing
            if existing.state in ACTIVE_RUN:
                keys.add((dag_id, existing.run_id))
            continue
        run = create_run(structure, DagRunType.BACKFILL, info.logical_date, info.data_interval)
        keys.add((dag_id, run.run_id))
    if keys:
        Scheduler(only_runs=keys, parse_dags=False, create_runs=False, on_task_event=on_task_event).run()
    found = [r for r in (runs.find_dag_run(dag_id, info.logical_date) for info in infos) if r is not None]
    return BackfillResult(found, frozenset(run_id for _, run_id in keys))


def _clear_existing(run: DagRunRecord, structure: DagStructure, *, only_failed: bool) -> None:
    """As Airflow's --reset-dagruns (every task) / --rerun-failed-tasks (failed and upstream_failed ones):
    the run back to queued and those instances to none with their retries restored, in one transaction."""
    from tradewind.store import runs, task_instances

    chosen = sorted(
        {
            t.task_id
            for t in task_instances.list_task_instances(run.dag_id, run.run_id)
            if not only_failed or t.state in FAILED_LIKE
        }
    )
    if chosen:
        runs.clear_run(
            run.dag_id,
            run.run_id,
            chosen,
            expected={run.state},
            retries={t: structure.nodes[t].retries for t in chosen if t in structure.nodes},
            ti_states=FAILED_LIKE if only_failed else None,
        )
