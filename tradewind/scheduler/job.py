"""The scheduler: turns timetables and triggers into runs, and ready task instances into work.

Event-driven: the loop sleeps on the executor's event pipes, a wake-up socket and its next
timer (a retry, a schedule, a sweep), so a task's end reaches the planner at once and only that
task's downstream is evaluated. A sweep every few seconds re-reads all running runs, catching
what changed behind the scheduler's back (CLI clears, marks from the UI, a dead worker).
"""

from __future__ import annotations

import heapq
import logging
import os
import signal
import socket
import time
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from multiprocessing.connection import wait
from typing import TYPE_CHECKING, Any

from tradewind.states import FINISHED, DagRunState, TaskState

if TYPE_CHECKING:
    from tradewind.executors.base import Executor, TIKey
    from tradewind.scheduler.dag_cache import DagInfo
    from tradewind.store.records import DagRunRecord

log = logging.getLogger(__name__)

RunKey = tuple[str, str]  # dag_id, run_id
_NEVER = datetime.max.replace(tzinfo=timezone.utc)
_SWEEP_MARGIN = timedelta(seconds=5)  # writes stamped up to this long before a sweep are read again
_FULL_PLAN_EVERY = 10  # sweeps
WAITING = frozenset({TaskState.NONE.value, TaskState.SCHEDULED.value})


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


class RunInstances(dict[tuple[str, int], Any]):
    """A running run's task-instance records, with the planner's index kept in step on every write."""

    def __init__(self, records: Any = ()) -> None:
        from tradewind.scheduler.planner import RunView

        super().__init__(((t.task_id, t.map_index), t) for t in records)
        self.view = RunView(self.values())

    def __setitem__(self, key: tuple[str, int], ti: Any) -> None:
        super().__setitem__(key, ti)
        self.view.update(ti)


@dataclass(order=True)
class _Pending:
    """A ready task instance waiting for a free slot, best priority first."""

    sort_key: tuple[int, int]
    key: TIKey = field(compare=False)
    state: str = field(compare=False)
    pool: str = field(compare=False)
    pool_slots: int = field(compare=False)


@dataclass
class Settings:
    parallelism: int
    sweep_interval: float
    heartbeat_interval: float
    task_heartbeat_timeout: timedelta
    dag_dir_list_interval: float
    graceful_shutdown_timeout: float

    @classmethod
    def from_config(cls) -> Settings:
        from tradewind.config import conf

        return cls(
            parallelism=conf.getint("core", "parallelism", fallback=32),
            sweep_interval=conf.getfloat("scheduler", "sweep_interval", fallback=2.0),
            heartbeat_interval=conf.getfloat("scheduler", "scheduler_heartbeat_sec", fallback=5.0),
            task_heartbeat_timeout=timedelta(
                seconds=conf.getfloat("scheduler", "task_heartbeat_timeout", fallback=120.0)
            ),
            dag_dir_list_interval=conf.getfloat("scheduler", "dag_dir_list_interval", fallback=5.0),
            graceful_shutdown_timeout=conf.getfloat("scheduler", "graceful_shutdown_timeout", fallback=30.0),
        )


class Scheduler:
    """One scheduler process. `run()` returns when stopped (signal) or after `num_runs` loops."""

    def __init__(
        self,
        *,
        num_runs: int = -1,
        executor: Executor | None = None,
        parse_dags: bool = True,
        only_runs: set[RunKey] | None = None,
        create_runs: bool = True,
        on_task_event: Any = None,
    ) -> None:
        from tradewind.scheduler.dag_cache import DagCache
        from tradewind.scheduler.run_creation import RunCreator

        self.settings = Settings.from_config()
        self.num_runs = num_runs
        self.executor = executor
        self.parse_dags = parse_dags
        self.only_runs = only_runs
        self.create_runs = create_runs
        self.on_task_event = on_task_event
        self.cache = DagCache()
        self.creator = RunCreator(self.cache)
        self.job_id: int | None = None
        self._stop = False
        self._signal_count = 0
        self._running_runs: dict[RunKey, DagRunRecord] = {}
        self._dirty: dict[RunKey, set[str] | None] = {}  # None: plan the whole run
        # Task instances of each running run, kept current from events and our own changes, so
        # one task's end costs a read of that task's row, not of the whole run.
        self._tis: dict[RunKey, RunInstances] = {}
        self._reload: set[RunKey] = set()
        self._refresh: dict[RunKey, set[TIKey]] = {}
        self._pending: list[_Pending] = []
        self._pending_keys: set[TIKey] = set()
        self._timers: list[tuple[datetime, str]] = []
        self._next_sweep = 0.0
        self._next_heartbeat = 0.0
        self._next_parse = 0.0
        self._next_create: datetime | None = None
        self._last_sweep: datetime | None = None
        self._sweeps = 0
        self._past: dict[str, dict[RunKey, dict[str, str]]] = {}  # dag_id → run → previous run's states
        self._processor: Any = None
        # Pool sizes and slots in use (per pool, per DAG): read from the database at each sweep,
        # kept current in between from what this scheduler queues and hears back.
        self._occupancy: tuple[dict[str, int], dict[str, int], dict[str, int]] | None = None
        self._holding: dict[TIKey, tuple[str, int]] = {}
        self._check_only_runs = True
        self._blocked = False
        self._queued_hint = True
        self._wake: Any = None
        self.loops = 0

    # --- lifecycle ---------------------------------------------------------------------------
    def run(self) -> None:
        from tradewind.executors import get_executor
        from tradewind.scheduler import orphans
        from tradewind.store import jobs
        from tradewind.store.migrate import ensure_ready

        ensure_ready()
        if self.executor is None:
            self.executor = get_executor(parallelism=self.settings.parallelism)
        self.job_id = jobs.start_job(
            jobs.SCHEDULER, hostname=socket.gethostname(), pid=os.getpid(),
            executor_class=type(self.executor).__name__,
        )
        previous = self._install_signals()
        self._open_wake_socket()
        try:
            if self.parse_dags:
                self._parse_dag_files(force=True)
            self.cache.refresh()
            self.executor.start()
            if self.only_runs is None:
                orphans.requeue_stranded()
            self._find_orphans()
            while not self._stop:
                self._loop_once()
                self.loops += 1
                if self.num_runs > 0 and self.loops >= self.num_runs:
                    break
                if self.only_runs is not None and not self._only_runs_active():
                    break
                self._wait()
        finally:
            self._shutdown(previous)

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

    def _shutdown(self, previous: dict[int, Any]) -> None:
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
            for sig, old in previous.items():
                signal.signal(sig, old)

    # --- one pass ----------------------------------------------------------------------------
    def _loop_once(self) -> None:
        now_mono = time.monotonic()
        now = _utcnow()
        if now_mono >= self._next_heartbeat:
            self._heartbeat()
            self._next_heartbeat = now_mono + self.settings.heartbeat_interval
        if self.parse_dags and now_mono >= self._next_parse:
            self._parse_dag_files()
        if now_mono >= self._next_sweep:
            self._sweep(now)
            self._next_sweep = now_mono + self.settings.sweep_interval
        self._handle_events()
        self._fire_timers(now)
        if self.create_runs and self.only_runs is None and (self._next_create is None or self._next_create <= now):
            self._create_runs(now)
        self._start_queued_runs(now)
        self._plan_dirty_runs(now)
        self._queue_pending()

    def _heartbeat(self) -> None:
        from tradewind.store import jobs

        if self.job_id is not None:
            jobs.heartbeat(self.job_id)

    def _parse_dag_files(self, force: bool = False) -> None:
        """Re-parse changed DAG files; forget cached DAGs whose serialized form changed."""
        from tradewind.scheduler.dag_sync import DagSync

        if self._processor is None:
            self._processor = DagSync()
        changed = self._processor.run_once(force=force)
        self._next_parse = time.monotonic() + self.settings.dag_dir_list_interval
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
        running = runs.list_dag_runs(state=DagRunState.RUNNING.value)
        paused = self._paused_dags()
        self._running_runs = {
            (r.dag_id, r.run_id): r for r in running
            if (r.dag_id, r.run_id) in self.only_runs
        } if self.only_runs is not None else {(r.dag_id, r.run_id): r for r in running if r.dag_id not in paused}
        self._sweeps += 1
        self._past.clear()
        changed = self._catch_up_on_writes(now)
        full = self._sweeps % _FULL_PLAN_EVERY == 0  # now and then, plan every run whole, as a safety net
        for key in self._running_runs:
            if full or key in self._reload:
                self._dirty[key] = None
            elif changed.get(key) and self._dirty.get(key, set()) is not None:
                info = self.cache.get(key[0])
                nodes = info.structure.nodes if info is not None else {}
                focus = {d for t in changed[key] for d in (t, *(nodes[t].downstream if t in nodes else ()))}
                self._dirty[key] = self._dirty.get(key, set()) | focus  # type: ignore[operator]
        self._occupancy = None
        self._holding.clear()
        self._check_only_runs = True
        for key in set(self._tis) - set(self._running_runs):
            del self._tis[key]
        self._next_create = None
        self._queued_hint = True
        self._find_orphans()

    def _catch_up_on_writes(self, now: datetime) -> dict[RunKey, set[str]]:
        """Bring cached runs up to date with what others wrote (clears, marks, orphan handling).

        Reads only the rows written since the last sweep (with a margin for clocks and slow
        commits), not every row of every run: a 10,000-task run costs a sweep what its changes
        cost. Returns, per run, the tasks whose state changed under us.
        """
        from tradewind.store import task_instances

        since, self._last_sweep = self._last_sweep, now
        changed: dict[RunKey, set[str]] = {}
        if since is None:
            self._reload.update(self._running_runs)
            return changed
        cached = [key for key in self._running_runs if key in self._tis and key not in self._reload]
        self._reload.update(key for key in self._running_runs if key not in self._tis)
        for ti in task_instances.changed_since(cached, since - _SWEEP_MARGIN):
            run_key, ti_key = (ti.dag_id, ti.run_id), (ti.task_id, ti.map_index)
            tis = self._tis[run_key]
            known = tis.get(ti_key)
            tis[ti_key] = ti
            if known is None or known.state != ti.state:
                changed.setdefault(run_key, set()).add(ti.task_id)
        return changed

    def _paused_dags(self) -> set[str]:
        """As Airflow: a paused DAG's runs neither start nor schedule tasks (backfills ignore pausing)."""
        from tradewind.store import dags

        return {d.dag_id for d in dags.list_dags(active_only=False) if d.is_paused}

    def _find_orphans(self) -> None:
        from tradewind.scheduler import orphans

        ours = self.executor.running if self.executor is not None else set()
        structures = {d: info.structure for d in {k[0] for k in ours} | set(self.cache.structures)
                      if (info := self.cache.get(d)) is not None}
        # instances our own executor is running are alive by definition; the rest is checked by pid/heartbeat
        if orphans.find_orphans(structures, heartbeat_timeout=self.settings.task_heartbeat_timeout, skip=ours):
            for key in list(self._running_runs):
                self._dirty[key] = None

    def _handle_events(self) -> None:
        if self.executor is None:
            return
        from tradewind.executors.base import DAG_CALLBACK

        for event in self.executor.get_events():
            dag_id, run_id, task_id, _ = event.key
            if task_id == DAG_CALLBACK:
                continue
            if self.on_task_event is not None:
                self.on_task_event(event)
            run_key = (dag_id, run_id)
            cached = self._tis.get(run_key)
            if event.record is not None and cached is not None:
                cached[(task_id, event.key[3])] = event.record  # the row as the worker stored it
            else:
                self._refresh.setdefault(run_key, set()).add(event.key)
            held = self._holding.pop(event.key, None)
            if held is not None and self._occupancy is not None:
                self._occupancy[1][held[0]] = self._occupancy[1].get(held[0], 0) - held[1]
                self._occupancy[2][dag_id] = self._occupancy[2].get(dag_id, 0) - 1
            info = self.cache.get(dag_id)
            focus = self._dirty.get(run_key, set()) if run_key in self._dirty else set()
            if focus is not None and info is not None and task_id in info.structure.nodes:
                focus = focus | {task_id, *info.structure.nodes[task_id].downstream}
            else:
                focus = None
            self._dirty[run_key] = focus
            if info is not None and info.depends_on_past:
                self._past.pop(dag_id, None)
                for other in self._running_runs:  # a later run may wait on this one's task (depends_on_past)
                    if other[0] == dag_id and other != run_key:
                        self._dirty[other] = None
            if run_key not in self._running_runs:
                self._next_sweep = 0.0

    def _fire_timers(self, now: datetime) -> None:
        while self._timers and self._timers[0][0] <= now:
            _, run_key_text = heapq.heappop(self._timers)
            dag_id, _, run_id = run_key_text.partition("\x00")
            if (dag_id, run_id) in self._running_runs:
                self._dirty[(dag_id, run_id)] = None

    def _add_timer(self, when: datetime, run_key: RunKey) -> None:
        heapq.heappush(self._timers, (when, f"{run_key[0]}\x00{run_key[1]}"))

    def _create_runs(self, now: datetime) -> None:
        from tradewind.scheduler.run_creation import create_dataset_runs

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

        queued = runs.list_dag_runs(state=DagRunState.QUEUED.value, newest_first=False) if self._may_have_queued() else []
        if not queued:
            return
        paused = self._paused_dags() if self.only_runs is None else set()
        running_per_dag: dict[str, int] = {}
        for dag_id, _ in self._running_runs:
            running_per_dag[dag_id] = running_per_dag.get(dag_id, 0) + 1
        for run in queued:
            key = (run.dag_id, run.run_id)
            if self.only_runs is not None and key not in self.only_runs:
                continue
            info = self.cache.get(run.dag_id)
            if info is None or run.dag_id in paused:
                continue
            if running_per_dag.get(run.dag_id, 0) >= info.structure.max_active_runs:
                continue
            if runs.set_dag_run_state(run.dag_id, run.run_id, DagRunState.RUNNING.value,
                                      expected={DagRunState.QUEUED.value}, start_date=run.start_date or now):
                running_per_dag[run.dag_id] = running_per_dag.get(run.dag_id, 0) + 1
                self._running_runs[key] = runs.get_dag_run(run.dag_id, run.run_id) or run
                self._dirty[key] = None
                self._reload.add(key)

    def _may_have_queued(self) -> bool:
        """Queued runs appear through triggers (wake-up/sweep), creation, or finished runs freeing room."""
        flag, self._queued_hint = self._queued_hint, False
        return flag

    def _plan_dirty_runs(self, now: datetime) -> None:
        from tradewind.scheduler.planner import plan
        from tradewind.store import task_instances
        from tradewind.store.task_instances import StateChange

        dirty, self._dirty = self._dirty, {}
        for run_key, focus in dirty.items():
            run = self._running_runs.get(run_key)
            info = self.cache.get(run_key[0])
            if run is None or info is None:
                continue
            if self._timed_out(run, info, now):
                continue
            tis = self._current_tis(run_key)
            past = self._past_states(run, info) if info.depends_on_past else None
            decided = plan(info.structure, tis.view, now, past_states=past, only=focus)
            if decided.changes:
                changes = list(decided.changes.items())
                applied = task_instances.set_states([
                    StateChange(run.dag_id, run.run_id, tid, mi, WAITING, state.value) for (tid, mi), state in changes
                ])
                for ((tid, mi), state), ok in zip(changes, applied):
                    if ok:
                        tis[(tid, mi)] = replace(tis[(tid, mi)], state=state.value)
                    else:
                        self._reload.add(run_key)
            if decided.expand:
                self._expand(run, info, decided.expand)
                self._dirty[run_key] = None
                self._reload.add(run_key)
                continue
            if decided.changes and focus is not None:
                # a decision may unblock tasks outside the focus (skips cascading): plan the rest too
                self._dirty.setdefault(run_key, None)
            if decided.run_state is not None and focus is None:
                self._finish_run(run, decided.run_state, now)
                continue
            if decided.run_state is not None:
                self._dirty[run_key] = None
            for tid, mi in decided.ready:
                self._add_pending(tis[(tid, mi)], info)
            if decided.wake_at is not None:
                self._add_timer(decided.wake_at, run_key)

    def _current_tis(self, run_key: RunKey) -> RunInstances:
        """The run's task instances: read whole when needed, else just the rows events named."""
        from tradewind.store import task_instances

        cached = self._tis.get(run_key)
        if cached is None or run_key in self._reload:
            self._reload.discard(run_key)
            self._refresh.pop(run_key, None)
            cached = self._tis[run_key] = RunInstances(task_instances.list_task_instances(*run_key))
            return cached
        keys = self._refresh.pop(run_key, None)
        if keys:
            for t in task_instances.get_many(keys):
                cached[(t.task_id, t.map_index)] = t
        return cached

    def _past_states(self, run: DagRunRecord, info: DagInfo) -> dict[str, str]:
        """Task states of the previous run, read once until one of the DAG's tasks ends or a sweep."""
        from tradewind.store import runs, task_instances

        cached = self._past.setdefault(run.dag_id, {})
        key = (run.dag_id, run.run_id)
        if key in cached:
            return cached[key]
        from tradewind.scheduler.planner import past_states

        prev = runs.previous_run(run.dag_id, run.logical_date)
        states = past_states(task_instances.list_task_instances(prev.dag_id, prev.run_id)) if prev is not None else {}
        cached[key] = states
        return states

    def _timed_out(self, run: DagRunRecord, info: DagInfo, now: datetime) -> bool:
        """dagrun_timeout: the run fails; what has not finished is skipped (running tries stop)."""
        from tradewind.store import task_instances
        from tradewind.store.task_instances import StateChange

        timeout = info.structure.dagrun_timeout
        if timeout is None or run.start_date is None:
            return False
        deadline = run.start_date + timeout
        if now < deadline:
            self._add_timer(deadline, (run.dag_id, run.run_id))
            return False
        log.warning("run %s of %s exceeded dagrun_timeout %s", run.run_id, run.dag_id, timeout)
        unfinished = [t for t in task_instances.list_task_instances(run.dag_id, run.run_id) if t.state not in FINISHED]
        task_instances.set_states([
            StateChange(*t.key, frozenset({t.state}), TaskState.SKIPPED.value) for t in unfinished
        ])
        self._finish_run(run, DagRunState.FAILED, now)
        return True

    def _expand(self, run: DagRunRecord, info: DagInfo, task_ids: list[str]) -> None:
        from tradewind.scheduler.expansion import expand_task, expansion_length, store_pull
        from tradewind.store import task_instances
        from tradewind.store.task_instances import StateChange

        mapped = {tid for tid, node in info.structure.nodes.items() if node.is_mapped}
        pull = store_pull(run.dag_id, run.run_id, mapped)
        for task_id in task_ids:
            node = info.structure.nodes[task_id]
            try:
                length = expansion_length(node.expand or {}, pull, task_id)
            except Exception as exc:  # noqa: BLE001 — a bad mapping input fails that task only
                log.error("cannot expand %s.%s: %s", run.dag_id, task_id, exc)
                task_instances.set_states([StateChange(run.dag_id, run.run_id, task_id, -1, WAITING, "failed")])
                continue
            expand_task(run.dag_id, run.run_id, node, length)

    def _finish_run(self, run: DagRunRecord, state: DagRunState, now: datetime) -> None:
        from tradewind.store import runs

        if runs.set_dag_run_state(run.dag_id, run.run_id, state.value, expected={DagRunState.RUNNING.value}, end_date=now):
            log.info("run %s of %s finished: %s", run.run_id, run.dag_id, state.value)
            info = self.cache.get(run.dag_id)
            if info is not None and info.has_dag_callbacks and self.executor is not None:
                from tradewind.executors.base import DAG_CALLBACK, Workload

                self.executor.queue(Workload(run.dag_id, run.run_id, DAG_CALLBACK, -1, fileloc=info.fileloc))
        self._running_runs.pop((run.dag_id, run.run_id), None)
        self._tis.pop((run.dag_id, run.run_id), None)
        self._check_only_runs = True
        self._queued_hint = True  # room for the next queued run of this DAG
        self._next_create = None

    # --- queueing work -------------------------------------------------------------------------
    def _add_pending(self, ti: Any, info: DagInfo) -> None:
        if ti.key in self._pending_keys or (self.executor is not None and ti.key in self.executor.running):
            return
        self._pending_keys.add(ti.key)
        heapq.heappush(self._pending, _Pending((-ti.priority_weight, ti.id), ti.key, ti.state, ti.pool, ti.pool_slots))

    def _queue_pending(self) -> None:
        """Send ready instances to the executor, best priority first, within every limit."""
        from tradewind.executors.base import Workload
        from tradewind.store import pools, task_instances
        from tradewind.store.task_instances import StateChange

        if not self._pending or self.executor is None or self.executor.open_slots <= 0:
            return
        if self._occupancy is None:
            self._occupancy = (
                {p.pool: p.slots for p in pools.list_pools()},
                task_instances.count_active("pool", slots=True),
                task_instances.count_active("dag_id"),
            )
        pool_size, pool_used, dag_used = self._occupancy
        chosen: list[_Pending] = []
        held: list[_Pending] = []
        slots = self.executor.open_slots
        while self._pending and len(chosen) < slots:
            item = heapq.heappop(self._pending)
            dag_id = item.key[0]
            info = self.cache.get(dag_id)
            if info is None or (dag_id, item.key[1]) not in self._running_runs:
                self._pending_keys.discard(item.key)
                continue
            size = pool_size.get(item.pool)
            if size is not None and size >= 0 and pool_used.get(item.pool, 0) + item.pool_slots > size:
                held.append(item)
                continue
            if dag_used.get(dag_id, 0) >= info.structure.max_active_tasks:
                held.append(item)
                continue
            pool_used[item.pool] = pool_used.get(item.pool, 0) + item.pool_slots
            dag_used[dag_id] = dag_used.get(dag_id, 0) + 1
            chosen.append(item)
        for item in held:
            heapq.heappush(self._pending, item)
        # blocked by a pool or max_active_tasks: wait for a task to end (or the sweep), don't spin
        self._blocked = bool(held) and not chosen
        if not chosen:
            return
        results = task_instances.set_states([
            StateChange(*item.key, frozenset({item.state}), TaskState.QUEUED.value) for item in chosen
        ])
        for item, ok in zip(chosen, results):
            self._pending_keys.discard(item.key)
            cached = self._tis.get((item.key[0], item.key[1]))
            if cached is not None and (item.key[2], item.key[3]) in cached:
                ti = cached[(item.key[2], item.key[3])]
                cached[(item.key[2], item.key[3])] = replace(ti, state=TaskState.QUEUED.value) if ok else ti
            if ok:
                info = self.cache.get(item.key[0])
                assert info is not None
                self._holding[item.key] = (item.pool, item.pool_slots)
                run = self._running_runs.get((item.key[0], item.key[1]))
                self.executor.queue(Workload(*item.key, fileloc=info.fileloc, dag_run=run))
            else:
                pool_used[item.pool] -= item.pool_slots
                dag_used[item.key[0]] -= 1

    # --- waiting -------------------------------------------------------------------------------
    def _wait(self) -> None:
        if self._dirty or self._stop:
            return
        if self._pending and self.executor is not None and self.executor.open_slots > 0 and not self._blocked_only():
            return
        now_mono = time.monotonic()
        deadline = min(self._next_sweep, self._next_heartbeat)
        if self.parse_dags:
            deadline = min(deadline, self._next_parse)
        now = _utcnow()
        for when in (self._timers[0][0] if self._timers else None, self._next_create):
            if when is not None:
                deadline = min(deadline, now_mono + max(0.0, (when - now).total_seconds()))
        timeout = max(0.0, deadline - now_mono)
        handles: list[Any] = list(self.executor.event_handles()) if self.executor is not None else []
        if self._wake is not None:
            handles.append(self._wake)
        ready: list[Any] = []
        if handles:
            ready = wait(handles, timeout)
        else:
            time.sleep(timeout)
        if ready and self._wake is not None and self._wake in ready:
            self._wake.drain()
            self._queued_hint = True
            self._next_create = None
            self._next_sweep = 0.0

    def _blocked_only(self) -> bool:
        """True when every pending instance waits for a pool/max_active_tasks slot (no busy loop)."""
        return self._blocked

    def _only_runs_active(self) -> bool:
        from tradewind.store import runs

        if self.only_runs is None:
            return True
        if not self._check_only_runs:
            return True
        self._check_only_runs = False
        for dag_id, run_id in self.only_runs:
            run = runs.get_dag_run(dag_id, run_id)
            if run is not None and run.state in (DagRunState.QUEUED.value, DagRunState.RUNNING.value):
                return True
        return False
