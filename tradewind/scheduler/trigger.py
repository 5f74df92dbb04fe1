"""Trigger a DAG run from what the database knows of the DAG, without importing its file.

The CLI (`dags trigger`), the REST API and the web UI (through `actions.runs.trigger`, which checks
the run_id) and `TriggerDagRunOperator` all come here, so a triggered run is validated and shaped the
same way everywhere. The run is created `queued`; the scheduler starts it.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from tradewind.exceptions import DagNotFound
from tradewind.states import DagRunState, DagRunType

if TYPE_CHECKING:
    from tradewind.store.records import DagRunRecord


def trigger_dag(
    dag_id: str,
    *,
    conf: dict[str, Any] | None = None,
    run_id: str | None = None,
    logical_date: datetime | None = None,
    run_type: DagRunType = DagRunType.MANUAL,
    state: DagRunState = DagRunState.QUEUED,
    note: str | None = None,
) -> DagRunRecord:
    """Create a queued run; raises DagNotFound, ParamValidationError or DagRunAlreadyExists."""
    from tradewind.scheduler.runs import create_run
    from tradewind.scheduler.wakeup import CHANGED, QUEUED, notify
    from tradewind.store import dags
    from tradewind.timetables.base import as_utc

    structure = dags.get_structure(dag_id)
    if structure is None:
        raise DagNotFound(
            f"DAG '{dag_id}' is not in the database: is its file in the DAGs folder and free of import errors?"
        )
    conf = dict(conf or {})
    structure.params_dict().validate(conf)  # bad conf fails before anything is written
    when = logical_date or datetime.now(timezone.utc)
    when = as_utc(when)
    interval = structure.timetable().infer_manual_data_interval(run_after=when)
    run = create_run(
        structure,
        DagRunType(run_type),
        when,
        interval,
        run_id=run_id,
        conf=conf,
        state=DagRunState(state),
        external_trigger=True,
        note=note,
    )
    notify(QUEUED if run.state == DagRunState.QUEUED else CHANGED)  # a sleeping scheduler starts it now
    return run
