"""A time limit on a block of code, by SIGALRM: the DAG file import timeout and a task's execution_timeout."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from types import FrameType


class time_limit:
    """Raise `error()` in the block once `seconds` have passed.

    A no-op for `seconds <= 0`, or off the main thread (only the main thread receives signals).
    """

    def __init__(self, seconds: float, error: Callable[[], BaseException]) -> None:
        self.seconds = seconds
        self.error = error
        self.active = seconds > 0 and threading.current_thread() is threading.main_thread()

    def _expired(self, signum: int, frame: FrameType | None) -> None:
        raise self.error()

    def __enter__(self) -> None:
        if self.active:
            self._previous = signal.signal(signal.SIGALRM, self._expired)
            signal.setitimer(signal.ITIMER_REAL, self.seconds)

    def __exit__(self, *exc: object) -> None:
        if self.active:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self._previous)
