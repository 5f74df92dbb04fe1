"""The LocalExecutor's hand-over: which calls may start a worker process, and which may not."""

from __future__ import annotations

import multiprocessing
import time

import pytest

from tradewind.executors.local import LocalExecutor
from tradewind.executors.messages import Outcome, Workload


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_hand_to_idle_never_starts_a_worker_top_up_starts_the_spare(migrated_db: str) -> None:
    """`hand_to_idle` may run inside the scheduler's SQLite write transaction, where a forked worker
    would inherit SQLite's lock records mid-transaction: it gives work to an idle worker only; the
    spare worker (one more than the running tasks, up to `parallelism`) comes with `top_up`."""
    executor = LocalExecutor(parallelism=2)
    executor.start()  # one warm worker
    try:
        first = Workload("no_dag", "no_run", "a", -1, fileloc="/nowhere.py")
        second = Workload("no_dag", "no_run", "b", -1, fileloc="/nowhere.py")
        workers = len(multiprocessing.active_children())
        assert executor.hand_to_idle(first)
        assert not executor.hand_to_idle(second)  # its one worker is busy: no new one is forked
        assert len(multiprocessing.active_children()) == workers
        assert executor.running == {first.key}
        executor.top_up()  # after the commit: the spare
        assert len(multiprocessing.active_children()) == workers + 1
        assert executor.hand_to_idle(second)
        executor.top_up()
        assert len(multiprocessing.active_children()) == workers + 1  # `parallelism` reached: no more
        events = []
        deadline = time.monotonic() + 60
        while len(events) < 2 and time.monotonic() < deadline:
            events += executor.get_events()
            time.sleep(0.05)
        assert {(e.key[2], e.outcome) for e in events} == {("a", Outcome.FAILED), ("b", Outcome.FAILED)}  # no such run
    finally:
        executor.end(timeout=10)
