"""When a failed try runs again: one rule for the task runner and for orphaned tries."""

from __future__ import annotations

from datetime import datetime, timedelta


def next_retry_at(now: datetime, delay: timedelta | None) -> datetime:
    """`now + delay`, times `[core] retry_delay_scale` (tests and demos shorten waits without editing DAG files)."""
    from tradewind.config import conf

    return now + (delay or timedelta(0)) * conf.getfloat("core", "retry_delay_scale", fallback=1.0)


def retry_delay(base: timedelta, try_number: int, *, exponential: bool, ceiling: timedelta | None) -> timedelta:
    """How long to wait after try `try_number` failed: `base`, doubled per try with exponential
    backoff (capped at `ceiling`, or a day when none is set, as Airflow's `max_task_retry_delay`)."""
    delay = base
    if exponential:
        delay = timedelta(seconds=base.total_seconds() * (2 ** max(try_number - 1, 0)))
        ceiling = ceiling or timedelta(days=1)
    return min(delay, ceiling) if ceiling is not None else delay
