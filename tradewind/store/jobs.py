"""Rows of the `job` table: who runs (scheduler, dag-processor, triggerer), where, and when it last heartbeat."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from tradewind.store.engine import session, transaction
from tradewind.store.models import job
from tradewind.store.records import JobRecord
from tradewind.store.sql import utcnow

SCHEDULER = "SchedulerJob"
TRIGGERER = "TriggererJob"
RUNNING = "running"


def start_job(job_type: str, *, hostname: str, pid: int, executor_class: str | None = None) -> int:
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
        return int(conn.execute(sa.insert(job).values(values).returning(job.c.id)).scalar_one())


def heartbeat(job_id: int) -> None:
    with transaction() as conn:
        conn.execute(sa.update(job).where(job.c.id == job_id).values(latest_heartbeat=utcnow()))


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
