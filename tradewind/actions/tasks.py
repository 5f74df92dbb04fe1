"""Task instances: look one up, mark it, read a try's log.

Clearing instances is `runs.clear` with task ids: it moves the run too, in the same transaction.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from tradewind.actions import audit
from tradewind.exceptions import NotFound, StateConflict, TaskNotFound, UsageError
from tradewind.states import TaskState

if TYPE_CHECKING:
    from tradewind.store.records import TaskInstanceRecord

MARKS = (TaskState.SUCCESS, TaskState.FAILED, TaskState.SKIPPED)
LOG_CHUNK = 256 * 1024
MAX_MAP_INDEX = 2**31 - 1  # fits the database's 32-bit column


def require_ti(dag_id: str, run_id: str, task_id: str, map_index: int = -1) -> TaskInstanceRecord:
    from tradewind.actions.runs import require_run
    from tradewind.store import task_instances

    require_run(dag_id, run_id)
    record = task_instances.get_task_instance(dag_id, run_id, task_id, map_index)
    if record is None:
        raise TaskNotFound(f"task instance '{task_id}' (map index {map_index}) of run '{run_id}' not found")
    return record


def set_ti_state(dag_id: str, run_id: str, task_id: str, map_index: int, state: str) -> TaskInstanceRecord:
    """Mark one instance success, failed or skipped, from the state just read (StateConflict if it moved)."""
    from tradewind.scheduler.wakeup import notify
    from tradewind.store import task_instances
    from tradewind.store.sql import utcnow
    from tradewind.store.task_instances import StateChange

    if state not in MARKS:
        raise UsageError(f"a task instance can be set to {', '.join(sorted(MARKS))}, not {state!r}")
    ti = require_ti(dag_id, run_id, task_id, map_index)
    if ti.state != state:
        change = StateChange(
            dag_id, run_id, task_id, map_index, frozenset({ti.state}), state, {"end_date": ti.end_date or utcnow()}
        )
        if not task_instances.set_states([change])[0]:
            now = require_ti(dag_id, run_id, task_id, map_index)
            raise StateConflict(
                f"task instance '{task_id}' (map index {map_index}) of run '{run_id}' went from "
                f"{ti.state} to {now.state} meanwhile (another process moved it): nothing was "
                "changed; look again and retry"
            )
        notify()
        audit.record(
            f"ti.{state}",
            dag_id=dag_id,
            run_id=run_id,
            task_id=task_id,
            map_index=map_index,
            try_number=ti.try_number,
            was=ti.state,
        )
    return require_ti(dag_id, run_id, task_id, map_index)


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


def set_note(dag_id: str, run_id: str, task_id: str, map_index: int, note: str | None) -> TaskInstanceRecord:
    """A task instance's note; empty text removes it."""
    from tradewind.store.api_queries import set_ti_note

    require_ti(dag_id, run_id, task_id, map_index)
    set_ti_note(dag_id, run_id, task_id, map_index, note or None)
    audit.record("ti.note", dag_id=dag_id, run_id=run_id, task_id=task_id, map_index=map_index, note=note)
    return require_ti(dag_id, run_id, task_id, map_index)
