"""`ExternalTaskSensor`: wait for another DAG's task(s), task group, or whole run at matching logical dates."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from tradewind.exceptions import DagDefinitionError, DagNotFound, FailTask, SkipTask, TaskNotFound
from tradewind.sdk.baseoperator import BaseOperator, Context
from tradewind.sensors.base import BaseSensorOperator
from tradewind.timetables.base import as_utc

if TYPE_CHECKING:
    from tradewind.structure import DagStructure

__all__ = ["ExternalTaskMarker", "ExternalTaskSensor"]


class ExternalTaskSensor(BaseSensorOperator):
    """Done when every watched instance is in `allowed_states` at every logical date it looks at.

    It looks at the same logical date as its own run by default, `logical_date - execution_delta`,
    or the date(s) `execution_date_fn(logical_date, context)` returns. With no task, task ids or
    task group it watches the external DAG run's own state. Any watched instance in
    `failed_states` fails the sensor at once (no retry); any in `skipped_states` skips it.
    """

    template_fields = ("external_dag_id", "external_task_id", "external_task_ids", "external_task_group_id")
    ui_color = "#4db7db"

    def __init__(
        self,
        *,
        external_dag_id: str,
        external_task_id: str | None = None,
        external_task_ids: Iterable[str] | None = None,
        external_task_group_id: str | None = None,
        allowed_states: Iterable[str] | None = None,
        skipped_states: Iterable[str] | None = None,
        failed_states: Iterable[str] | None = None,
        execution_delta: timedelta | None = None,
        execution_date_fn: Callable[..., Any] | None = None,
        check_existence: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if external_task_id is not None and external_task_ids is not None:
            raise DagDefinitionError(f"{self.task_id}: pass external_task_id or external_task_ids, not both")
        if external_task_group_id is not None and (external_task_id is not None or external_task_ids is not None):
            raise DagDefinitionError(f"{self.task_id}: pass external_task_group_id or task ids, not both")
        if execution_delta is not None and execution_date_fn is not None:
            raise DagDefinitionError(f"{self.task_id}: pass execution_delta or execution_date_fn, not both")
        self.external_dag_id = external_dag_id
        self.external_task_id = external_task_id
        self.external_task_ids = (
            [external_task_id]
            if external_task_id is not None
            else (list(external_task_ids) if external_task_ids is not None else None)
        )
        self.external_task_group_id = external_task_group_id
        self.allowed_states = [str(s) for s in (allowed_states or ["success"])]
        self.skipped_states = [str(s) for s in (skipped_states or [])]
        self.failed_states = [str(s) for s in (failed_states or [])]
        _check_states(
            self.task_id,
            self.allowed_states + self.skipped_states + self.failed_states,
            watch_run=self.external_task_ids is None and external_task_group_id is None,
        )
        overlap = set(self.allowed_states) & (set(self.failed_states) | set(self.skipped_states))
        if overlap:
            raise DagDefinitionError(
                f"{self.task_id}: states {sorted(overlap)} cannot be both allowed and failed/skipped"
            )
        if self.external_task_ids is not None and len(set(self.external_task_ids)) != len(self.external_task_ids):
            raise DagDefinitionError(f"{self.task_id}: duplicate task ids in external_task_ids")
        self.execution_delta = execution_delta
        self.execution_date_fn = execution_date_fn
        self.check_existence = check_existence
        self._checked_existence = False

    # --- what to look at -----------------------------------------------------------------------
    def logical_dates(self, context: Context) -> list[datetime]:
        """The external logical dates this poke checks (aware UTC; a naive date is taken as UTC)."""
        logical_date = context["logical_date"]
        if self.execution_delta is not None:
            found: Any = logical_date - self.execution_delta
        elif self.execution_date_fn is not None:
            found = _call_date_fn(self.execution_date_fn, logical_date, context)
        else:
            found = logical_date
        dates = found if isinstance(found, (list, tuple)) else [found]
        return [as_utc(d) for d in dates]

    def watched_task_ids(self) -> list[str] | None:
        """The external task ids to count; None to watch the DAG run itself."""
        if self.external_task_group_id is not None:
            return _group_task_ids(self.external_dag_id, self.external_task_group_id)
        return self.external_task_ids

    # --- the poke -------------------------------------------------------------------------------
    def poke(self, context: Context) -> bool:
        if self.check_existence and not self._checked_existence:  # once per process, as Airflow
            self._check_existence()
            self._checked_existence = True
        dates = self.logical_dates(context)
        task_ids = self.watched_task_ids()
        what = f"tasks {task_ids} of DAG" if task_ids is not None else "DAG"
        self.log.info("Poking for %s %s at %s", what, self.external_dag_id, ", ".join(d.isoformat() for d in dates))
        states = _watched_states(self.external_dag_id, task_ids, dates)
        failed = [key for key, found in states.items() if found & set(self.failed_states)]
        if failed:
            message = f"{what} {self.external_dag_id} reached a failed state: {_describe(failed)}"
            if self.soft_fail:
                raise SkipTask(message)
            raise FailTask(message)
        skipped = [key for key, found in states.items() if found & set(self.skipped_states)]
        if skipped:
            raise SkipTask(f"{what} {self.external_dag_id} reached a skipped state: {_describe(skipped)}")
        allowed = set(self.allowed_states)
        return all(found and found <= allowed for found in states.values())

    def _check_existence(self) -> None:
        _structure(self.external_dag_id)  # DagNotFound if it does not exist
        if self.external_task_ids:
            known = _serialized_task_ids(self.external_dag_id)
            missing = [t for t in self.external_task_ids if t not in known]
            if missing:
                raise TaskNotFound(f"The external task(s) {missing} in DAG {self.external_dag_id} do not exist.")
        elif self.external_task_group_id is not None:
            _group_task_ids(self.external_dag_id, self.external_task_group_id)


class ExternalTaskMarker(BaseOperator):
    """Names a task in another DAG that waits for this one (with an ExternalTaskSensor); runs as a no-op.

    Airflow also clears that external task when this one is cleared with its downstream; Tradewind
    accepts the marker (so Airflow DAG files load) but does not clear across DAGs yet.
    """

    template_fields = ("external_dag_id", "external_task_id", "logical_date")
    ui_color = "#4db7db"

    def __init__(
        self,
        *,
        external_dag_id: str,
        external_task_id: str,
        logical_date: str | datetime | None = "{{ logical_date.isoformat() }}",
        execution_date: str | datetime | None = None,
        recursion_depth: int = 10,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if recursion_depth <= 0:
            raise DagDefinitionError(f"{self.task_id}: recursion_depth must be a positive integer")
        self.external_dag_id = external_dag_id
        self.external_task_id = external_task_id
        self.logical_date = execution_date if execution_date is not None else logical_date
        self.recursion_depth = recursion_depth

    def execute(self, context: Context) -> None:
        return None


def _check_states(task_id: str, states: list[str], *, watch_run: bool) -> None:
    """A misspelt state would make the sensor wait until its timeout: refuse it when the DAG loads (as Airflow)."""
    from tradewind.states import DagRunState, TaskState

    known = [s.value for s in (DagRunState if watch_run else TaskState)]
    unknown = sorted(set(states) - set(known))
    if unknown:
        what = "DAG run" if watch_run else "task instance"
        raise DagDefinitionError(f"{task_id}: {unknown} are not {what} states; use {', '.join(known)}")


def _call_date_fn(fn: Callable[..., Any], logical_date: datetime, context: Context) -> Any:
    """Airflow passes the logical date first, then whichever context entries the function names."""
    from tradewind.operators.python import callable_kwargs

    kwargs = callable_kwargs(fn, context, [logical_date], {})
    first = next(iter(inspect.signature(fn).parameters), None)
    if first is not None:
        kwargs.pop(first, None)  # given positionally (a **kwargs function would get it twice)
    return fn(logical_date, **kwargs)


def _watched_states(dag_id: str, task_ids: list[str] | None, dates: list[datetime]) -> dict[tuple[str, str], set[str]]:
    """{(logical date, task id or ""): states of its instances (every map index)}; empty set if not there yet."""
    from tradewind.runtime import comms
    from tradewind.runtime.protocol import FindDagRun, GetTaskStates

    out: dict[tuple[str, str], set[str]] = {}
    for date in dates:
        stamp = date.isoformat()
        run = comms.request(FindDagRun(dag_id, date))
        if task_ids is None:
            out[(stamp, "")] = {run.state} if run is not None else set()
            continue
        found: dict[str, set[str]] = {tid: set() for tid in task_ids}
        if run is not None:
            for task_id, _, state in comms.request(GetTaskStates(dag_id, run.run_id)):
                if task_id in found:
                    found[task_id].add(state)
        out.update(((stamp, tid), s) for tid, s in found.items())
    return out


def _describe(keys: list[tuple[str, str]]) -> str:
    return ", ".join(f"{tid or 'run'} at {stamp}" for stamp, tid in keys)


def _structure(dag_id: str) -> DagStructure:
    from tradewind.runtime import comms
    from tradewind.runtime.protocol import GetSerializedDag
    from tradewind.structure import DagStructure

    data = comms.request(GetSerializedDag(dag_id))
    if data is None:
        raise DagNotFound(f"The external DAG {dag_id} does not exist.")
    return DagStructure.from_serialized(data)


def _serialized_task_ids(dag_id: str) -> set[str]:
    return set(_structure(dag_id).nodes)


def _group_task_ids(dag_id: str, group_id: str) -> list[str]:
    """Every task id inside the external DAG's task group (nested groups included)."""
    group = _structure(dag_id).task_group.find(group_id)
    if group is None:
        raise TaskNotFound(f"The external task group {group_id!r} in DAG {dag_id} does not exist.")
    return group.task_ids()
