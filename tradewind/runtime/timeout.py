"""execution_timeout: stop a task that runs too long, from inside its own process."""

from __future__ import annotations

import signal
import threading
from datetime import timedelta
from types import FrameType

from tradewind.exceptions import TaskTimeout


class execution_timeout:
    """Raise TaskTimeout in the main thread after `limit` (no-op without a limit or off the main thread)."""

    def __init__(self, limit: timedelta | None) -> None:
        self.seconds = limit.total_seconds() if limit is not None else 0
        self.active = self.seconds > 0 and threading.current_thread() is threading.main_thread()

    def _expired(self, signum: int, frame: FrameType | None) -> None:
        raise TaskTimeout(f"task timed out after {self.seconds:g}s (execution_timeout)")

    def __enter__(self) -> None:
        if self.active:
            self._previous = signal.signal(signal.SIGALRM, self._expired)
            signal.setitimer(signal.ITIMER_REAL, self.seconds)

    def __exit__(self, *exc: object) -> None:
        if self.active:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self._previous)
