"""Records as the JSON the REST API returns, with Airflow's field names where they fit."""

from __future__ import annotations

from datetime import datetime
from typing import Any

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


def dag(d: DagRecord) -> dict[str, Any]:
    return {
        **_pick(d, "dag_id", "description", "fileloc", "is_paused", "is_active"),
        "owners": [o.strip() for o in (d.owners or "").split(",") if o.strip()],
        "tags": [{"name": t} for t in (d.tags or [])],
        "schedule_interval": d.schedule_summary,
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


def task_instance(t: TaskInstanceRecord, logical_date: datetime | None = None) -> dict[str, Any]:
    return {
        "dag_id": t.dag_id,
        "dag_run_id": t.run_id,
        **_pick(
            t,
            "task_id",
            "map_index",
            "state",
            "try_number",
            "max_tries",
            "start_date",
            "end_date",
            "duration",
            "hostname",
            "pid",
            "operator",
            "pool",
            "pool_slots",
            "queue",
            "priority_weight",
        ),
        "queued_when": iso(t.queued_dttm),
        "next_retry_at": iso(t.next_retry_at),
        "rendered_fields": t.rendered_fields or {},
        **({"execution_date": iso(logical_date)} if logical_date is not None else {}),
    }


def task_try(t: TaskTryRecord) -> dict[str, Any]:
    return _pick(t, "task_id", "map_index", "try_number", "state", "start_date", "end_date", "duration", "hostname")


def xcom(x: XComRecord, *, with_value: bool = True) -> dict[str, Any]:
    import json

    from tradewind.cli.output import _jsonable

    out: dict[str, Any] = {
        "dag_id": x.dag_id,
        "dag_run_id": x.run_id,
        **_pick(x, "task_id", "map_index", "key", "timestamp"),
    }
    if with_value:
        out["value"] = json.loads(json.dumps(x.value, default=_jsonable))
    return out


def variable(v: VariableRecord, *, with_value: bool = True) -> dict[str, Any]:
    """A variable whose key looks like a secret (`*password*`, `*token*`…) shows `***`, as on its UI page."""
    from tradewind.secrets.masker import MASK, should_hide_value_for_key

    out: dict[str, Any] = {"key": v.key, "description": v.description}
    if with_value:
        out["value"] = MASK if v.val and should_hide_value_for_key(v.key) else v.val
    return out


def pool(p: PoolRecord, occupied: dict[str, int] | None = None) -> dict[str, Any]:
    used = occupied or {}
    return {
        "name": p.pool,
        "slots": p.slots,
        "description": p.description,
        "include_deferred": p.include_deferred,
        "running_slots": used.get("running", 0),
        "queued_slots": used.get("queued", 0),
    }


def import_error(e: ImportErrorRecord) -> dict[str, Any]:
    return {
        "import_error_id": e.id,
        **_pick(e, "filename", "lineno"),
        "stack_trace": e.stacktrace or e.message,
        **_pick(e, "message", "timestamp"),
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
