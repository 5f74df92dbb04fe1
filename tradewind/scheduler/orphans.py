"""Tries whose process is gone: a crashed task, or tasks of a scheduler killed with -9.

Such an instance is still `running` in the database with nobody to finish it. It is finished
here by its retry rules (up_for_retry with the task's retry delay, else failed), and a line is
added to its log so the user sees why. Instances a dead scheduler had queued (and none of its
workers claimed) go back to `scheduled` for a live scheduler to queue again (`adopt_queued`).
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable, Set
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

from tradewind.states import TaskState

if TYPE_CHECKING:
    from tradewind.store.records import TaskInstanceRecord
    from tradewind.structure import DagStructure

log = logging.getLogger(__name__)


def fail_orphan(
    ti: TaskInstanceRecord,
    reason: str,
    *,
    retries_left: bool,
    retry_delay: timedelta | None,
    now: datetime | None = None,
) -> bool:
    """Finish a running try that nobody will finish; True if this call did it."""
    from tradewind.runtime import retries
    from tradewind.runtime.task_log import log_line
    from tradewind.store import tries

    now = now or datetime.now(timezone.utc)
    state = TaskState.UP_FOR_RETRY if retries_left else TaskState.FAILED
    next_retry_at = retries.next_retry_at(now, retry_delay) if retries_left else None
    done = tries.finish_try(
        ti.dag_id,
        ti.run_id,
        ti.task_id,
        ti.map_index,
        state=state,
        end_date=now,
        next_retry_at=next_retry_at,
        try_number=ti.try_number,
    )
    if done is None:
        return False
    log.warning("%s.%s (%s) try %s: %s → %s", ti.dag_id, ti.task_id, ti.run_id, ti.try_number, reason, state)
    log_line(ti.log_path, "ERROR", f"{reason}; marking the task {state.upper()}")
    return True


def pid_alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def vanished(
    ti: TaskInstanceRecord, *, heartbeat_timeout: timedelta, now: datetime, here: str | None = None
) -> str | None:
    """Why this running try has nobody left to finish it (its process is gone on this host, or it has
    been silent past the timeout on any host); None while it looks alive."""
    here = here or socket.gethostname()
    if ti.hostname == here:
        return None if ti.pid and pid_alive(ti.pid) else f"its process {ti.pid} on {ti.hostname} is gone"
    if ti.updated_at is None or ti.updated_at < now - heartbeat_timeout:
        return f"no heartbeat from {ti.hostname} since {ti.updated_at}"
    return None


def find_orphans(
    structures: dict[str, DagStructure],
    *,
    heartbeat_timeout: timedelta,
    skip: Set[tuple[str, str, str, int]] = frozenset(),
    now: datetime | None = None,
) -> int:
    """Finish running tries whose process is dead (this host) or silent too long (any host).

    `skip`: instances the caller's own executor is running (alive by definition); `now`: the
    caller's clock (the scheduler's).
    """
    from tradewind.store import task_instances

    here = socket.gethostname()
    now = now or datetime.now(timezone.utc)
    count = 0
    for ti in task_instances.find_task_instances([TaskState.RUNNING]):
        if ti.key in skip:
            continue
        why = vanished(ti, heartbeat_timeout=heartbeat_timeout, now=now, here=here)
        if why is not None:
            node = structures.get(ti.dag_id)
            task = node.nodes.get(ti.task_id) if node is not None else None
            count += fail_orphan(
                ti,
                f"task instance orphaned: {why}",
                retries_left=ti.try_number <= ti.max_tries,
                retry_delay=task.retry_delay_for(ti.try_number) if task is not None else None,
                now=now,
            )
    return count


def heartbeat_timeout() -> timedelta:
    """`[scheduler] task_instance_heartbeat_timeout` (Airflow's name; `task_heartbeat_timeout` is read too)."""
    from tradewind.config import conf

    name = "task_heartbeat_timeout" if conf.has_option("scheduler", "task_heartbeat_timeout") else None
    return timedelta(seconds=conf.getfloat("scheduler", name or "task_instance_heartbeat_timeout", fallback=120.0))


def requeue_stranded(live_jobs: Callable[[], Set[int]], *, unowned: bool) -> int:
    """Queued instances that no live scheduler holds go back to scheduled; how many.

    An instance queued by a job in `live_jobs()` (asked after reading the queue, so a scheduler that
    starts meanwhile is among them) is left alone (its executor holds it); one queued
    by a dead scheduler goes back; one queued by no scheduler (older versions) only if `unowned`
    (at a scheduler's start, as a lone scheduler restarting always did).
    """
    from tradewind.store import task_instances

    queued = task_instances.find_task_instances([TaskState.QUEUED])
    if not queued:
        return 0
    live = live_jobs()
    return task_instances.unqueue(
        t.key
        for t in queued
        if (t.queued_by_job_id is None and unowned)
        or (t.queued_by_job_id is not None and t.queued_by_job_id not in live)
    )
