"""execution_timeout: stop a task that runs too long, from inside its own process."""

from __future__ import annotations

from datetime import timedelta

from tradewind.exceptions import TaskTimeout
from tradewind.utils.time_limit import time_limit

expired = 0
"""How many execution timeouts fired in this process (a reused task process ends after one)."""


def execution_timeout(limit: timedelta | None) -> time_limit:
    """Raise TaskTimeout in the main thread after `limit` (no-op without a limit or off the main thread)."""
    seconds = limit.total_seconds() if limit is not None else 0

    def error() -> TaskTimeout:
        global expired
        expired += 1
        return TaskTimeout(f"task timed out after {seconds:g}s (execution_timeout)")

    return time_limit(seconds, error)
