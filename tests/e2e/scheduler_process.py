"""A real `tradewind scheduler` process in the test's TRADEWIND_HOME, with short intervals, and a poller."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

FAST = {
    "TRADEWIND__SCHEDULER__SWEEP_INTERVAL": "0.5",
    "TRADEWIND__SCHEDULER__DAG_DIR_LIST_INTERVAL": "0.5",
    "TRADEWIND__SCHEDULER__MIN_FILE_PROCESS_INTERVAL": "0",
    "TRADEWIND__SCHEDULER__SCHEDULER_HEARTBEAT_SEC": "1",
    "TRADEWIND__SCHEDULER__TASK_HEARTBEAT_INTERVAL": "0.5",
    "TRADEWIND__SCHEDULER__GRACEFUL_SHUTDOWN_TIMEOUT": "10",
    "TRADEWIND__CORE__DAGS_ARE_PAUSED_AT_CREATION": "false",
    "TRADEWIND__CORE__PARALLELISM": "4",
}


def wait_for(check: Callable[[], Any], timeout: float = 30.0, what: str = "condition") -> Any:
    """Poll `check` until it returns something truthy; fail the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.1)


def runs_of(dag_id: str) -> list[Any]:
    """The DAG's runs, oldest first."""
    from tradewind.store import runs

    return runs.list_dag_runs(dag_id, newest_first=False)


def finished(dag_id: str, count: int = 1) -> Callable[[], Any]:
    """A `wait_for` check: the DAG's finished runs once there are at least `count`."""

    def check() -> Any:
        done = [r for r in runs_of(dag_id) if r.state in ("success", "failed")]
        return done if len(done) >= count else None

    return check


def parsed(*dag_ids: str) -> Callable[[], bool]:
    """A `wait_for` check: every DAG is in the database."""
    from tradewind.store import dags

    return lambda: all(dags.get_dag(d) is not None for d in dag_ids)


class SchedulerProcess:
    """`tradewind scheduler` (or another long-running command: `triggerer`) as a child process."""

    def __init__(self, home: Path, log: Path, command: str = "scheduler") -> None:
        self.home = home
        self.log = log
        self.command = command
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, **env: str) -> SchedulerProcess:
        full = {**os.environ, **FAST, **env}
        self._fh = self.log.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tradewind", self.command],
            env=full,
            stdout=self._fh,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30) -> int | None:
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            os.kill(self.proc.pid, sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        code = self.proc.returncode
        self.proc = None
        self._fh.close()
        return code

    def output(self) -> str:
        return self.log.read_text(errors="replace")
