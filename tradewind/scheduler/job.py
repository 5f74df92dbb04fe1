"""The scheduler: turns timetables and triggers into runs, and ready task instances into work.

Event-driven: the loop sleeps on the executor's event pipes, a wake-up socket and its next
timer (a retry, a schedule, a sweep), so a task's end reaches the planner at once and only that
task's downstream is evaluated. A sweep every few seconds re-reads all running runs, catching
what changed behind the scheduler's back (CLI clears, marks from the UI, a dead worker).

One pass is `loop_once(now)`; it reads the time only from its clock, so tests drive it with a
fixed one. What it remembers lives in small parts: `RunCache` (running runs and their task
instances), `Dispatcher` (ready instances and slot accounting), `DagCache` (parsed DAGs).
"""

from __future__ import annotations

import heapq
import logging
import os
import signal
import socket
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from multiprocessing.connection import wait
from typing import TYPE_CHECKING, Any

from tradewind import listeners
from tradewind.scheduler.clock import Clock, SystemClock
from tradewind.states import ACTIVE_RUN, DagRunState

if TYPE_CHECKING:
    from contextlib import ExitStack

    from tradewind.executors.base import Executor
    from tradewind.scheduler.dag_cache import DagInfo
    from tradewind.store.records import DagRunRecord

log = logging.getLogger(__name__)

RunKey = tuple[str, str]  # dag_id, run_id
_NEVER = datetime.max.replace(tzinfo=timezone.utc)
_FULL_PLAN_EVERY = 10  # sweeps
_LOCKED_OUT_RETRY = 0.005  # seconds: another scheduler's pass holds a run we must plan
_FEW_DAGS = 3  # up to this many DAGs, reading their rows one by one beats reading every DAG's


@dataclass
class Settings:
    parallelism: int
    sweep_interval: float
    heartbeat_interval: float
    task_heartbeat_timeout: timedelta
    dag_dir_list_interval: float
    graceful_shutdown_timeout: float
    health_check_threshold: timedelta = timedelta(seconds=30)
    orphaned_tasks_check_interval: float = 10.0

    @classmethod
    def from_config(cls) -> Settings:
        from tradewind.config import conf
        from tradewind.scheduler.orphans import heartbeat_timeout

        return cls(
            parallelism=conf.getint("core", "parallelism", fallback=32),
            sweep_interval=conf.getfloat("scheduler", "sweep_interval", fallback=2.0),
            heartbeat_interval=conf.getfloat("scheduler", "scheduler_heartbeat_sec", fallback=5.0),
            task_heartbeat_timeout=heartbeat_timeout(),
            dag_dir_list_interval=conf.getfloat("scheduler", "dag_dir_list_interval", fallback=5.0),
            graceful_shutdown_timeout=conf.getfloat("scheduler", "graceful_shutdown_timeout", fallback=30.0),
            health_check_threshold=timedelta(
                seconds=conf.getfloat("scheduler", "scheduler_health_check_threshold", fallback=30.0)
            ),
            orphaned_tasks_check_interval=conf.getfloat("scheduler", "orphaned_tasks_check_interval", fallback=10.0),
        )


class _RunLocker:
    """Locks runs for one planning pass, lazily: a pass that decides nothing opens no transaction.

    The first lock opens the pass transaction (PostgreSQL; a no-op elsewhere) on `stack`; every
    write of the pass joins it and is committed when the stack closes, after which other schedulers
    may plan those runs again.
    """

    def __init__(self, stack: ExitStack) -> None:
        self._stack = stack
        self._open = False

    def lock(self, run_key: RunKey) -> bool:
        from tradewind.store import locks
        from tradewind.store.engine import pass_transaction

        if not self._open:
            self._stack.enter_context(pass_transaction())
            self._open = True
        return run_key in locks.lock_runs([run_key])


class Scheduler:
    """One scheduler process. `run()` returns when stopped (signal) or after `num_runs` loops.

    Several may run on one PostgreSQL database: each plans the runs it can lock (`store/locks.py`)
    in one transaction per pass, queues ready instances `FOR UPDATE SKIP LOCKED`, and adopts what a
    scheduler that stopped heartbeating had queued. `exclusive=True` (SQLite) refuses to start
    while another scheduler is alive.
    """

    def __init__(
        self,
        *,
        num_runs: int = -1,
        executor: Executor | None = None,
        parse_dags: bool = True,
        only_runs: set[RunKey] | None = None,
        create_runs: bool = True,
        on_task_event: Any = None,
        clock: Clock | None = None,
        exclusive: bool = False,
    ) -> None:
        from tradewind.scheduler.dag_cache import DagCache
        from tradewind.scheduler.dispatch import Dispatcher
        from tradewind.scheduler.run_cache import RunCache
        from tradewind.scheduler.run_creation import RunCreator

        self.settings = Settings.from_config()
        self.num_runs = num_runs
        self.executor = executor
        self.parse_dags = parse_dags
        self.only_runs = only_runs
        self.create_runs = create_runs
        self.on_task_event = on_task_event
        self.clock: Clock = clock or SystemClock()
        self.exclusive = exclusive
        self.cache = DagCache()
        self.creator = RunCreator(self.cache)
        self.runs = RunCache()
        self.dispatcher = Dispatcher()
        self.job_id: int | None = None
        self.loops = 0
        self._stop = False
        self._signal_count = 0
        self._dirty: dict[RunKey, set[str] | None] = {}  # runs to plan; None: the whole run
        self._timers: list[tuple[datetime, str]] = []
        self._next = {"sweep": 0.0, "heartbeat": 0.0, "parse": 0.0, "adopt": 0.0}  # monotonic deadlines
        self._locked_out: set[RunKey] = set()  # runs another scheduler was planning: retried shortly
        self._callbacks_due: list[Any] = []  # DAG callbacks of runs finished in this pass, sent once committed
        self._next_create: datetime | None = None
        self._sweeps = 0
        self._processor: Any = None
        self._check_only_runs = True
        self._queued_hint = True
        self._wake: Any = None

    # --- lifecycle ---------------------------------------------------------------------------
    def start(self) -> None:
        """Everything before the first pass: job row, executor, first parse, stranded work."""
        from tradewind.executors import get_executor
        from tradewind.scheduler import orphans
        from tradewind.store import jobs
        from tradewind.store.migrate import ensure_ready

        ensure_ready()
        threshold = self.settings.health_check_threshold
        if self.executor is None:
            if self.exclusive:  # refuse before starting workers (start_job checks again, atomically)
                jobs.refuse_if_alive(jobs.SCHEDULER, within=threshold)
            self.executor = get_executor(parallelism=self.settings.parallelism)
        self.job_id = jobs.start_job(
            jobs.SCHEDULER,
            hostname=socket.gethostname(),
            pid=os.getpid(),
            executor_class=type(self.executor).__name__,
            alone_within=threshold if self.exclusive else None,
        )
        if self.parse_dags:
            self._parse_dag_files(force=True)
        self.cache.refresh()
        self.executor.start()
        if self.only_runs is None:
            jobs.reap_dead(jobs.SCHEDULER, within=threshold, exclude=self.job_id)
            orphans.requeue_stranded(lambda: jobs.live_job_ids(jobs.SCHEDULER, within=threshold), unowned=True)
        self._find_orphans()

    def run(self) -> None:
        from tradewind.store.engine import database_url, pin_database_url

        previous = self._install_signals()
        self._open_wake_socket()
        pin_database_url(database_url())  # this process's database for as long as it schedules
        try:
            self.start()
            while not self._stop:
                self.loop_once()
                self.loops += 1
                if self.num_runs > 0 and self.loops >= self.num_runs:
                    break
                if self.only_runs is not None and not self._only_runs_active():
                    break
                self._wait()
        finally:
            try:
                self.shutdown(previous)
            finally:
                pin_database_url(None)

    def stop(self) -> None:
        self._stop = True

    def _install_signals(self) -> dict[int, Any]:
        previous: dict[int, Any] = {}

        def handler(signum: int, frame: object) -> None:
            self._signal_count += 1
            if self._signal_count > 1 and signum == signal.SIGINT:
                raise KeyboardInterrupt
            log.info("received %s: finishing running tasks, taking no new work", signal.Signals(signum).name)
            self._stop = True

        try:
            for sig in (signal.SIGTERM, signal.SIGINT):
                previous[sig] = signal.signal(sig, handler)
        except ValueError:  # not the main thread (tests driving the loop from a thread)
            pass
        return previous

    def _open_wake_socket(self) -> None:
        from tradewind.scheduler.wakeup import WakeListener

        try:
            self._wake = WakeListener()
        except OSError as exc:
            log.info("no wake-up socket (%s): triggers are picked up by the sweep", exc)
            self._wake = None

    def shutdown(self, previous: dict[int, Any] | None = None) -> None:
        """The order matters: stop parsing, let running tasks finish and hear their results, then end the job."""
        from tradewind.store import jobs

        try:
            if self._processor is not None:
                self._processor.stop()  # a file still being parsed is abandoned, not waited for
            if self.executor is not None:
                self.executor.end(self.settings.graceful_shutdown_timeout)
                self._handle_events()
        finally:
            if self._wake is not None:
                self._wake.close()
            if self.job_id is not None:
                jobs.end_job(self.job_id)
            for sig, old in (previous or {}).items():
                signal.signal(sig, old)

    # --- one pass ----------------------------------------------------------------------------
    def loop_once(self, now: datetime | None = None) -> None:
        """One pass: heartbeat, parse, sweep, events, timers, new runs, planning, queueing."""
        now_mono = self.clock.monotonic()
        now = now or self.clock.now()
        if now_mono >= self._next["heartbeat"]:
            self._heartbeat()
            self._next["heartbeat"] = now_mono + self.settings.heartbeat_interval
        if self.parse_dags and now_mono >= self._next["parse"]:
            self._parse_dag_files()
        if now_mono >= self._next["sweep"]:
            self._sweep(now)
            self._next["sweep"] = now_mono + self.settings.sweep_interval
        if self.only_runs is None and now_mono >= self._next["adopt"]:
            self._adopt_from_dead_schedulers()
            self._next["adopt"] = now_mono + self.settings.orphaned_tasks_check_interval
        if self._locked_out:
            for key in self._locked_out:
                self._dirty.setdefault(key, None)
            self._locked_out = set()
        self._handle_events()
        self._fire_timers(now)
        if self.create_runs and self.only_runs is None and (self._next_create is None or self._next_create <= now):
            self._create_runs(now)
        self._start_queued_runs(now)
        self._plan_dirty_runs(now)
        if self.executor is not None:
            self.dispatcher.dispatch(self.executor, self.cache, self.runs, job_id=self.job_id)

    def _heartbeat(self) -> None:
        from tradewind.store import jobs

        if self.job_id is not None and not jobs.heartbeat(self.job_id):
            log.warning(
                "this scheduler's job %s had been marked failed (no heartbeat for %s): running again",
                self.job_id,
                self.settings.health_check_threshold,
            )

    def _adopt_from_dead_schedulers(self) -> None:
        """Schedulers that stopped heartbeating: mark them failed, put what they queued back to scheduled."""
        from tradewind.scheduler import orphans
        from tradewind.store import jobs

        threshold = self.settings.health_check_threshold
        dead = jobs.reap_dead(jobs.SCHEDULER, within=threshold, now=self.clock.now(), exclude=self.job_id)
        for job_id in dead:
            log.warning("scheduler job %s stopped heartbeating: adopting its queued task instances", job_id)

        def live() -> set[int]:
            return jobs.live_job_ids(jobs.SCHEDULER, within=threshold, now=self.clock.now()) | {self.job_id or 0}

        if orphans.requeue_stranded(live, unowned=False):
            self._next["sweep"] = 0.0  # re-read and plan them now
        others = live() - {self.job_id or 0}
        self.dispatcher.spread = self.job_id if others else None

    def _parse_dag_files(self, force: bool = False) -> None:
        """Re-parse changed DAG files; forget cached DAGs whose serialized form changed."""
        from tradewind.scheduler.dag_sync import POLL, DagSync

        if self._processor is None:
            self._processor = DagSync()
        changed = self._processor.run_once(force=force)
        interval = POLL if self._processor.in_flight else self.settings.dag_dir_list_interval
        self._next["parse"] = self.clock.monotonic() + interval
        if changed:
            self._dags_changed(self.cache.refresh())

    def _dags_changed(self, dag_ids: set[str]) -> None:
        if dag_ids:
            self.creator.forget(dag_ids)
            self._next_create = None

    def _sweep(self, now: datetime) -> None:
        """Re-read running runs and everything that may have changed elsewhere."""
        from tradewind.store import runs

        self._dags_changed(self.cache.refresh())
        running = {(r.dag_id, r.run_id): r for r in runs.list_dag_runs(state=DagRunState.RUNNING.value)}
        if self.only_runs is not None:
            running = {k: r for k, r in running.items() if k in self.only_runs}
        else:
            paused = self._paused_dags()
            running = {k: r for k, r in running.items() if r.dag_id not in paused}
        self.runs.set_running(running)
        self._sweeps += 1
        changed = self.runs.catch_up_on_writes(now)
        full = self._sweeps % _FULL_PLAN_EVERY == 0  # now and then, plan every run whole, as a safety net
        for key in running:
            if full or self.runs.is_reloading(key):
                self._dirty[key] = None
            elif changed.get(key) and self._dirty.get(key, set()) is not None:
                info = self.cache.get(key[0])
                nodes = info.structure.nodes if info is not None else {}
                focus = {d for t in changed[key] for d in (t, *(nodes[t].downstream if t in nodes else ()))}
                self._mark_dirty(key, focus)
        self.dispatcher.slots.invalidate()
        self._check_only_runs = True
        self._next_create = None
        self._queued_hint = True
        self._find_orphans()

    def _mark_dirty(self, run_key: RunKey, focus: set[str] | None) -> None:
        """Plan `focus` (task ids and what they touch) of the run at this pass; None: the whole run."""
        if run_key in self._dirty and self._dirty[run_key] is None:
            return
        if focus is None:
            self._dirty[run_key] = None
        else:
            self._dirty[run_key] = (self._dirty.get(run_key) or set()) | focus

    def _paused_dags(self, among: set[str] | None = None) -> set[str]:
        """As Airflow: a paused DAG's runs neither start nor schedule tasks (backfills ignore pausing).

        `among`: only these DAGs matter (a trigger's run): read one row each when they are few.
        """
        from tradewind.store import dags

        if among is not None and len(among) <= _FEW_DAGS:
            return {d for d in among if (record := dags.get_dag(d)) is not None and record.is_paused}
        return {d.dag_id for d in dags.list_dags(active_only=False) if d.is_paused}

    def _find_orphans(self) -> None:
        from tradewind.scheduler import orphans

        ours = self.executor.running if self.executor is not None else set()
        structures = {
            d: info.structure
            for d in {k[0] for k in ours} | set(self.cache.structures)
            if (info := self.cache.get(d)) is not None
        }
        # instances our own executor is running are alive by definition; the rest is checked by pid/heartbeat
        found = orphans.find_orphans(
            structures, heartbeat_timeout=self.settings.task_heartbeat_timeout, skip=ours, now=self.clock.now()
        )
        if found:
            for key in list(self.runs.runs):
                self._dirty[key] = None

    def _handle_events(self) -> None:
        if self.executor is None:
            return
        from tradewind.executors.messages import DAG_CALLBACK

        for event in self.executor.get_events():
            dag_id, run_id, task_id, _ = event.key
            if task_id == DAG_CALLBACK:
                continue
            if self.on_task_event is not None:
                self.on_task_event(event)
            run_key = (dag_id, run_id)
            self.runs.heard(event.key, event.record)
            self.dispatcher.finished(event.key)
            info = self.cache.get(dag_id)
            if info is not None and task_id in info.structure.nodes:
                self._mark_dirty(run_key, {task_id, *info.structure.nodes[task_id].downstream})
            else:
                self._mark_dirty(run_key, None)
            if info is not None and info.depends_on_past:
                self.runs.forget_past(dag_id)
                for other in self.runs.runs:  # a later run may wait on this one's task (depends_on_past)
                    if other[0] == dag_id and other != run_key:
                        self._dirty[other] = None
            if run_key not in self.runs:
                self._next["sweep"] = 0.0

    def _fire_timers(self, now: datetime) -> None:
        while self._timers and self._timers[0][0] <= now:
            _, run_key_text = heapq.heappop(self._timers)
            dag_id, _, run_id = run_key_text.partition("\x00")
            if (dag_id, run_id) in self.runs:
                self._dirty[(dag_id, run_id)] = None

    def _add_timer(self, when: datetime, run_key: RunKey) -> None:
        heapq.heappush(self._timers, (when, f"{run_key[0]}\x00{run_key[1]}"))

    def _create_runs(self, now: datetime) -> None:
        from tradewind.scheduler.run_creation import create_dataset_runs
        from tradewind.store.engine import pass_transaction

        # PostgreSQL: each DAG's runs are created by the scheduler holding its row; savepoints: a run
        # someone else created meanwhile (`dags trigger`) fails alone
        with pass_transaction(savepoints=True):
            created, wake = self.creator.create_due_runs(now)
            created += create_dataset_runs(now)
        # No schedule due: wait for a wake-up, a sweep, or a DAG change (each resets this), not every loop.
        self._next_create = wake if wake is not None else _NEVER
        self._queued_hint = self._queued_hint or bool(created)
        for run in created:
            log.info("created run %s of %s", run.run_id, run.dag_id)

    def _start_queued_runs(self, now: datetime) -> None:
        """queued → running, oldest first, within each DAG's max_active_runs."""
        from tradewind.store import runs

        queued = (
            runs.list_dag_runs(state=DagRunState.QUEUED.value, newest_first=False) if self._may_have_queued() else []
        )
        if not queued:
            return
        from tradewind.store.engine import pass_transaction

        with pass_transaction() as shared:
            self._start_runs(queued, now, shared is not None)

    def _start_runs(self, queued: list[DagRunRecord], now: datetime, shared: bool) -> None:
        """Start what max_active_runs allows; with other schedulers (`shared`), only runs of DAGs we lock,
        counted as the database has them."""
        from tradewind.store import locks, runs

        paused = self._paused_dags({r.dag_id for r in queued}) if self.only_runs is None else set()
        running_per_dag: dict[str, int] = {}
        mine = locks.lock_dags({r.dag_id for r in queued})
        if shared:
            running_per_dag = locks.running_counts(mine)
            if mine != {r.dag_id for r in queued}:
                self._queued_hint = True  # another scheduler holds some: look again next pass
        else:
            for dag_id, _ in self.runs.runs:
                running_per_dag[dag_id] = running_per_dag.get(dag_id, 0) + 1
        for run in queued:
            if run.dag_id not in mine:
                continue
            key = (run.dag_id, run.run_id)
            if self.only_runs is not None and key not in self.only_runs:
                continue
            info = self.cache.get(run.dag_id)
            if info is None or run.dag_id in paused:
                continue
            if running_per_dag.get(run.dag_id, 0) >= info.structure.max_active_runs:
                continue
            started = runs.start_run(run.dag_id, run.run_id, start_date=run.start_date or now)
            if started is not None:
                listeners.dag_run_changed(run.dag_id, run.run_id, "running")
                running_per_dag[run.dag_id] = running_per_dag.get(run.dag_id, 0) + 1
                self.runs.add(started)
                self._dirty[key] = None

    def _may_have_queued(self) -> bool:
        """Queued runs appear through triggers (wake-up/sweep), creation, or finished runs freeing room."""
        flag, self._queued_hint = self._queued_hint, False
        return flag

    def _plan_dirty_runs(self, now: datetime) -> None:
        from contextlib import ExitStack

        dirty, self._dirty = self._dirty, {}
        if not dirty:
            return
        with ExitStack() as stack:
            self._plan(now, dirty, _RunLocker(stack))
        # after the pass's commit: a DAG callback's worker must read the run's final state
        due, self._callbacks_due = self._callbacks_due, []
        for workload in due:
            if self.executor is not None:
                self.executor.queue(workload)

    def _plan(self, now: datetime, dirty: dict[RunKey, set[str] | None], locker: _RunLocker) -> None:
        from tradewind.scheduler.apply import apply_plan
        from tradewind.scheduler.planner import plan

        pending = list(dirty.items())
        for run_key, focus in pending:  # grows when a focused plan asks for the whole run: planned in this pass
            run = self.runs.runs.get(run_key)
            info = self.cache.get(run_key[0])
            if run is None or info is None:
                continue
            if self._timed_out(run, info, now):
                continue
            tis = self.runs.instances(run_key)
            past = self.runs.past_states(run, info) if info.depends_on_past else None
            decided = plan(info.structure, tis.view, now, past_states=past, only=focus)
            writes = bool(decided.changes or decided.expand or decided.run_state is not None)
            if writes and not locker.lock(run_key):  # another scheduler is writing this run now
                self._locked_out.add(run_key)
                continue
            applied = apply_plan(run.dag_id, run.run_id, info.structure, decided)
            for key, state in applied.changes.items():
                tis.set_state(key, state)
            if applied.lost_race:
                self.runs.reload(run_key)
            if applied.expanded:
                self._dirty[run_key] = None
                self.runs.reload(run_key)
                continue
            if focus is not None and (decided.changes or decided.run_state is not None):
                # a decision may unblock tasks outside the focus (skips cascading), or the run may be
                # over: plan it whole, in this pass (its end is then stamped now, not a pass later)
                pending.append((run_key, None))
            elif decided.run_state is not None:
                self._finish_run(run, decided.run_state, now)
                continue
            executing = self.executor.running if self.executor is not None else set()
            for tid, mi in decided.ready:
                self.dispatcher.add(tis[(tid, mi)], info.structure, executing, run.id)
            if decided.wake_at is not None:
                self._add_timer(decided.wake_at, run_key)

    def _timed_out(self, run: DagRunRecord, info: DagInfo, now: datetime) -> bool:
        """dagrun_timeout: the run fails; what has not finished is skipped (running tries stop)."""
        timeout = info.structure.dagrun_timeout
        if timeout is None or run.start_date is None:
            return False
        deadline = run.start_date + timeout
        if now < deadline:
            self._add_timer(deadline, (run.dag_id, run.run_id))
            return False
        log.warning("run %s of %s exceeded dagrun_timeout %s", run.run_id, run.dag_id, timeout)
        self._finish_run(run, DagRunState.FAILED, now, timed_out=True)
        return True

    def _finish_run(self, run: DagRunRecord, state: DagRunState, now: datetime, *, timed_out: bool = False) -> None:
        from tradewind.store import runs

        if (
            runs.time_out_run(run.dag_id, run.run_id, end_date=now)
            if timed_out
            else runs.finish_run(run.dag_id, run.run_id, state, end_date=now)
        ):
            log.info("run %s of %s finished: %s", run.run_id, run.dag_id, state.value)
            listeners.dag_run_changed(
                run.dag_id, run.run_id, state.value, listeners.run_message(state.value, timed_out)
            )
            info = self.cache.get(run.dag_id)
            if info is not None and info.has_dag_callbacks and self.executor is not None:
                from tradewind.executors.messages import DAG_CALLBACK, Workload

                self._callbacks_due.append(Workload(run.dag_id, run.run_id, DAG_CALLBACK, -1, fileloc=info.fileloc))
        self.runs.remove((run.dag_id, run.run_id))
        self._check_only_runs = True
        self._queued_hint = True  # room for the next queued run of this DAG
        self._next_create = None

    # --- waiting -------------------------------------------------------------------------------
    def _wait(self) -> None:
        if self._dirty or self._stop:
            return
        if self._next_create is None and self.create_runs and self.only_runs is None:
            return  # a run ended or the DAGs changed: see now, not at the next wake-up, which runs are due
        if self._locked_out:  # another scheduler is planning them: look again in a moment
            time.sleep(_LOCKED_OUT_RETRY)
            return
        if (
            self.dispatcher
            and self.executor is not None
            and self.executor.open_slots > 0
            and not self.dispatcher.blocked
        ):
            return
        now_mono = self.clock.monotonic()
        deadline = min(self._next["sweep"], self._next["heartbeat"])
        if self.parse_dags:
            deadline = min(deadline, self._next["parse"])
        now = self.clock.now()
        for when in (self._timers[0][0] if self._timers else None, self._next_create):
            if when is not None:
                deadline = min(deadline, now_mono + max(0.0, (when - now).total_seconds()))
        timeout = max(0.0, deadline - now_mono)
        handles: list[Any] = list(self.executor.event_handles()) if self.executor is not None else []
        if self._wake is not None:
            handles.append(self._wake)
        if not handles:
            time.sleep(timeout)
            return
        ready = wait(handles, timeout)
        if self._wake is not None and self._wake in ready:
            self._woken(self._wake.drain())

    def _woken(self, heard: set[bytes]) -> None:
        """A trigger queued a run: start it now, with the DAGs' hashes checked (a cheap query) and
        nothing else re-read; anything else someone changed (a clear, a mark, an unpause): sweep now."""
        from tradewind.scheduler.wakeup import QUEUED

        self._queued_hint = True
        if heard - {QUEUED}:
            self._next_create = None
            self._next["sweep"] = 0.0
        elif heard:
            self._dags_changed(self.cache.refresh())

    def _only_runs_active(self) -> bool:
        from tradewind.store import runs

        if self.only_runs is None:
            return True
        if not self._check_only_runs:
            return True
        self._check_only_runs = False
        for dag_id, run_id in self.only_runs:
            run = runs.get_dag_run(dag_id, run_id)
            if run is not None and run.state in ACTIVE_RUN:
                return True
        return False
