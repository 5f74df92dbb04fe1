"""The DAG: tasks, their edges, the schedule, and the defaults its tasks inherit."""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any

from tradewind.exceptions import DagCycleError, DagDefinitionError, DuplicateTaskIdError, TaskNotFound
from tradewind.sdk import dag_context
from tradewind.sdk.param import ParamsDict

if TYPE_CHECKING:
    import jinja2

    from tradewind.sdk.baseoperator import BaseOperator
    from tradewind.sdk.dag_test import DagTestRun
    from tradewind.timetables.base import DagRunInfo, DataInterval, Timetable

_NOTSET: Any = object()


class DAG:
    """A graph of tasks run together on a schedule. Works as `with DAG(...)` and via `@dag`."""

    def __init__(
        self,
        dag_id: str,
        description: str | None = None,
        schedule: Any = _NOTSET,
        start_date: datetime | None = None,
        end_date: datetime | None = None,
        default_args: dict[str, Any] | None = None,
        catchup: bool | None = None,
        params: dict[str, Any] | None = None,
        tags: Iterable[str] | None = None,
        doc_md: str | None = None,
        max_active_runs: int | None = None,
        max_active_tasks: int | None = None,
        dagrun_timeout: timedelta | None = None,
        on_success_callback: Callable | list[Callable] | None = None,
        on_failure_callback: Callable | list[Callable] | None = None,
        render_template_as_native_obj: bool = False,
        template_searchpath: str | Iterable[str] | None = None,
        user_defined_macros: dict[str, Any] | None = None,
        user_defined_filters: dict[str, Callable] | None = None,
        is_paused_upon_creation: bool | None = None,
        owner_links: dict[str, str] | None = None,
        schedule_interval: Any = _NOTSET,
        timetable: Any = _NOTSET,
        default_view: str = "grid",
        access_control: dict | None = None,
        jinja_environment_kwargs: dict | None = None,
        fail_stop: bool = False,
        dag_display_name: str | None = None,
        template_undefined: type[jinja2.Undefined] | None = None,
        concurrency: int | None = None,
        sla_miss_callback: Any = None,
        max_consecutive_failed_dag_runs: int | None = None,
        orientation: str | None = None,
        auto_register: bool | None = None,
        full_filepath: str | None = None,
    ) -> None:
        from tradewind.sdk.baseoperator import _check_identifier
        from tradewind.sdk.taskgroup import TaskGroup

        _check_identifier("dag_id", dag_id)
        self.dag_id = dag_id
        self.description = description
        self.default_args = dict(default_args or {})
        self.start_date = _aware(start_date if start_date is not None else self.default_args.get("start_date"))
        self.end_date = _aware(end_date if end_date is not None else self.default_args.get("end_date"))
        self.timezone: tzinfo = _dag_timezone(self.start_date)
        self.schedule = _pick_schedule(schedule, schedule_interval, timetable)
        self.catchup = _default_catchup() if catchup is None else bool(catchup)
        self.params = ParamsDict(params or {})
        self.tags = sorted(set(tags or ()))
        self.doc_md = doc_md
        self.max_active_runs = max_active_runs if max_active_runs is not None else _conf_int("max_active_runs_per_dag")
        if max_active_tasks is None:  # `concurrency` is Airflow's deprecated name for it
            max_active_tasks = concurrency if concurrency is not None else _conf_int("max_active_tasks_per_dag")
        self.max_active_tasks = max_active_tasks
        self.dagrun_timeout = dagrun_timeout
        self.on_success_callback = on_success_callback
        self.on_failure_callback = on_failure_callback
        self.render_template_as_native_obj = render_template_as_native_obj
        if isinstance(template_searchpath, str):
            template_searchpath = [template_searchpath]
        self.template_searchpath = list(template_searchpath or [])
        self.user_defined_macros = user_defined_macros or {}
        self.user_defined_filters = user_defined_filters or {}
        self.is_paused_upon_creation = is_paused_upon_creation
        self.owner_links = owner_links or {}
        self.default_view = default_view
        self.access_control = access_control
        self.jinja_environment_kwargs = dict(jinja_environment_kwargs or {})
        if template_undefined is not None:
            self.jinja_environment_kwargs.setdefault("undefined", template_undefined)
        self.fail_stop = fail_stop
        self._dag_display_name = dag_display_name
        self.task_dict: dict[str, BaseOperator] = {}
        self.edge_info: dict[tuple[str, str], dict[str, str]] = {}
        self.fileloc, self.lineno = _caller_location()
        from tradewind.sdk.airflow_args import warn_dag_ignored

        airflow_only = {
            "sla_miss_callback": sla_miss_callback,
            "access_control": access_control,
            "owner_links": owner_links,
            "orientation": orientation,
            "max_consecutive_failed_dag_runs": max_consecutive_failed_dag_runs,
            "full_filepath": full_filepath,
            "auto_register": auto_register,
        }
        warn_dag_ignored(airflow_only, (self.fileloc, self.lineno))
        self.task_group = TaskGroup.root(self)
        from tradewind.timetables import create_timetable

        self.timetable: Timetable = create_timetable(self.schedule, self.timezone, runs_at_tick=_runs_at_tick())
        dag_context.record_created(self)

    @property
    def dag_display_name(self) -> str:
        """Airflow 2.9's display name; the dag_id unless the file gave one."""
        return self._dag_display_name or self.dag_id

    @property
    def schedule_summary(self) -> str:
        """The schedule as the author wrote it when it is a string (``@daily``), else the timetable's."""
        return self.schedule if isinstance(self.schedule, str) else self.timetable.summary

    # --- context manager ---------------------------------------------------------------------
    def __enter__(self) -> DAG:
        dag_context.push_dag(self)
        return self

    def __exit__(self, *exc: object) -> None:
        dag_context.pop_dag()

    # --- tasks -------------------------------------------------------------------------------
    def add_task(self, task: BaseOperator) -> None:
        if task.task_id in self.task_dict and self.task_dict[task.task_id] is not task:
            raise DuplicateTaskIdError(f"task id '{task.task_id}' has already been added to DAG '{self.dag_id}'")
        if task.dag is not None and task.dag is not self:
            raise DagDefinitionError(f"task {task.task_id} already belongs to DAG '{task.dag.dag_id}'")
        task.dag = self
        if task.task_group is None:
            task.task_group = self.task_group
        if task.start_date is None:
            task.start_date = self.start_date
        self.task_dict[task.task_id] = task

    def add_tasks(self, tasks: Iterable[BaseOperator]) -> None:
        for task in tasks:
            self.add_task(task)

    @property
    def tasks(self) -> list[BaseOperator]:
        return list(self.task_dict.values())

    @property
    def task_ids(self) -> list[str]:
        return list(self.task_dict)

    def has_task(self, task_id: str) -> bool:
        return task_id in self.task_dict

    def get_task(self, task_id: str) -> BaseOperator:
        try:
            return self.task_dict[task_id]
        except KeyError:
            raise TaskNotFound(f"task '{task_id}' not found in DAG '{self.dag_id}'") from None

    @property
    def roots(self) -> list[BaseOperator]:
        return [t for t in self.task_dict.values() if not t.upstream_task_ids]

    @property
    def leaves(self) -> list[BaseOperator]:
        return [t for t in self.task_dict.values() if not t.downstream_task_ids]

    def set_edge_info(self, upstream_id: str, downstream_id: str, info: dict[str, str]) -> None:
        self.edge_info[(upstream_id, downstream_id)] = info

    def get_edge_info(self, upstream_id: str, downstream_id: str) -> dict[str, str]:
        return self.edge_info.get((upstream_id, downstream_id), {})

    def check_cycle(self) -> None:
        """Raise DagCycleError naming the loop, e.g. `a -> b -> c -> a`."""
        white, grey, black = 0, 1, 2
        color = dict.fromkeys(self.task_dict, white)
        for start in self.task_dict:
            if color[start] != white:
                continue
            path = [start]
            stack = [iter(sorted(self.task_dict[start].downstream_task_ids))]
            color[start] = grey
            while stack:
                child = next(stack[-1], None)
                if child is None:
                    color[path.pop()] = black
                    stack.pop()
                    continue
                if color[child] == grey:
                    loop = [*path[path.index(child) :], child]
                    raise DagCycleError(f"cycle detected in DAG '{self.dag_id}': {' -> '.join(loop)}")
                if color[child] == white:
                    color[child] = grey
                    path.append(child)
                    stack.append(iter(sorted(self.task_dict[child].downstream_task_ids)))

    def topological_sort(self) -> list[BaseOperator]:
        """Tasks with every upstream before its downstream (stable: ties keep definition order)."""
        from graphlib import CycleError, TopologicalSorter

        order = {tid: i for i, tid in enumerate(self.task_dict)}
        sorter = TopologicalSorter({tid: t.upstream_task_ids for tid, t in self.task_dict.items()})
        try:
            sorter.prepare()
        except CycleError:
            self.check_cycle()
            raise
        out: list[BaseOperator] = []
        while sorter.is_active():
            ready = sorted(sorter.get_ready(), key=order.__getitem__)
            out.extend(self.task_dict[t] for t in ready)
            sorter.done(*ready)
        return out

    def partial_subset(
        self, task_ids_or_regex: str | Iterable[str], include_upstream: bool = False, include_downstream: bool = False
    ) -> set[str]:
        """Task ids matching a regex or list, plus their upstream/downstream if asked."""
        if isinstance(task_ids_or_regex, str):
            pattern = re.compile(task_ids_or_regex)
            chosen = {t for t in self.task_dict if pattern.search(t)}
        else:
            chosen = set(task_ids_or_regex)
        result = set(chosen)
        for tid in chosen:
            if include_upstream:
                result |= self.get_relatives(tid, upstream=True)
            if include_downstream:
                result |= self.get_relatives(tid, upstream=False)
        return result

    def get_relatives(self, task_id: str, *, upstream: bool) -> set[str]:
        seen: set[str] = set()
        todo = [task_id]
        while todo:
            task = self.task_dict[todo.pop()]
            nxt = task.upstream_task_ids if upstream else task.downstream_task_ids
            for t in nxt - seen:
                seen.add(t)
                todo.append(t)
        return seen

    # --- schedule ----------------------------------------------------------------------------
    def infer_manual_data_interval(self, logical_date: datetime) -> DataInterval:
        """The interval a manual run (trigger/test) at `logical_date` covers."""
        return self.timetable.infer_manual_data_interval(run_after=logical_date)

    def next_dagrun_info(
        self, last_automated_data_interval: DataInterval | None, *, now: datetime | None = None
    ) -> DagRunInfo | None:
        from tradewind.timetables.base import TimeRestriction

        restriction = TimeRestriction(earliest=self.start_date, latest=self.end_date, catchup=self.catchup)
        return self.timetable.next_dagrun_info(
            last_automated_data_interval=last_automated_data_interval, restriction=restriction, now=now
        )

    # --- testing -----------------------------------------------------------------------------
    def test(
        self,
        logical_date: datetime | None = None,
        run_conf: dict[str, Any] | None = None,
        conn_file_path: str | None = None,
        variable_file_path: str | None = None,
        use_executor: bool = False,
        mark_success_pattern: str | re.Pattern[str] | None = None,
        *,
        execution_date: datetime | None = None,
    ) -> DagTestRun:
        """Run the whole DAG once, now, in this process, and return the run (Airflow's `dag.test()`).

        For `if __name__ == "__main__": dag.test()` at the end of a DAG file, a notebook or a
        debugger: tasks run here (breakpoints in them are hit) unless `use_executor`. Connections
        and variables may come from a JSON/YAML file; tasks whose id matches `mark_success_pattern`
        are marked successful unrun. `execution_date` is Airflow 2's name for `logical_date`.
        Creates the metadata database if there is none yet. A failed run is returned, not raised.
        """
        from tradewind.sdk.dag_test import test_dag

        return test_dag(
            self,
            logical_date=logical_date or execution_date,
            run_conf=run_conf,
            conn_file_path=conn_file_path,
            variable_file_path=variable_file_path,
            use_executor=use_executor,
            mark_success_pattern=mark_success_pattern,
        )

    # --- templates ---------------------------------------------------------------------------
    @functools.cached_property
    def template_searchpath_resolved(self) -> list[str]:
        import os

        folder = os.path.dirname(os.path.abspath(self.fileloc)) if self.fileloc else os.getcwd()
        return [folder, *self.template_searchpath]

    def get_template_env(self) -> jinja2.Environment:
        """The Jinja environment templates of this DAG render in (search path, macros, filters)."""
        from tradewind.runtime.templating import make_jinja_env

        return make_jinja_env(
            searchpath=self.template_searchpath_resolved,
            user_defined_macros=self.user_defined_macros,
            user_defined_filters=self.user_defined_filters,
            native=self.render_template_as_native_obj,
            jinja_environment_kwargs=self.jinja_environment_kwargs,
        )

    @property
    def owner(self) -> str:
        return ", ".join(sorted({t.owner for t in self.task_dict.values()}))

    @property
    def relative_fileloc(self) -> str:
        return self.fileloc

    def __repr__(self) -> str:
        return f"<DAG: {self.dag_id}>"


def dag(dag_id: str | Callable | None = None, **dag_kwargs: Any) -> Callable[[Callable[..., Any]], Callable[..., DAG]]:
    """`@dag(...)` over a function that builds the tasks; calling the function returns the DAG.

    The function's parameters become DAG params (their defaults the param defaults), like Airflow.
    """

    def decorator(fn: Callable[..., Any]) -> Callable[..., DAG]:
        import inspect

        @functools.wraps(fn)
        def factory(*args: Any, **kwargs: Any) -> DAG:
            sig = inspect.signature(fn)
            params = dict(dag_kwargs.get("params") or {})
            for name, p in sig.parameters.items():
                if p.default is not inspect.Parameter.empty and name not in params:
                    params[name] = p.default
            kwargs_for_dag = {**dag_kwargs, "params": params}
            the_dag = DAG(dag_id if isinstance(dag_id, str) else fn.__name__, **kwargs_for_dag)
            the_dag.fileloc, the_dag.lineno = _caller_location()
            the_dag.doc_md = the_dag.doc_md or fn.__doc__
            from tradewind.sdk.xcom_arg import DagParamArg

            with the_dag:
                bound = sig.bind_partial(*args, **kwargs)
                call_kwargs = {
                    name: bound.arguments.get(name, DagParamArg(the_dag, name))
                    for name in sig.parameters
                    if name in bound.arguments or sig.parameters[name].default is not inspect.Parameter.empty
                }
                fn(**call_kwargs)
            return the_dag

        return factory

    if callable(dag_id):  # bare @dag
        fn, dag_id = dag_id, None
        return decorator(fn)  # type: ignore[return-value]
    return decorator


def _caller_location() -> tuple[str, int]:
    """File and line of the first frame outside Tradewind's own code (the user's DAG file)."""
    import os

    here = os.path.dirname(os.path.abspath(__file__))  # frames inside tradewind/sdk are ours
    frame = sys._getframe(1)
    while frame is not None:
        filename = frame.f_code.co_filename
        if not os.path.abspath(filename).startswith(here + os.sep) and not filename.startswith("<frozen"):
            return filename, frame.f_lineno
        frame = frame.f_back  # type: ignore[assignment]
    return "", 0


def _pick_schedule(schedule: Any, schedule_interval: Any, timetable: Any) -> Any:
    given = [v for v in (schedule, schedule_interval, timetable) if v is not _NOTSET]
    if len(given) > 1:
        raise DagDefinitionError("pass only one of schedule, schedule_interval and timetable")
    if not given:
        return timedelta(days=1)  # Airflow 2's default when no schedule is given
    return given[0]


def _aware(value: datetime | None) -> datetime | None:
    """Naive datetimes are read in the configured default timezone, as Airflow does."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        raise DagDefinitionError(f"start_date/end_date must be a datetime, not {value!r}")
    if value.tzinfo is None:
        return value.replace(tzinfo=_default_timezone())
    return value


def _dag_timezone(start_date: datetime | None) -> tzinfo:
    if start_date is not None and start_date.tzinfo is not None:
        return start_date.tzinfo
    return _default_timezone()


@functools.cache
def _default_timezone_cached(name: str) -> tzinfo:
    from datetime import timezone
    from zoneinfo import ZoneInfo

    if name.lower() in ("utc", "z"):
        return timezone.utc
    try:
        return ZoneInfo(name)
    except Exception:
        raise DagDefinitionError(f"unknown time zone in [core] default_timezone: {name!r}") from None


def _default_timezone() -> tzinfo:
    from tradewind.config import conf

    return _default_timezone_cached(str(conf.get("core", "default_timezone")))


def _default_catchup() -> bool:
    from tradewind.config import conf

    return bool(conf.getboolean("core", "catchup_by_default"))


def _runs_at_tick() -> bool:
    from tradewind.config import conf

    return bool(conf.getboolean("core", "cron_runs_at_tick"))


def _conf_int(key: str) -> int:
    from tradewind.config import conf

    return int(conf.getint("core", key))
