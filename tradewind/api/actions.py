"""What the REST API and the web UI do to DAGs, runs, task instances, variables, pools and connections:
one implementation for both.

Each function validates (raising NotFound / UsageError), then calls the store.
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
from datetime import datetime
from pathlib import Path
from typing import Any

from tradewind.exceptions import (
    DagNotFound,
    DagRunNotFound,
    InvalidConnection,
    NotFound,
    TaskNotFound,
    UsageError,
)
from tradewind.secrets.masker import MASK
from tradewind.states import FINISHED, DagRunState, TaskState
from tradewind.store.records import (
    ConnectionRecord,
    DagRecord,
    DagRunRecord,
    PoolRecord,
    TaskInstanceRecord,
    VariableRecord,
)

RUN_ID = re.compile(r"[A-Za-z0-9_.~:+-]+")  # Airflow's allowed_run_id_pattern: safe in a URL path
MARKABLE_TI_STATES = frozenset({"success", "failed", "skipped"})
LOG_CHUNK = 256 * 1024
MAX_SLOTS = MAX_MAP_INDEX = 2**31 - 1  # fit the database's 32-bit columns
MAX_KEY = 250  # variable keys, pool names, conn ids (Airflow's column length)


def require_dag(dag_id: str) -> DagRecord:
    from tradewind.store import dags

    record = dags.get_dag(dag_id)
    if record is None:
        raise DagNotFound(f"DAG '{dag_id}' not found")
    return record


def require_run(dag_id: str, run_id: str) -> DagRunRecord:
    from tradewind.store import runs

    record = runs.get_dag_run(dag_id, run_id)
    if record is None:
        raise DagRunNotFound(f"DAG run '{run_id}' of DAG '{dag_id}' not found")
    return record


def require_ti(dag_id: str, run_id: str, task_id: str, map_index: int = -1) -> TaskInstanceRecord:
    from tradewind.store import task_instances

    require_run(dag_id, run_id)
    record = task_instances.get_task_instance(dag_id, run_id, task_id, map_index)
    if record is None:
        raise TaskNotFound(f"task instance '{task_id}' (map index {map_index}) of run '{run_id}' not found")
    return record


def filter_dags(records: list[Any], search: str | None, tags: list[str] | None, paused: bool | None) -> list[Any]:
    """The DAGs list's filters (API and UI): id substring (or glob), any of the tags, paused state."""
    out = records
    if search:
        needle = search.lower()
        glob = any(c in search for c in "*?[")
        out = [d for d in out if (fnmatch.fnmatch(d.dag_id.lower(), needle) if glob else needle in d.dag_id.lower())]
    if tags:
        wanted = set(tags)
        out = [d for d in out if wanted & set(d.tags or [])]
    if paused is not None:
        out = [d for d in out if d.is_paused == paused]
    return out


def set_paused(dag_id: str, paused: bool) -> DagRecord:
    from tradewind.store import dags

    require_dag(dag_id)
    record = dags.set_paused(dag_id, paused)
    if not paused:
        _wake()
    return record


def trigger(dag_id: str, conf: dict[str, Any] | None = None, run_id: str | None = None,
            logical_date: datetime | None = None, note: str | None = None) -> DagRunRecord:
    from tradewind.scheduler.trigger import trigger_dag

    require_dag(dag_id)
    if run_id is not None and (len(run_id) > 250 or not RUN_ID.fullmatch(run_id)):
        raise UsageError("dag_run_id must be 1 to 250 characters among letters, digits and _.~:+-")
    try:
        return trigger_dag(dag_id, conf=conf, run_id=run_id, logical_date=logical_date, note=note)
    except OverflowError:  # e.g. year 1 or 9999: the data interval falls off the calendar
        raise UsageError(f"logical_date {logical_date.isoformat() if logical_date else ''} is out of range") from None


def _retries(dag_id: str) -> dict[str, int]:
    from tradewind.store import dags

    data = dags.get_serialized(dag_id) or {}
    return {t["task_id"]: int(t.get("retries") or 0) for t in data.get("tasks", [])}


def clear(dag_id: str, run_id: str, task_ids: list[str] | None = None, *, only_failed: bool = False,
          dry_run: bool = False) -> list[TaskInstanceRecord]:
    """Send instances back to `none` (retries restored) and the run back to queued, as Airflow does."""
    from tradewind.store import runs, task_instances

    require_run(dag_id, run_id)
    tis = task_instances.list_task_instances(dag_id, run_id)
    if task_ids is not None:
        unknown = set(task_ids) - {t.task_id for t in tis}
        if unknown:
            raise TaskNotFound(f"no task {', '.join(sorted(unknown))} in run '{run_id}'")
        tis = [t for t in tis if t.task_id in set(task_ids)]
    if only_failed:
        tis = [t for t in tis if t.state in (TaskState.FAILED, TaskState.UPSTREAM_FAILED)]
    if dry_run or not tis:
        return tis
    ids = sorted({t.task_id for t in tis})
    task_instances.clear_task_instances(dag_id, run_id, ids, retries=_retries(dag_id))
    runs.set_dag_run_state(dag_id, run_id, DagRunState.QUEUED)
    _wake()
    return tis


def mark_run(dag_id: str, run_id: str, state: str) -> DagRunRecord:
    """Mark a run success (unfinished tasks → success) or failed (running → failed, waiting → skipped)."""
    from tradewind.store import runs, task_instances
    from tradewind.store.sql import utcnow
    from tradewind.store.task_instances import StateChange

    if state not in (DagRunState.SUCCESS, DagRunState.FAILED):
        raise UsageError(f"a DAG run can be marked success or failed, not {state!r}")
    require_run(dag_id, run_id)
    now = utcnow()
    changes = []
    for t in task_instances.list_task_instances(dag_id, run_id):
        if t.state in FINISHED:
            continue
        if state == DagRunState.SUCCESS:
            new = TaskState.SUCCESS
        else:
            new = TaskState.FAILED if t.state in (TaskState.RUNNING, TaskState.QUEUED) else TaskState.SKIPPED
        changes.append(StateChange(dag_id, run_id, t.task_id, t.map_index, frozenset({t.state}), new,
                                   {"end_date": now}))
    if changes:
        task_instances.set_states(changes)
    runs.set_dag_run_state(dag_id, run_id, state, end_date=now)
    return require_run(dag_id, run_id)


def set_ti_state(dag_id: str, run_id: str, task_id: str, map_index: int, state: str) -> TaskInstanceRecord:
    from tradewind.store import task_instances
    from tradewind.store.sql import utcnow
    from tradewind.store.task_instances import StateChange

    if state not in MARKABLE_TI_STATES:
        raise UsageError(f"a task instance can be set to {', '.join(sorted(MARKABLE_TI_STATES))}, not {state!r}")
    ti = require_ti(dag_id, run_id, task_id, map_index)
    if ti.state != state:
        task_instances.set_states([StateChange(dag_id, run_id, task_id, map_index, frozenset({ti.state}), state,
                                               {"end_date": ti.end_date or utcnow()})])
        _wake()
    return require_ti(dag_id, run_id, task_id, map_index)


def delete_run(dag_id: str, run_id: str) -> None:
    from tradewind.store import runs

    if not runs.delete_dag_run(dag_id, run_id):
        raise DagRunNotFound(f"DAG run '{run_id}' of DAG '{dag_id}' not found")


def read_log(ti: TaskInstanceRecord, try_number: int, offset: int = 0) -> tuple[str, int, bool]:
    """(text from byte `offset`, the next offset, whether the file exists) of one try's log."""
    from tradewind.runtime.task_log import log_path

    if try_number < 1 or try_number > max(ti.try_number, 1):
        raise NotFound(f"task instance '{ti.task_id}' has no try {try_number}")
    path = log_path(ti.dag_id, ti.run_id, ti.task_id, ti.map_index, try_number)
    try:
        with path.open("rb") as fh:
            # An offset past the end (or past what the OS can seek to) reads nothing: no error.
            start = min(max(offset, 0), os.fstat(fh.fileno()).st_size)
            fh.seek(start)
            data = _whole_characters(fh.read(LOG_CHUNK))
    except FileNotFoundError:
        return "", offset, False
    return data.decode("utf-8", errors="replace"), start + len(data), True


def _whole_characters(data: bytes) -> bytes:
    """`data` without a UTF-8 character cut at its end (a chunk boundary, or a line being written):
    the next read starts at that character instead of showing two replacement marks."""
    for back in range(1, min(4, len(data)) + 1):
        byte = data[-back]
        if byte & 0xC0 != 0x80:  # ASCII, the first byte of a character, or a byte UTF-8 never uses
            length = 1 if byte < 0xC0 or byte >= 0xF8 else 2 if byte < 0xE0 else 3 if byte < 0xF0 else 4
            return data[:-back] if length > back else data
    return data


def save_variable(key: str, value: str, description: str | None = None) -> VariableRecord:
    """Create or replace a variable (API and UI): the key is trimmed, 1 to 250 characters."""
    from tradewind.store.variables import set_variable

    key = key.strip()
    if not key or len(key) > MAX_KEY:
        raise UsageError(f"a variable key must be 1 to {MAX_KEY} characters")
    return set_variable(key, value, description)


def save_pool(name: str, slots: int | str, description: str | None = None, *,
              include_deferred: bool = False) -> PoolRecord:
    """Create or resize a pool (API and UI): a trimmed name of 1 to 250 characters, -1 (unlimited) to MAX_SLOTS."""
    from tradewind.store.pools import set_pool

    name = name.strip()
    if not name or len(name) > MAX_KEY:
        raise UsageError(f"a pool name must be 1 to {MAX_KEY} characters")
    text = str(slots).strip()
    if isinstance(slots, bool) or not re.fullmatch(r"-?[0-9]{1,10}", text) or not -1 <= int(text) <= MAX_SLOTS:
        raise UsageError(f"slots must be an integer from -1 (unlimited) to {MAX_SLOTS}, got {text[:20]!r}")
    return set_pool(name, int(text), description, include_deferred=include_deferred)


def save_connection(conn_id: str, fields: dict[str, Any], *, create_only: bool = False) -> ConnectionRecord | None:
    """Create or replace a connection from the API's body or the UI's form: one set of checks for both.

    `extra` must be a JSON object in a string, `port` a number from 0 to 65535. On a replace, a password
    left out (None) keeps the stored one and extra values still masked as `***` keep theirs, so reading a
    connection, editing it and saving it back loses no secret. With `create_only`, None if it exists.
    """
    from tradewind.store import connections

    conn_id = conn_id.strip()
    if not conn_id:
        raise UsageError("conn_id must not be empty")
    values = dict(fields)
    values["conn_type"] = str(values.get("conn_type") or "").strip()
    if not values["conn_type"]:
        raise UsageError("conn_type must not be empty")
    values["port"] = _port(values.get("port"))
    extra = _extra_object(values.get("extra"))
    old = None if create_only else connections.get_connection(conn_id)
    if old is not None:
        if values.get("password") is None:
            values["password"] = old.password
        masked = [k for k, v in (extra or {}).items() if v == MASK]
        stored = _stored_extra(old.extra) if masked else {}
        kept = {k: stored[k] for k in masked if k in stored}
        if extra is not None and kept:
            values["extra"] = json.dumps({**extra, **kept})
    return connections.set_connection(conn_id, replace_existing=not create_only, **values)


def _port(value: int | str | None) -> int | None:
    if value is None or value == "":
        return None
    text = str(value).strip()
    if isinstance(value, bool) or not (text.isascii() and text.isdigit()) or int(text) > 65535:
        raise UsageError(f"port must be a number from 0 to 65535, got {str(value)[:20]!r}")
    return int(text)


def _extra_object(extra: str | None) -> dict[str, Any] | None:
    if not extra:
        return None
    try:
        data = json.loads(extra)
    except (ValueError, RecursionError):
        data = None
    if not isinstance(data, dict):
        raise InvalidConnection("extra must be a JSON object in a string")
    return data


def _stored_extra(extra: str | None) -> dict[str, Any]:
    try:
        data = json.loads(extra) if extra else {}
    except (ValueError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}


def downstream_of(dag_id: str, task_id: str) -> list[str]:
    """`task_id` and every task downstream of it (transitively), from the DAG's serialized form."""
    from tradewind.store import dags

    by_id = {t["task_id"]: t for t in (dags.get_serialized(dag_id) or {}).get("tasks", [])}
    ids, todo = [task_id], [task_id]
    while todo:
        for d in by_id.get(todo.pop(), {}).get("downstream", []):
            if d not in ids:
                ids.append(d)
                todo.append(d)
    return ids


def dag_source(record: DagRecord) -> str:
    """The code of the DAG's file: as the DAG processor stored it, else read from disk."""
    from tradewind.store.ui_queries import stored_source

    if not record.fileloc:
        return "# the file of this DAG is not known"
    stored = stored_source(record.fileloc)
    if stored:
        return stored
    try:
        return Path(record.fileloc).read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        return f"# cannot read {record.fileloc}: {exc.strerror}"


def _wake() -> None:
    from tradewind.scheduler.wakeup import notify

    notify()
