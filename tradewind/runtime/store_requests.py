"""Answers a task's requests (protocol.py) from the store: the one runtime module that speaks to it.

A supervisor calls `answer` for each request its task's process sends; an in-process run
(`dags test`, `tasks test`, `python my_dag.py`) calls it directly through `comms.DirectClient`.
Either way a task sees the same answers. `TaskResult` is not answered here: storing a result
is the supervisor's (or the in-process runner's) own step.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tradewind.runtime import protocol as p


def answer(request: Any) -> Any:
    """The value the task asked for (None for a request that only does something); raises what the store raises."""
    handler = _HANDLERS.get(type(request))
    if handler is None:
        raise p.ProtocolError(f"{type(request).__name__} is not a request a task can make")
    return handler(request)


def _get_xcom(r: p.GetXCom) -> Any:
    from tradewind.store import xcom

    indexes = list(r.map_indexes) if r.map_indexes is not None else None
    return xcom.pull(r.dag_id, r.run_id, list(r.task_ids), key=r.key, map_indexes=indexes)


def _set_xcom(r: p.SetXCom) -> None:
    from tradewind.store import xcom

    xcom.push(r.dag_id, r.run_id, r.task_id, r.map_index, r.key, r.value)


def _get_variable(r: p.GetVariable) -> str | None:
    from tradewind.store.migrate import ensure_ready
    from tradewind.store.variables import get_variable

    ensure_ready()
    return get_variable(r.key)


def _set_variable(r: p.SetVariable) -> None:
    from tradewind.store.migrate import ensure_ready
    from tradewind.store.variables import get_variable_record, set_variable

    ensure_ready()
    description = r.description
    if r.keep_description:
        record = get_variable_record(r.key)
        description = record.description if record is not None else None
    set_variable(r.key, r.value, description)


def _delete_variable(r: p.DeleteVariable) -> int:
    from tradewind.store.migrate import ensure_ready
    from tradewind.store.variables import delete_variable

    ensure_ready()
    return 1 if delete_variable(r.key) else 0


def _get_connection(r: p.GetConnection) -> Any:
    from tradewind.store.connections import get_connection
    from tradewind.store.migrate import ensure_ready

    ensure_ready()
    return get_connection(r.conn_id)


def _prev_successful_run(r: p.GetPrevSuccessfulRun) -> Any:
    from tradewind.states import DagRunState
    from tradewind.store.runs import previous_run

    return previous_run(r.dag_id, r.logical_date, state=DagRunState.SUCCESS)


def _triggering_events(r: p.GetTriggeringEvents) -> Any:
    from tradewind.store.datasets import triggering_events

    return triggering_events(r.dag_run_pk)


def _dataset_events_of(r: p.GetDatasetEvents) -> Any:
    from tradewind.store.datasets import list_events

    return list(list_events(r.uri))


def _alias_events_of(r: p.GetDatasetAliasEvents) -> Any:
    from tradewind.store.datasets import list_alias_events

    return list(list_alias_events(r.name))


def _first_poke(r: p.GetFirstPoke) -> Any:
    from tradewind.store import reschedules

    return reschedules.first_poke(r.dag_id, r.run_id, r.task_id, r.map_index, min_try_number=r.min_try_number)


def _get_dag_run(r: p.GetDagRun) -> Any:
    from tradewind.store import runs

    return runs.get_dag_run(r.dag_id, r.run_id)


def _find_dag_run(r: p.FindDagRun) -> Any:
    from tradewind.store import runs

    return runs.find_dag_run(r.dag_id, r.logical_date)


def _task_states(r: p.GetTaskStates) -> list[tuple[str, int, str]]:
    from tradewind.store import task_instances

    return [(ti.task_id, ti.map_index, ti.state) for ti in task_instances.list_task_instances(r.dag_id, r.run_id)]


def _serialized_dag(r: p.GetSerializedDag) -> Any:
    from tradewind.store import dags

    return dags.get_serialized(r.dag_id)


def _trigger_dag_run(r: p.TriggerDagRun) -> Any:
    from tradewind.scheduler.trigger import trigger_dag

    return trigger_dag(r.dag_id, conf=r.conf, run_id=r.run_id, logical_date=r.logical_date)


def _clear_dag_run(r: p.ClearDagRun) -> None:
    from tradewind.actions.runs import clear

    clear(r.dag_id, r.run_id)


def _skip_tasks(r: p.SkipTasks) -> None:
    from tradewind.states import TaskState
    from tradewind.store import task_instances

    skipped, own = set(r.task_ids), set(r.group_task_ids)
    if own:
        _expand_group_members(r.dag_id, r.run_id, own, r.group_length)
    decisions = {
        (ti.task_id, ti.map_index): TaskState.SKIPPED
        for ti in task_instances.list_task_instances(r.dag_id, r.run_id)
        if ti.task_id in skipped and (ti.task_id not in own or ti.map_index == r.map_index)
    }
    if decisions:
        task_instances.settle_waiting(r.dag_id, r.run_id, decisions)


def _expand_group_members(dag_id: str, run_id: str, task_ids: set[str], length: int) -> None:
    """Expand (now, once) group tasks still waiting unexpanded, so that one index can be skipped:
    as many instances as the group has (the scheduler's expansion, guarded the same way)."""
    from tradewind.scheduler.expansion import expand_task
    from tradewind.store import dags, task_instances

    waiting = {
        t.task_id
        for t in task_instances.list_task_instances(dag_id, run_id)
        if t.task_id in task_ids and t.map_index < 0
    }
    structure = dags.get_structure(dag_id) if waiting else None
    if structure is None:
        return
    for task_id in sorted(waiting):
        expand_task(dag_id, run_id, structure.nodes[task_id], length)


def _dataset_events(r: p.RecordDatasetEvents) -> None:
    from tradewind.scheduler.wakeup import notify
    from tradewind.store.datasets import record_events

    record_events(
        dag_id=r.dag_id,
        run_id=r.run_id,
        task_id=r.task_id,
        map_index=r.map_index,
        outlets=r.outlets,
        aliases=r.aliases,
    )
    notify()  # a waiting consumer DAG starts now, not at the scheduler's next sweep


_HANDLERS: dict[type, Callable[[Any], Any]] = {
    p.GetXCom: _get_xcom,
    p.SetXCom: _set_xcom,
    p.GetVariable: _get_variable,
    p.SetVariable: _set_variable,
    p.DeleteVariable: _delete_variable,
    p.GetConnection: _get_connection,
    p.GetPrevSuccessfulRun: _prev_successful_run,
    p.GetTriggeringEvents: _triggering_events,
    p.GetDatasetEvents: _dataset_events_of,
    p.GetDatasetAliasEvents: _alias_events_of,
    p.GetFirstPoke: _first_poke,
    p.GetDagRun: _get_dag_run,
    p.FindDagRun: _find_dag_run,
    p.GetTaskStates: _task_states,
    p.GetSerializedDag: _serialized_dag,
    p.TriggerDagRun: _trigger_dag_run,
    p.ClearDagRun: _clear_dag_run,
    p.SkipTasks: _skip_tasks,
    p.RecordDatasetEvents: _dataset_events,
}
