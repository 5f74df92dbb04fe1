"""A DAG as plain JSON: what the database stores and what the scheduler plans from.

The scheduler never imports user code; everything it needs to decide (edges, trigger rules,
retries, pools, mapping inputs) is in this document. Task *execution* still needs the DAG file.
"""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tradewind.sdk.baseoperator import BaseOperator
    from tradewind.sdk.dag import DAG
    from tradewind.sdk.taskgroup import TaskGroup

FORMAT_VERSION = 1


def _seconds(value: timedelta | None) -> float | None:
    return None if value is None else value.total_seconds()


def _iso(value: Any) -> str | None:
    return None if value is None else value.isoformat()


def priority_weights(dag: DAG) -> dict[str, int]:
    """Effective priority per task, by each task's weight_rule (Airflow's downstream/upstream/absolute)."""
    weights: dict[str, int] = {}
    for tid, task in dag.task_dict.items():
        if task.weight_rule == "absolute":
            weights[tid] = task.priority_weight
        else:
            relatives = dag.get_relatives(tid, upstream=task.weight_rule == "upstream")
            weights[tid] = task.priority_weight + sum(dag.task_dict[r].priority_weight for r in relatives)
    return weights


def _expand_spec(task: Any) -> dict[str, Any] | None:
    """How many copies a mapped task gets: literal lengths, or the XComs that decide it."""
    from tradewind.sdk.mapped import expander

    mapping = expander(task)
    if mapping is None:
        return None
    from tradewind.sdk.xcom_arg import NOTSET, XComArg, ZipXComArg

    def one(value: Any) -> dict[str, Any]:
        if isinstance(value, ZipXComArg):
            return {"zip": [one(a) for a in value.args], "longest": value.fillvalue is not NOTSET}
        if isinstance(value, XComArg):  # also a MapXComArg: as long as the XCom it reads
            return {"xcom": {"task_id": value.operator.task_id, "key": value.key}}
        return {"length": len(value)}

    if mapping.expand_mode == "list":
        return {"mode": "list", "input": one(mapping.expand_input)}
    return {"mode": "product", "inputs": {name: one(v) for name, v in mapping.expand_input.items()}}


def serialize_task(task: BaseOperator, weight: int) -> dict[str, Any]:
    return {
        "task_id": task.task_id,
        "operator": task.operator_name,
        "operator_module": type(task).__module__,  # the REST API's class_ref
        "task_display_name": getattr(task, "task_display_name", task.task_id),
        "upstream": sorted(task.upstream_task_ids),
        "downstream": sorted(task.downstream_task_ids),
        "trigger_rule": task.trigger_rule,
        "retries": task.retries,
        "retry_delay": _seconds(task.retry_delay),
        "retry_exponential_backoff": task.retry_exponential_backoff,
        "max_retry_delay": _seconds(task.max_retry_delay),
        "execution_timeout": _seconds(task.execution_timeout),
        "depends_on_past": task.depends_on_past,
        "wait_for_downstream": task.wait_for_downstream,
        "pool": task.pool,
        "pool_slots": task.pool_slots,
        "queue": task.queue,
        "priority_weight": weight,
        "max_active_tis_per_dag": task.max_active_tis_per_dag,
        "max_active_tis_per_dagrun": task.max_active_tis_per_dagrun,
        "owner": task.owner,
        "email": task.email if isinstance(task.email, (str, type(None))) else list(task.email),
        "email_on_failure": task.email_on_failure,
        "email_on_retry": task.email_on_retry,
        "task_group": task.task_group.group_id if task.task_group is not None else None,
        "template_fields": list(task.template_fields),
        "ui_color": task.ui_color,
        "doc_md": task.doc_md,
        "start_date": _iso(task.start_date),
        "end_date": _iso(task.end_date),
        "is_mapped": bool(getattr(task, "is_mapped", False)),
        "mapped_group": _mapped_group_id(task),
        "expand": _expand_spec(task),
        "outlets": _outlet_uris(task),
        "is_setup": task.is_setup,
        "is_teardown": task.is_teardown,
        "on_failure_fail_dagrun": task.on_failure_fail_dagrun,
    }


def _mapped_group_id(task: Any) -> str | None:
    """The id of the mapped task group the task is in (its instances pair with the group's)."""
    group = getattr(task, "mapped_task_group", None)
    return None if group is None else group.group_id


def _outlet_uris(task: Any) -> list[str]:
    """URIs of the datasets a task updates when it succeeds (the scheduler's dataset references)."""
    from tradewind.datasets import outlet_datasets

    return [d.uri for d in outlet_datasets(getattr(task, "outlets", None) or [])]


def _serialize_group(group: TaskGroup) -> dict[str, Any]:
    from tradewind.sdk.taskgroup import TaskGroup

    children: list[Any] = []
    for child in group.children.values():
        if isinstance(child, TaskGroup):
            children.append(_serialize_group(child))
        else:
            children.append(child.task_id)
    return {"group_id": group.group_id, "tooltip": group.tooltip, "ui_color": group.ui_color, "children": children}


def serialize_dag(dag: DAG) -> dict[str, Any]:
    weights = priority_weights(dag)
    order = [t.task_id for t in dag.topological_sort()]
    return {
        "format": FORMAT_VERSION,
        "dag_id": dag.dag_id,
        "fileloc": dag.fileloc,
        "description": dag.description,
        "doc_md": dag.doc_md,
        "schedule": _schedule_repr(dag.schedule),
        "timetable": dag.timetable.serialize(),
        "timetable_summary": dag.timetable.summary,
        "timezone": str(dag.timezone),
        "start_date": _iso(dag.start_date),
        "end_date": _iso(dag.end_date),
        "catchup": dag.catchup,
        "tags": dag.tags,
        "owner": dag.owner,
        "max_active_runs": dag.max_active_runs,
        "max_active_tasks": dag.max_active_tasks,
        "dagrun_timeout": _seconds(dag.dagrun_timeout),
        "is_paused_upon_creation": dag.is_paused_upon_creation,
        "default_view": dag.default_view,
        "has_dag_callbacks": bool(dag.on_success_callback or dag.on_failure_callback),
        "params": _json_safe(dag.params.dump()),
        "edge_info": [[u, d, info] for (u, d), info in sorted(dag.edge_info.items())],
        "task_group": _serialize_group(dag.task_group),
        "tasks": [serialize_task(dag.task_dict[tid], weights[tid]) for tid in order],
    }


def _schedule_repr(schedule: Any) -> Any:
    if schedule is None or isinstance(schedule, str):
        return schedule
    if isinstance(schedule, timedelta):
        return {"timedelta_seconds": schedule.total_seconds()}
    return repr(schedule)


def _json_safe(value: Any) -> Any:
    return json.loads(json.dumps(value, default=repr))


def dag_hash(data: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=repr).encode()).hexdigest()


# --- what Airflow's REST API shows -------------------------------------------------------------
def time_delta(seconds: float | None) -> dict[str, Any] | None:
    """Airflow's TimeDelta object: {"__type": "TimeDelta", days, seconds, microseconds}."""
    if seconds is None:
        return None
    from datetime import timedelta

    d = timedelta(seconds=seconds)
    return {"__type": "TimeDelta", "days": d.days, "seconds": d.seconds, "microseconds": d.microseconds}


_RELATIVE = ("years", "months", "days", "leapdays", "hours", "minutes", "seconds", "microseconds")
_ABSOLUTE = ("year", "month", "day", "hour", "minute", "second", "microsecond")


def airflow_schedule(data: dict[str, Any] | None, summary: str | None) -> dict[str, Any] | None:
    """The DAG's schedule as Airflow's API shows it: a CronExpression (cron or preset, or a timetable's
    summary), a TimeDelta or a RelativeDelta object; None for no schedule."""
    spec = (data or {}).get("timetable") or {}
    kind = spec.get("type")
    if kind == "null" or (data is None and summary in (None, "None")):
        return None
    if kind == "delta_data_interval":
        delta = spec.get("delta")
        if not isinstance(delta, dict):
            return time_delta(float(delta or 0))
        out: dict[str, Any] = {"__type": "RelativeDelta"}
        out.update({k: int(delta.get(k) or 0) for k in (*_RELATIVE, *_ABSOLUTE)})
        return out
    if kind in ("dataset", "dataset_or_time"):
        return {"__type": "CronExpression", "value": "Dataset"}
    written = (data or {}).get("schedule")
    value = written if isinstance(written, str) else summary
    return {"__type": "CronExpression", "value": value or ""}


def dag_row(dag: DAG, data: dict[str, Any]) -> dict[str, Any]:
    """The `dag` table's columns for this DAG."""
    return {
        "dag_id": dag.dag_id,
        "fileloc": dag.fileloc,
        "description": dag.description,
        "schedule_summary": dag.schedule_summary,
        "timetable_description": getattr(dag.timetable, "description", data["timetable_summary"]),
        "owners": dag.owner,
        "tags": dag.tags,
        "max_active_runs": dag.max_active_runs,
        "max_active_tasks": dag.max_active_tasks,
        "default_view": dag.default_view,
        "schedule_interval": airflow_schedule(data, dag.schedule_summary),
        "has_task_concurrency_limits": any(
            t.get("max_active_tis_per_dag") or t.get("max_active_tis_per_dagrun") for t in data.get("tasks", [])
        ),
        "dag_display_name": dag.dag_display_name,
    }
