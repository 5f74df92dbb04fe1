"""Creating DAG runs: run ids, data intervals, param validation, the initial task instances."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from tradewind.states import DagRunState, DagRunType

if TYPE_CHECKING:
    from tradewind.sdk.dag import DAG
    from tradewind.store.records import DagRunRecord
    from tradewind.structure import DagStructure


def make_run_id(run_type: DagRunType | str, logical_date: datetime) -> str:
    """Airflow's format: `manual__2024-03-05T00:00:00+00:00`."""
    return f"{DagRunType(run_type).value}__{logical_date.isoformat()}"


def sync_dag(dag: DAG) -> DagStructure:
    """Write the DAG (and its serialized form) to the database; return what the planner needs."""
    from tradewind.config import conf
    from tradewind.serialization import dag_hash, dag_row, serialize_dag
    from tradewind.store import dags
    from tradewind.structure import DagStructure

    data = serialize_dag(dag)
    paused = dag.is_paused_upon_creation
    if paused is None:
        paused = conf.getboolean("core", "dags_are_paused_at_creation")
    dags.sync_dag(dag_row(dag, data), data, dag_hash(data), paused_at_creation=paused)
    return DagStructure.from_serialized(data)


def create_manual_run(
    dag: DAG,
    structure: DagStructure,
    *,
    logical_date: datetime,
    conf: dict[str, Any] | None = None,
    run_id: str | None = None,
    run_type: DagRunType = DagRunType.MANUAL,
    state: DagRunState = DagRunState.QUEUED,
) -> DagRunRecord:
    """A triggered/test run: interval inferred from the logical date, params validated first."""
    dag.params.validate(conf or {})  # bad conf fails here, before anything is written
    interval = dag.infer_manual_data_interval(logical_date)
    return create_run(
        structure,
        run_type,
        logical_date,
        interval,
        run_id=run_id,
        conf=conf,
        state=state,
        external_trigger=False,  # as Airflow's `dags test`: LatestOnlyOperator and next_ds follow the schedule
    )


def create_run(
    structure: DagStructure,
    run_type: DagRunType,
    logical_date: datetime,
    data_interval: tuple[datetime, datetime],
    *,
    run_id: str | None = None,
    conf: dict[str, Any] | None = None,
    state: DagRunState = DagRunState.QUEUED,
    external_trigger: bool = False,
    note: str | None = None,
) -> DagRunRecord:
    """A new run of `structure` with all its task instances, named as Airflow does unless `run_id` is given.

    Raises DagRunAlreadyExists if the run id or the logical date is taken.
    """
    from tradewind.store import runs

    return runs.create_dag_run(
        dag_id=structure.dag_id,
        run_id=run_id or make_run_id(run_type, logical_date),
        logical_date=logical_date,
        data_interval=(data_interval[0], data_interval[1]),
        run_type=run_type.value,
        conf=conf or {},
        state=state.value,
        external_trigger=external_trigger,
        task_instances=structure.initial_task_instances(),
        note=note,
    )
