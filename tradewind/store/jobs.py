"""Rows of the `job` table: who runs (scheduler, dag-processor, triggerer), where, and when it last heartbeat.

A job is alive while its row is `running` and its heartbeat is recent; one on this host whose
process is gone is dead at once. Dead scheduler jobs are marked `failed` by a live scheduler
(`reap_dead`), which then adopts what they had queued.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from datetime import datetime, timedelta

import sqlalchemy as sa

from tradewind.exceptions import SchedulerAlreadyRunning
from tradewind.store.engine import session, transaction
from tradewind.store.models import job
from tradewind.store.records import JobRecord
from tradewind.store.sql import in_list, utcnow

SCHEDULER = "SchedulerJob"
TRIGGERER = "TriggererJob"
RUNNING = "running"
FAILED = "failed"


def start_job(
    job_type: str,
    *,
    hostname: str,
    pid: int,
    executor_class: str | None = None,
    alone_within: timedelta | None = None,
) -> int:
    """Insert the job's row; with `alone_within`, refuse (SchedulerAlreadyRunning) if another job of
    this type is alive by that threshold — checked in the same write transaction, so two starting
    at once cannot both pass (SQLite's writers are serialized)."""
    now = utcnow()
    values = {
        "job_type": job_type,
        "state": RUNNING,
        "hostname": hostname,
        "pid": pid,
        "executor_class": executor_class,
        "start_date": now,
        "latest_heartbeat": now,
    }
    with transaction() as conn:
        if alone_within is not None:
            _refuse_if_alive(conn, job_type, alone_within)
        return int(conn.execute(sa.insert(job).values(values).returning(job.c.id)).scalar_one())


def refuse_if_alive(job_type: str, *, within: timedelta) -> None:
    """Raise SchedulerAlreadyRunning if a job of this type is alive (a read: `start_job` checks again)."""
    with session() as conn:
        _refuse_if_alive(conn, job_type, within)


def _refuse_if_alive(conn: sa.Connection, job_type: str, within: timedelta) -> None:
    rows = conn.execute(sa.select(job).where(job.c.job_type == job_type, job.c.state == RUNNING)).all()
    for other in (JobRecord.from_row(r) for r in rows):
        if is_alive(other, within=within):
            beat = f"{other.latest_heartbeat:%H:%M:%S} UTC" if other.latest_heartbeat else "never"
            raise SchedulerAlreadyRunning(
                f"a scheduler is already running on this SQLite database (pid {other.pid} on {other.hostname}, "
                f"last heartbeat {beat}); several schedulers need PostgreSQL (see docs/deployment.md)"
            )


def _pid_alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def is_alive(
    record: JobRecord,
    *,
    within: timedelta,
    now: datetime | None = None,
    host: str | None = None,
    pid_alive: Callable[[int | None], bool] = _pid_alive,
) -> bool:
    """Running, heartbeat within `within` of now, and — on this host — its process still exists."""
    if record.state != RUNNING or record.latest_heartbeat is None:
        return False
    if record.latest_heartbeat < (now or utcnow()) - within:
        return False
    return record.hostname != (host or socket.gethostname()) or pid_alive(record.pid)


def reap_dead(
    job_type: str, *, within: timedelta, now: datetime | None = None, exclude: int | None = None
) -> list[int]:
    """Mark `failed` every running job of this type that is not alive (compare-and-set); their ids.

    Only the caller that flips a row gets its id back, so a dead scheduler's work is adopted once.
    """
    now = now or utcnow()
    with session() as conn:
        rows = [
            JobRecord.from_row(r)
            for r in conn.execute(sa.select(job).where(job.c.job_type == job_type, job.c.state == RUNNING))
        ]
    dead = [r.id for r in rows if r.id != exclude and not is_alive(r, within=within, now=now)]
    if not dead:
        return []
    stmt = (
        sa.update(job)
        .where(in_list(job.c.id, dead), job.c.state == RUNNING)
        .values(state=FAILED, end_date=now)
        .returning(job.c.id)
    )
    with transaction() as conn:
        return [int(i) for i in conn.execute(stmt).scalars()]


def live_job_ids(job_type: str, *, within: timedelta, now: datetime | None = None) -> set[int]:
    """Ids of the jobs of this type that are alive (see `is_alive`)."""
    with session() as conn:
        rows = [
            JobRecord.from_row(r)
            for r in conn.execute(sa.select(job).where(job.c.job_type == job_type, job.c.state == RUNNING))
        ]
    return {r.id for r in rows if is_alive(r, within=within, now=now)}


def heartbeat(job_id: int) -> bool:
    """Stamp the job's heartbeat; False if it had been marked failed meanwhile (it is running again now)."""
    with transaction() as conn:
        state = conn.execute(
            sa.update(job).where(job.c.id == job_id).values(latest_heartbeat=utcnow()).returning(job.c.state)
        ).scalar()
        if state is not None and state != RUNNING:
            conn.execute(sa.update(job).where(job.c.id == job_id).values(state=RUNNING, end_date=None))
            return False
    return True


def end_job(job_id: int, state: str = "success") -> None:
    with transaction() as conn:
        conn.execute(sa.update(job).where(job.c.id == job_id).values(state=state, end_date=utcnow()))


def latest_job(job_type: str = SCHEDULER) -> JobRecord | None:
    """The most recently heartbeating job of this type (the UI's and /health's scheduler status)."""
    query = sa.select(job).where(job.c.job_type == job_type).order_by(job.c.latest_heartbeat.desc()).limit(1)
    with session() as conn:
        row = conn.execute(query).first()
    return JobRecord.from_row(row) if row is not None else None


def alive_jobs(job_type: str = SCHEDULER, *, within: timedelta, now: datetime | None = None) -> list[JobRecord]:
    """Running jobs that heartbeat within `within` of now."""
    since = (now or utcnow()) - within
    query = sa.select(job).where(job.c.job_type == job_type, job.c.state == RUNNING, job.c.latest_heartbeat >= since)
    with session() as conn:
        return [JobRecord.from_row(r) for r in conn.execute(query)]
