"""`tradewind tasks run` (what a worker executes for one task instance) and `tasks log` (its log, or a tail)."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
import time
from typing import TYPE_CHECKING, Any

from tradewind.cli.commands.runs import resolve_run
from tradewind.cli.common import ready_db
from tradewind.exceptions import NotFound, UsageError

if TYPE_CHECKING:
    from tradewind.runtime.runner import Claim, Outcome
    from tradewind.sdk.dag import DAG
    from tradewind.store.records import DagRunRecord, TaskInstanceRecord

#: How often `tasks log -f` looks for new lines and for the end of the task.
FOLLOW_POLL = 0.3


def run(args: argparse.Namespace) -> int:
    from tradewind.actions.tasks import require_ti
    from tradewind.runtime.runner import CLAIMABLE, claim_task_instance
    from tradewind.scheduler.wakeup import notify
    from tradewind.states import TaskState

    ready_db()
    dag_run = resolve_run(args.dag_id, args.run_id)
    ti = require_ti(dag_run.dag_id, dag_run.run_id, args.task_id, args.map_index)
    if ti.state not in CLAIMABLE:
        raise UsageError(
            f"task instance {_label(ti)} is {ti.state}: only a waiting or queued instance can run "
            f"(clear it first: tradewind tasks clear {ti.dag_id} -t '^{ti.task_id}$')"
        )
    if ti.state != TaskState.QUEUED and not args.ignore_dependencies:
        _refuse_if_held_back(ti)
    dag = _load_dag(args)
    if args.task_id not in dag.task_dict:
        raise NotFound(f"task '{args.task_id}' is no longer defined in DAG '{dag.dag_id}' ({dag.fileloc})")
    claim = claim_task_instance(dag_run, args.task_id, args.map_index)
    if claim is None:
        raise UsageError(f"task instance {_label(ti)} was claimed by another process meanwhile")
    outcome = _run_heartbeating(dag, dag_run, claim)
    notify()  # the scheduler plans the downstream now
    line = f"{_label(ti)} try {outcome.try_number}: {outcome.state.value} in {outcome.duration:.2f}s"
    print(line + (f" — {outcome.error}" if outcome.error else ""))
    print(f"log: {outcome.log_path}")
    return 0 if outcome.state in (TaskState.SUCCESS, TaskState.SKIPPED) else 1


def _run_heartbeating(dag: DAG, dag_run: DagRunRecord, claim: Claim) -> Outcome:
    """Run the claimed try here, heartbeating it as an executor's worker does.

    A scheduler then knows the try is alive wherever this runs (on another machine it judges by
    heartbeats, `[scheduler] task_instance_heartbeat_timeout`); if the instance is changed from
    outside (cleared, marked), the task is stopped with SIGTERM, its `on_kill` runs, and its late
    result is dropped.
    """
    from tradewind.exceptions import TaskTerminated
    from tradewind.runtime.runner import TryResult, record_try, run_claimed

    def terminate(signum: int, frame: object) -> None:
        raise TaskTerminated(f"received signal {signal.Signals(signum).name}")

    previous = signal.signal(signal.SIGTERM, terminate)
    beat = TryHeartbeat(claim)
    beat.start()

    def record(claimed: Any, result: TryResult) -> Any:
        beat.stop()  # the try ends here: its end must not read as "changed from outside"
        return record_try(claimed, result)

    try:
        return run_claimed(dag, dag_run, claim, record=record)
    finally:
        beat.stop()
        signal.signal(signal.SIGTERM, previous)


class TryHeartbeat(threading.Thread):
    """Touch the running try every `[scheduler] task_heartbeat_interval` seconds; SIGTERM this process
    once the try is no longer ours (its state was changed from outside)."""

    def __init__(self, claim: Claim) -> None:
        from tradewind.config import conf

        super().__init__(name="try-heartbeat", daemon=True)
        self.claim = claim
        self.interval = conf.getfloat("scheduler", "task_heartbeat_interval", fallback=5.0)
        self._done = threading.Event()
        self._beating = threading.Lock()

    def run(self) -> None:
        while not self._done.wait(self.interval):
            with self._beating:
                if self._done.is_set() or not self._beat():
                    return

    def _beat(self) -> bool:
        """One heartbeat; False (after SIGTERM to this process) once the try is no longer ours."""
        from tradewind.runtime.task_log import log_line
        from tradewind.store import tries

        record = self.claim.record
        try:
            alive = tries.heartbeat_task(
                record.dag_id, record.run_id, record.task_id, record.map_index, record.try_number
            )
        except Exception:  # noqa: BLE001 — the database is briefly away: beat again next time
            return True
        if not alive:
            log_line(self.claim.log_path, "WARNING", "the task instance's state was changed from outside: terminating")
            os.kill(os.getpid(), signal.SIGTERM)
        return alive

    def stop(self) -> None:
        """After this returns, no heartbeat is in flight and none follows."""
        self._done.set()
        with self._beating:
            pass


def _refuse_if_held_back(ti: TaskInstanceRecord) -> None:
    """As Airflow's `tasks run`: upstreams, depends_on_past and retry timers must allow it (unless -i)."""
    from tradewind.scheduler.explain import Code, explain_task_instance

    task_deps = {
        Code.UPSTREAM_PENDING,
        Code.TRIGGER_RULE_UNMET,
        Code.DEPENDS_ON_PAST,
        Code.RETRY_WAIT,
        Code.RESCHEDULE_WAIT,
        Code.AWAITING_EXPANSION,
    }
    held = [r for r in explain_task_instance(*ti.key) if r.code in task_deps]
    if held:
        raise UsageError(f"{_label(ti)} cannot run yet: {held[0].sentence} (-i runs it anyway)")


def _load_dag(args: argparse.Namespace) -> DAG:
    """The DAG from the file the database knows for it, else from the DAGs folder (-S)."""
    from tradewind.cli.common import get_dag
    from tradewind.store import dags

    record = dags.get_dag(args.dag_id)
    if record is None or not record.fileloc or args.subdir:
        return get_dag(args)
    from tradewind.executors.dag_file_cache import DagFileCache

    return DagFileCache().get_dag(record.fileloc, args.dag_id)


def _label(ti: TaskInstanceRecord) -> str:
    from tradewind.cli.commands.task_state import task_label

    return f"{ti.dag_id}.{task_label(ti.task_id, ti.map_index)} ({ti.run_id})"


# --- log -----------------------------------------------------------------------------------
def log(args: argparse.Namespace) -> int:
    from tradewind.actions.tasks import read_log, require_ti

    ready_db()
    dag_run = resolve_run(args.dag_id, args.run_id)
    ti = require_ti(dag_run.dag_id, dag_run.run_id, args.task_id, args.map_index)
    if args.try_number is not None and args.try_number < 1:
        raise UsageError("--try must be 1 or more")
    if args.follow:
        _follow(ti, args.try_number)
        return 0
    if ti.try_number == 0 and args.try_number is None:
        raise NotFound(f"task instance {_label(ti)} has not run yet (state {ti.state}); use -f to wait for its log")
    try_number = args.try_number or ti.try_number
    text, offset, exists = read_log(ti, try_number)
    if not exists:
        raise NotFound(f"no log file for try {try_number} of {_label(ti)}")
    while text:
        sys.stdout.write(text)
        text, offset, _ = read_log(ti, try_number, offset)
    sys.stdout.flush()
    return 0


def _follow(ti: TaskInstanceRecord, pinned: int | None) -> None:
    """Print a try's log as it grows; without --try, go on with each retry until the instance finishes."""
    from tradewind.actions.tasks import read_log
    from tradewind.states import FINISHED, TaskState
    from tradewind.store import task_instances

    current = pinned or max(ti.try_number, 1)
    offset = 0
    while True:
        text, offset, _ = read_log(ti, current, offset)
        if text:
            sys.stdout.write(text)
            sys.stdout.flush()
            continue
        latest = task_instances.get_task_instance(*ti.key)
        if latest is None:
            raise NotFound(f"task instance {_label(ti)} was deleted")
        ti = latest
        try_over = ti.try_number > current or (ti.try_number == current and ti.state != TaskState.RUNNING)
        if try_over:
            text, offset, _ = read_log(ti, current, offset)  # what was written before the state changed
            sys.stdout.write(text)
            sys.stdout.flush()
            if pinned is not None or (ti.try_number == current and TaskState(ti.state) in FINISHED):
                return
            if ti.try_number > current:
                current, offset = current + 1, 0
                print(f"--- try {current} ---", flush=True)
                continue
        time.sleep(FOLLOW_POLL)
