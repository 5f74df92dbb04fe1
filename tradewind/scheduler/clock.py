"""Where the scheduler reads the time: the system's, or a test's fixed clock (huey's `loop(now)` idea)."""

from __future__ import annotations

import time
from datetime import datetime, timezone
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """Wall-clock time, timezone-aware (schedules, retries, timeouts)."""
        ...

    def monotonic(self) -> float:
        """Seconds from an arbitrary start (the loop's own intervals: sweeps, heartbeats, parsing)."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(timezone.utc)

    def monotonic(self) -> float:
        return time.monotonic()
