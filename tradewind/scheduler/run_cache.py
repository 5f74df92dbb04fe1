"""The scheduler's memory of its running runs: their records and task instances, kept current cheaply.

One task's end must cost a read of that task's row, not of its whole run: the cache keeps each
running run's instances (with the planner's index, `RunView`, updated on every write), takes the
rows workers send with their events, re-reads only the rows an event named when none was sent,
and at each sweep reads only the rows written since the previous sweep.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tradewind.executors.messages import TIKey
    from tradewind.scheduler.dag_cache import DagInfo
    from tradewind.store.records import DagRunRecord, TaskInstanceRecord

RunKey = tuple[str, str]  # dag_id, run_id
#: Writes stamped up to this long before a sweep are read again (clocks and slow commits).
SWEEP_MARGIN = timedelta(seconds=5)


class RunInstances(dict[tuple[str, int], Any]):
    """A running run's task-instance records, with the planner's index kept in step on every write."""

    def __init__(self, records: Any = ()) -> None:
        from tradewind.scheduler.planner import RunView

        super().__init__(((t.task_id, t.map_index), t) for t in records)
        self.view = RunView(self.values())

    def __setitem__(self, key: tuple[str, int], ti: Any) -> None:
        super().__setitem__(key, ti)
        self.view.update(ti)

    def set_state(self, key: tuple[str, int], state: str) -> None:
        """Record a state this process stored itself (no read back)."""
        if key in self:
            self[key] = replace(self[key], state=state)


class RunCache:
    """Running runs (`runs`) and their task instances, read whole only when needed."""

    def __init__(self) -> None:
        self.runs: dict[RunKey, DagRunRecord] = {}
        self._tis: dict[RunKey, RunInstances] = {}
        self._reload: set[RunKey] = set()  # read whole at the next `instances()`
        self._refresh: dict[RunKey, set[TIKey]] = {}  # rows to re-read at the next `instances()`
        self._past: dict[str, dict[RunKey, dict[str, str]]] = {}  # dag_id → run → previous run's states
        self._last_sweep: datetime | None = None

    def __contains__(self, run_key: object) -> bool:
        return run_key in self.runs

    def set_running(self, runs: dict[RunKey, DagRunRecord]) -> None:
        """The running runs as a sweep read them; forget the instances of the others."""
        self.runs = runs
        self._past.clear()
        for key in set(self._tis) - set(runs):
            del self._tis[key]

    def add(self, run: DagRunRecord) -> None:
        key = (run.dag_id, run.run_id)
        self.runs[key] = run
        self._reload.add(key)

    def remove(self, run_key: RunKey) -> None:
        self.runs.pop(run_key, None)
        self._tis.pop(run_key, None)

    def reload(self, run_key: RunKey) -> None:
        """Read the run's instances whole next time (our picture may be stale)."""
        self._reload.add(run_key)

    def stale(self, key: TIKey) -> None:
        """Someone else moved this instance (another scheduler queued it first): re-read its row,
        only it, before the run is planned again."""
        self._refresh.setdefault((key[0], key[1]), set()).add(key)

    def cached(self, run_key: RunKey) -> RunInstances | None:
        return self._tis.get(run_key)

    def heard(self, key: TIKey, record: TaskInstanceRecord | None) -> None:
        """An executor event for `key`: take the stored row it carries, or re-read that row later."""
        run_key = (key[0], key[1])
        cached = self._tis.get(run_key)
        if record is not None and cached is not None:
            cached[(key[2], key[3])] = record
        else:
            self._refresh.setdefault(run_key, set()).add(key)

    def instances(self, run_key: RunKey) -> RunInstances:
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

    def catch_up_on_writes(self, now: datetime) -> dict[RunKey, set[str]]:
        """Bring cached runs up to date with what others wrote (clears, marks, orphan handling).

        Reads only the rows written since the last sweep (with a margin), not every row of every
        run: a 10,000-task run costs a sweep what its changes cost. Returns, per run, the tasks
        whose state changed under us.
        """
        from tradewind.store import task_instances

        since, self._last_sweep = self._last_sweep, now
        changed: dict[RunKey, set[str]] = {}
        if since is None:
            self._reload.update(self.runs)
            return changed
        cached = [key for key in self.runs if key in self._tis and key not in self._reload]
        self._reload.update(key for key in self.runs if key not in self._tis)

        def unknown(row: Any) -> bool:  # every write stamps updated_at: the same stamp is a row we hold
            tis = self._tis[(row.dag_id, row.run_id)]
            known = tis.get((row.task_id, row.map_index))
            return known is None or known.updated_at != row.updated_at

        for ti in task_instances.changed_since(cached, since - SWEEP_MARGIN, unknown):
            run_key, ti_key = (ti.dag_id, ti.run_id), (ti.task_id, ti.map_index)
            tis = self._tis[run_key]
            known = tis.get(ti_key)
            tis[ti_key] = ti
            if known is None or known.state != ti.state:
                changed.setdefault(run_key, set()).add(ti.task_id)
        return changed

    def is_reloading(self, run_key: RunKey) -> bool:
        return run_key in self._reload

    def past_states(self, run: DagRunRecord, info: DagInfo) -> dict[str, str]:
        """Task states of the previous run, read once until one of the DAG's tasks ends or a sweep."""
        from tradewind.scheduler.planner import past_states
        from tradewind.store import runs, task_instances

        cached = self._past.setdefault(run.dag_id, {})
        key = (run.dag_id, run.run_id)
        if key not in cached:
            prev = runs.previous_run(run.dag_id, run.logical_date)
            cached[key] = past_states(task_instances.list_task_instances(prev.dag_id, prev.run_id)) if prev else {}
        return cached[key]

    def forget_past(self, dag_id: str) -> None:
        self._past.pop(dag_id, None)
