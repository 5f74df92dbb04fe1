"""Data-aware scheduling: a task's outlets emit dataset events; DAGs scheduled on them get runs.

Works from the database and serialized DAGs only (no DAG file is imported). Delivery is
at-least-once: a run is created before its queue is cleared, so a crash in between can at
worst create one extra run, never lose an update.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from tradewind.runtime.outlets import emit_outlet_events as emit_outlet_events  # moved to the task's side
from tradewind.states import DagRunType

if TYPE_CHECKING:
    from tradewind.store.records import DagRunRecord

log = logging.getLogger(__name__)


def create_dataset_triggered_runs(now: datetime) -> list[DagRunRecord]:
    """Create a run for every DAG whose queued dataset updates satisfy its schedule; clear what it consumed.

    One query when nothing is queued (the common case), so the scheduler may call this at every wake-up.
    """
    from tradewind.store import datasets, locks
    from tradewind.store.engine import in_pass_transaction

    created: list[DagRunRecord] = []
    queued = datasets.queued_uris_by_dag()
    if queued and in_pass_transaction() is not None:
        # Several schedulers: only the one holding a DAG's row turns its queue into a run, and reads
        # the queue again once it holds it (another may have just consumed it).
        mine = locks.lock_dags(queued)
        queued = {d: uris for d, uris in datasets.queued_uris_by_dag().items() if d in mine}
    for dag_id, updated in sorted(queued.items()):
        try:
            run = _create_if_ready(dag_id, updated, now)
        except Exception:  # noqa: BLE001 - one broken DAG must not stop the others' runs
            log.exception("cannot create a dataset-triggered run of %s", dag_id)
            continue
        if run is not None:
            created.append(run)
    return created


def _create_if_ready(dag_id: str, updated: set[str], now: datetime) -> DagRunRecord | None:
    from tradewind.exceptions import DagRunAlreadyExists
    from tradewind.scheduler.runs import create_run
    from tradewind.store import dags, datasets, runs
    from tradewind.timetables.simple import DatasetTriggeredTimetable

    structure = dags.get_structure(dag_id)
    if structure is None:
        return None
    now = max(now, datetime.now(timezone.utc))  # an update queued after the caller's `now` belongs to this run
    timetable = structure.timetable()
    if not isinstance(timetable, DatasetTriggeredTimetable):
        return None
    resolved = datasets.resolve_aliases(timetable.alias_names)  # aliases stand for what they resolved to so far
    if not timetable.is_ready(updated, resolved):
        return None
    uris = timetable.resolved_uris(resolved)
    previous = runs.latest_run(dag_id, run_types=[DagRunType.DATASET_TRIGGERED.value])
    since = previous.logical_date if previous is not None else None
    events = datasets.events_between(uris, since=since, until=now)
    try:
        run = create_run(structure, DagRunType.DATASET_TRIGGERED, now, _data_interval(events, now))
    except DagRunAlreadyExists as exc:
        log.info("not creating a dataset-triggered run of %s: %s", dag_id, exc)
        return None
    datasets.consume_queue(
        dag_run_id=run.id,
        dag_id=dag_id,
        event_ids=[e.id for e, _, _ in events],
        uris=uris,
        until=now,
    )
    log.info("dataset-triggered run %s of %s (%d events)", run.run_id, dag_id, len(events))
    return run


def _data_interval(
    events: list[tuple[Any, datetime | None, datetime | None]], now: datetime
) -> tuple[datetime, datetime]:
    """Airflow's rule: from the earliest source run's interval start to the latest one's end (event times if none)."""
    if not events:
        return now, now
    starts = [start if start is not None else event.timestamp for event, start, _ in events]
    ends = [end if end is not None else event.timestamp for event, _, end in events]
    return min(starts), max(ends)
