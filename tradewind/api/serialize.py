"""Records as the JSON the REST API returns, with Airflow's field names where they fit."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime
from typing import Any

from tradewind.serialization import time_delta
from tradewind.store.records import (
    DagRecord,
    DagRunRecord,
    ImportErrorRecord,
    PoolRecord,
    TaskInstanceRecord,
    TaskTryRecord,
    VariableRecord,
    XComRecord,
    pick,
)


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _pick(record: Any, *names: str) -> dict[str, Any]:
    """The named attributes under their own names, timestamps as ISO 8601 text (the API's one rule for them)."""
    return {name: iso(v) if isinstance(v, datetime) else v for name, v in pick(record, *names).items()}


def signing_key() -> bytes:
    from tradewind.api.security import secret_key

    return hashlib.sha256(b"file-token\0" + secret_key().encode()).digest()


def file_token(fileloc: str | None, key: bytes | None = None) -> str:
    """Airflow's opaque token naming a DAG file (`/dagSources/{file_token}`): the path and its HMAC, so a
    token names only files the server listed (a plain HMAC: a page of 500 DAGs signs 500 paths)."""
    secret = key if key is not None else signing_key()
    path = (fileloc or "").encode()
    mac = hmac.new(secret, path, hashlib.sha256).digest()[:18]
    return base64.urlsafe_b64encode(path).decode().rstrip("=") + "." + base64.urlsafe_b64encode(mac).decode()


def read_file_token(token: str) -> str | None:
    encoded, _, mac = token.rpartition(".")
    try:
        path = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    return path if hmac.compare_digest(file_token(path).rpartition(".")[2], mac) else None


def dag(d: DagRecord, key: bytes | None = None) -> dict[str, Any]:
    """Airflow's DAG object (`key`: the file token's signing key, when the caller has it at hand)."""
    return {
        **_pick(d, "dag_id", "description", "fileloc", "is_paused", "is_active"),
        "dag_display_name": d.dag_display_name or d.dag_id,
        "file_token": file_token(d.fileloc, key),
        "is_subdag": False,
        "root_dag_id": None,
        "last_pickled": None,
        "last_expired": None,
        "scheduler_lock": None,
        "pickle_id": None,
        "has_task_concurrency_limits": bool(d.has_task_concurrency_limits),
        "max_consecutive_failed_dag_runs": 0,
        "owners": [o.strip() for o in (d.owners or "").split(",") if o.strip()],
        "tags": [{"name": t} for t in (d.tags or [])],
        # stored at parse time; a DAG not parsed since revision 0008 shows its summary as a cron expression
        "schedule_interval": d.schedule_interval
        if d.schedule_interval is not None or d.schedule_summary in (None, "None")
        else {"__type": "CronExpression", "value": d.schedule_summary},
        **_pick(
            d,
            "timetable_description",
            "max_active_runs",
            "max_active_tasks",
            "next_dagrun",
            "next_dagrun_data_interval_start",
            "next_dagrun_data_interval_end",
            "next_dagrun_create_after",
            "last_parsed_time",
            "has_import_errors",
            "default_view",
        ),
    }


def dag_detail(d: DagRecord, data: dict[str, Any] | None) -> dict[str, Any]:
    """Airflow's DAGDetail: the DAG plus what only its file says (timezone, catchup, params, doc…)."""
    info = data or {}
    return {
        **dag(d),
        "timezone": info.get("timezone") or "UTC",
        "catchup": info.get("catchup"),
        "orientation": "LR",
        "concurrency": d.max_active_tasks,
        "start_date": info.get("start_date"),
        "end_date": info.get("end_date"),
        "dag_run_timeout": time_delta(info.get("dagrun_timeout")),
        "dataset_expression": _dataset_expression(info),
        "doc_md": info.get("doc_md"),
        "is_paused_upon_creation": info.get("is_paused_upon_creation"),
        "last_parsed": iso(d.last_parsed_time),
        "params": _params(info.get("params")),
        "render_template_as_native_obj": bool(info.get("render_template_as_native_obj", False)),
        "template_search_path": info.get("template_searchpath"),
    }


def _dataset_expression(info: dict[str, Any]) -> dict[str, Any] | None:
    spec = info.get("timetable") or {}
    if spec.get("type") not in ("dataset", "dataset_or_time"):
        return None
    condition = spec.get("condition")
    if isinstance(condition, dict):
        return _airflow_expression(condition)
    uris = spec.get("datasets")
    return {"all": list(uris)} if uris else None


def _airflow_expression(condition: Any) -> Any:
    """Airflow's shape of a condition: an alias is `{"alias": name}` (Tradewind keeps `{"alias": [name]}`)."""
    if not isinstance(condition, dict):
        return condition
    ((key, items),) = condition.items()
    if key == "alias":
        return {"alias": items[0]}
    return {key: [_airflow_expression(item) for item in items]}


def _params(params: Any) -> dict[str, Any]:
    """Airflow's shape of a DAG's params: name → {"__class": "airflow.models.param.Param", value, schema…}."""
    out: dict[str, Any] = {}
    for name, spec in (params or {}).items():
        if isinstance(spec, dict) and "value" in spec:
            out[name] = {"__class": "airflow.models.param.Param", **spec}
        else:
            out[name] = {"__class": "airflow.models.param.Param", "value": spec, "description": None, "schema": {}}
    return out


def task(t: dict[str, Any]) -> dict[str, Any]:
    """Airflow's Task from one serialized task."""
    operator = str(t.get("operator") or "BaseOperator")
    return {
        "class_ref": {"class_name": operator, "module_path": t.get("operator_module") or "tradewind.operators"},
        "task_id": t["task_id"],
        "task_display_name": t.get("task_display_name") or t["task_id"],
        "owner": t.get("owner") or "airflow",
        "start_date": t.get("start_date"),
        "end_date": t.get("end_date"),
        "trigger_rule": t.get("trigger_rule") or "all_success",
        "extra_links": [],
        "depends_on_past": bool(t.get("depends_on_past")),
        "is_mapped": bool(t.get("is_mapped")),
        "wait_for_downstream": bool(t.get("wait_for_downstream")),
        "retries": float(t.get("retries") or 0),
        "queue": t.get("queue"),
        "executor": None,
        "pool": t.get("pool") or "default_pool",
        "pool_slots": float(t.get("pool_slots") or 1),
        "execution_timeout": time_delta(t.get("execution_timeout")),
        "retry_delay": time_delta(t.get("retry_delay")),
        "retry_exponential_backoff": bool(t.get("retry_exponential_backoff")),
        "priority_weight": float(t.get("priority_weight") or 1),
        "weight_rule": "downstream",
        "ui_color": _color(t.get("ui_color"), "#fff"),
        "ui_fgcolor": _color(t.get("ui_fgcolor"), "#000"),
        "template_fields": list(t.get("template_fields") or []),
        "downstream_task_ids": list(t.get("downstream") or []),
        "doc_md": t.get("doc_md"),
    }


def _color(value: Any, default: str) -> str:
    import re

    return value if isinstance(value, str) and re.fullmatch(r"#[a-fA-F0-9]{3,6}", value) else default


def dag_run(r: DagRunRecord) -> dict[str, Any]:
    return {
        "dag_id": r.dag_id,
        "dag_run_id": r.run_id,
        "logical_date": iso(r.logical_date),
        "execution_date": iso(r.logical_date),
        **_pick(r, "data_interval_start", "data_interval_end", "run_type", "state"),
        "conf": r.conf or {},
        **_pick(r, "external_trigger", "queued_at", "start_date", "end_date", "note", "last_scheduling_decision"),
    }


def basic_dag_run(r: DagRunRecord) -> dict[str, Any]:
    return {
        "run_id": r.run_id,
        "dag_id": r.dag_id,
        "logical_date": iso(r.logical_date),
        **_pick(r, "start_date", "end_date", "state", "data_interval_start", "data_interval_end"),
    }


def task_instance(t: TaskInstanceRecord, logical_date: datetime | None = None) -> dict[str, Any]:
    """Airflow's TaskInstance (`state` null for Tradewind's `none`, as Airflow's column is NULL then)."""
    return {
        "dag_id": t.dag_id,
        "dag_run_id": t.run_id,
        "task_display_name": t.task_id,
        **_pick(
            t,
            "task_id",
            "map_index",
            "try_number",
            "max_tries",
            "start_date",
            "end_date",
            "duration",
            "pid",
            "operator",
            "pool",
            "pool_slots",
            "queue",
            "priority_weight",
            "note",
        ),
        "state": None if t.state == "none" else t.state,
        "hostname": t.hostname or "",
        "unixname": _unixname(),
        "executor": None,
        "executor_config": "{}",
        "queued_when": iso(t.queued_dttm),
        "next_retry_at": iso(t.next_retry_at),
        "rendered_fields": _jsonable(t.rendered_fields or {}),
        "rendered_map_index": str(t.map_index) if t.map_index >= 0 else None,
        "sla_miss": None,
        "trigger": None,
        "triggerer_job": None,
        "execution_date": iso(logical_date),
    }


def _unixname() -> str:
    from tradewind.actions.audit import os_user

    return os_user()


def _jsonable(value: Any) -> Any:
    import json

    from tradewind.cli.output import _jsonable as convert

    return json.loads(json.dumps(value, default=convert))


def task_try(t: TaskTryRecord, current: TaskInstanceRecord, logical_date: datetime | None) -> dict[str, Any]:
    """A past try as Airflow's TaskInstance (its task instance's fields, the try's own dates and state)."""
    out = task_instance(current, logical_date)
    out.update(_pick(t, "try_number", "start_date", "end_date", "duration", "pid"))
    out.update({"state": None if t.state == "none" else t.state, "hostname": t.hostname or ""})
    return out


def ti_reference(t: TaskInstanceRecord, logical_date: datetime | None) -> dict[str, Any]:
    return {"task_id": t.task_id, "dag_id": t.dag_id, "execution_date": iso(logical_date), "dag_run_id": t.run_id}


def xcom(
    x: XComRecord, logical_date: datetime | None = None, *, with_value: bool = True, stringify: bool = False
) -> dict[str, Any]:
    """Airflow's XCom entry; with `stringify` (Airflow's default) the value is its text form."""
    out: dict[str, Any] = {
        "dag_id": x.dag_id,
        "dag_run_id": x.run_id,
        "execution_date": iso(logical_date),
        **_pick(x, "task_id", "map_index", "key", "timestamp"),
    }
    if with_value:
        value = _jsonable(x.value)
        out["value"] = str(value) if stringify and not isinstance(value, str) else value
    return out


def xcom_item(row: Any) -> dict[str, Any]:
    """Airflow's XComCollectionItem from a row of `api_queries.xcom_entries` (no value: the list never has it)."""
    return {
        "dag_id": row.dag_id,
        "dag_run_id": row.run_id,
        "execution_date": iso(row.logical_date),
        **_pick(row, "task_id", "map_index", "key", "timestamp"),
    }


def variable(v: VariableRecord, *, with_value: bool = True) -> dict[str, Any]:
    """A variable whose key looks like a secret (`*password*`, `*token*`…) shows `***`, as on its UI page."""
    from tradewind.secrets.masker import MASK, should_hide_value_for_key

    out: dict[str, Any] = {"key": v.key, "description": v.description}
    if with_value:
        out["value"] = MASK if v.val and should_hide_value_for_key(v.key) else v.val
    return out


def pool(p: PoolRecord, occupied: dict[str, int] | None = None) -> dict[str, Any]:
    """Airflow's Pool: slots in use by state, and what is left (-1 slots: unlimited, open_slots -1)."""
    used = occupied or {}
    counts = {s: int(used.get(s, 0)) for s in ("running", "queued", "scheduled", "deferred")}
    occupied_slots = counts["running"] + counts["queued"] + (counts["deferred"] if p.include_deferred else 0)
    return {
        "name": p.pool,
        "slots": p.slots,
        "description": p.description,
        "include_deferred": p.include_deferred,
        "occupied_slots": occupied_slots,
        "running_slots": counts["running"],
        "queued_slots": counts["queued"],
        "scheduled_slots": counts["scheduled"],
        "deferred_slots": counts["deferred"],
        "open_slots": -1 if p.slots < 0 else max(p.slots - occupied_slots, 0),
    }


def import_error(e: ImportErrorRecord) -> dict[str, Any]:
    return {
        "import_error_id": e.id,
        **_pick(e, "filename", "lineno"),
        "stack_trace": e.stacktrace or e.message or "",
        **_pick(e, "message", "timestamp"),
    }


def event_log(e: Any) -> dict[str, Any]:
    """Airflow's EventLog (the `log` table's row)."""
    return {
        "event_log_id": e.id,
        "when": iso(e.dttm),
        **_pick(e, "dag_id", "task_id", "run_id", "map_index", "try_number", "event", "owner", "extra"),
        "execution_date": iso(e.execution_date),
        "owner_display_name": e.owner_display_name,
    }


def dataset_event(row: Any, created: list[DagRunRecord] | None = None) -> dict[str, Any]:
    return {
        "id": row.id,
        "dataset_id": row.dataset_id,
        "dataset_uri": row.uri,
        "extra": row.extra or {},
        "source_dag_id": row.source_dag_id,
        "source_task_id": row.source_task_id,
        "source_run_id": row.source_run_id,
        "source_map_index": row.source_map_index if row.source_map_index is not None else -1,
        "created_dagruns": [basic_dag_run(r) for r in created or []],
        "timestamp": iso(row.timestamp),
    }


def user(u: Any) -> dict[str, Any]:
    return {
        **_pick(u, "username", "first_name", "last_name", "email"),
        "roles": [{"name": r} for r in u.roles],
        **_pick(u, "active", "created_on", "changed_on", "last_login", "login_count"),
        "failed_login_count": u.fail_login_count,
    }


def connection(c: Any) -> dict[str, Any]:
    """Never the password (write-only through the API and the UI), and extra's secret-looking fields as `***`."""
    return {
        "connection_id": c.conn_id,
        **_pick(c, "conn_type", "description", "host", "login", "schema", "port"),
        "extra": _redacted_extra(c.extra),
    }


def _redacted_extra(extra: str | None) -> str | None:
    import json

    from tradewind.secrets.masker import redact

    try:
        data = json.loads(extra) if extra else None
    except (ValueError, RecursionError):
        return extra
    if not isinstance(data, dict):
        return extra
    hidden = redact(data)
    return extra if hidden == data else json.dumps(hidden)
