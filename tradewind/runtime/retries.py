"""When a failed try runs again: one rule for the task runner and for orphaned tries."""

from __future__ import annotations

from datetime import datetime, timedelta


def next_retry_at(now: datetime, delay: timedelta | None) -> datetime:
    """`now + delay`, times `[core] retry_delay_scale` (tests and demos shorten waits without editing DAG files)."""
    from tradewind.config import conf

    return now + (delay or timedelta(0)) * conf.getfloat("core", "retry_delay_scale", fallback=1.0)
