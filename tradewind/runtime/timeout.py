"""execution_timeout: stop a task that runs too long, from inside its own process."""

from __future__ import annotations

from datetime import timedelta

from tradewind.exceptions import TaskTimeout
from tradewind.utils.time_limit import time_limit


def execution_timeout(limit: timedelta | None) -> time_limit:
    """Raise TaskTimeout in the main thread after `limit` (no-op without a limit or off the main thread)."""
    seconds = limit.total_seconds() if limit is not None else 0
    return time_limit(seconds, lambda: TaskTimeout(f"task timed out after {seconds:g}s (execution_timeout)"))
