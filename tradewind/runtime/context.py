"""The template context a task sees: Airflow 2's keys, with the same values for the same run.

Dates are pendulum `DateTime`s in UTC, as Airflow hands them out, so `{{ data_interval_start
.subtract(days=1).to_date_string() }}` and `{{ logical_date.in_timezone("Asia/Tokyo") }}` work
unchanged; pendulum is imported here, when a task runs, never by `import tradewind`. `ds`, `ts`
and friends are derived from the logical date in UTC, as Airflow does, not in the DAG's
timezone. `var` and `conn` look values up only when a template reads them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta, timezone
from typing import Any

from tradewind.exceptions import NotFound, TemplateError


def build_context(
    *,
    dag: Any,
    task: Any,
    ti: Any,
    dag_run: Any,
    params: Mapping[str, Any],
    conf: Any = None,
    test_mode: bool = False,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Airflow's `TaskInstance.get_template_context()`; `extra` keys are added last (and win)."""
    from tradewind.runtime import macros

    if conf is None:
        from tradewind.config import conf

    logical_date = _utc(dag_run.logical_date)
    start, end = _data_interval(dag, dag_run, logical_date)
    ds = logical_date.strftime("%Y-%m-%d")
    ds_nodash = ds.replace("-", "")
    ts = logical_date.isoformat()
    if getattr(dag_run, "external_trigger", False):
        # Airflow: a manual run has no schedule to step along, so next/prev are its own date.
        next_date: datetime | None = logical_date
        prev_date: datetime | None = logical_date
    else:
        next_date = end
        prev_date = _previous_schedule(dag, logical_date)
    day = date(logical_date.year, logical_date.month, logical_date.day)  # in UTC: no DST, one day is 24 hours
    yesterday, tomorrow = day - _ONE_DAY, day + _ONE_DAY  # plain dates: pendulum's arithmetic costs ~50 page copies
    prev_success = _PreviousSuccess(dag_run)

    context: dict[str, Any] = {
        "conf": conf,
        "conn": ConnectionAccessor(),
        "dag": dag,
        "dag_run": dag_run,
        "data_interval_end": end,
        "data_interval_start": start,
        "ds": ds,
        "ds_nodash": ds_nodash,
        "execution_date": logical_date,
        "expanded_ti_count": None,
        "inlets": _list_attr(task, "inlets"),
        "inlet_events": _inlet_events(task),
        "logical_date": logical_date,
        "macros": macros,
        "map_index_template": getattr(task, "map_index_template", None),
        "next_ds": _ds(next_date),
        "next_ds_nodash": _ds_nodash(next_date),
        "next_execution_date": next_date,
        "outlets": _list_attr(task, "outlets"),
        "outlet_events": _outlet_events(),
        "params": params,
        "prev_data_interval_end_success": _lazy_success_date(prev_success, "data_interval_end"),
        "prev_data_interval_start_success": _lazy_success_date(prev_success, "data_interval_start"),
        "prev_ds": _ds(prev_date),
        "prev_ds_nodash": _ds_nodash(prev_date),
        "prev_end_date_success": _lazy_success_date(prev_success, "end_date"),
        "prev_execution_date": prev_date,
        "prev_execution_date_success": _lazy_success_date(prev_success, "logical_date"),
        "prev_start_date_success": _lazy_success_date(prev_success, "start_date"),
        "run_id": dag_run.run_id,
        "task": task,
        "task_instance": ti,
        "task_instance_key_str": f"{dag_run.dag_id}__{task.task_id}__{ds_nodash}",
        "templates_dict": None,
        "test_mode": test_mode,
        "ti": ti,
        "triggering_dataset_events": _triggering_dataset_events(dag_run),
        "tomorrow_ds": _ds(tomorrow),
        "tomorrow_ds_nodash": _ds_nodash(tomorrow),
        "try_number": getattr(ti, "try_number", None),
        "ts": ts,
        "ts_nodash": logical_date.strftime("%Y%m%dT%H%M%S"),
        "ts_nodash_with_tz": ts.replace("-", "").replace(":", ""),
        "var": {"json": VariableAccessor(deserialize_json=True), "value": VariableAccessor(deserialize_json=False)},
        "yesterday_ds": _ds(yesterday),
        "yesterday_ds_nodash": _ds_nodash(yesterday),
    }
    if extra:
        context.update(extra)
    return context


def _utc(value: datetime) -> datetime:
    """A pendulum `DateTime` in UTC, as Airflow's context has; a naive value is read as UTC, as stored."""
    import pendulum

    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return pendulum.instance(value.astimezone(timezone.utc), tz=pendulum.UTC)


class _PreviousSuccess:
    """The DAG's last successful run before this one (Airflow's `prev_*_success` keys), read once on first use.

    A plain class, not `functools.cache` on a closure: building that wrapper in every task's
    process touched ~16 pages of functools' shared code (measured), for a lookup most tasks never make.
    """

    __slots__ = ("_dag_run", "_run", "_read")

    def __init__(self, dag_run: Any) -> None:
        self._dag_run = dag_run
        self._run: Any = None
        self._read = False

    def __call__(self) -> Any:
        if not self._read:
            self._run = self._lookup()
            self._read = True
        return self._run

    def _lookup(self) -> Any:
        dag_run = self._dag_run
        if getattr(dag_run, "id", None) is None:
            return None  # no store behind the run
        from tradewind.runtime import comms
        from tradewind.runtime.protocol import GetPrevSuccessfulRun

        return comms.request(GetPrevSuccessfulRun(dag_run.dag_id, dag_run.logical_date))


def _lazy_success_date(lookup: Callable[[], Any], attribute: str) -> Any:
    """As Airflow: a lazy proxy, so a task that never reads `prev_*_success` costs no query (most do not)."""
    import lazy_object_proxy

    def value() -> datetime | None:
        run = lookup()
        found = None if run is None else getattr(run, attribute)
        return None if found is None else _utc(found)

    return lazy_object_proxy.Proxy(value)


def _data_interval(dag: Any, dag_run: Any, logical_date: datetime) -> tuple[datetime, datetime]:
    start, end = dag_run.data_interval_start, dag_run.data_interval_end
    if start is not None and end is not None:
        return _utc(start), _utc(end)
    infer = getattr(dag, "infer_manual_data_interval", None)  # a run stored without one, as Airflow infers it
    if infer is not None:
        interval = infer(logical_date)
        return _utc(interval.start), _utc(interval.end)
    return logical_date, logical_date


def _previous_schedule(dag: Any, logical_date: datetime) -> datetime | None:
    """Airflow's `dag.previous_schedule`: one step back on an interval schedule, else None."""
    step_back = getattr(getattr(dag, "timetable", None), "_get_prev", None)
    if step_back is None:
        return None
    try:
        return _utc(step_back(logical_date))
    except NotImplementedError:
        return None


_ONE_DAY = timedelta(days=1)


def _ds(value: date | None) -> str | None:
    return None if value is None else value.strftime("%Y-%m-%d")


def _ds_nodash(value: date | None) -> str | None:
    return None if value is None else value.strftime("%Y%m%d")


def _inlet_events(task: Any) -> Any:
    from tradewind.datasets import InletEventsAccessors

    return InletEventsAccessors(_list_attr(task, "inlets"))


def _outlet_events() -> Any:
    from tradewind.datasets import OutletEventAccessors

    return OutletEventAccessors()


def _triggering_dataset_events(dag_run: Any) -> dict[str, list[Any]]:
    """uri → events that created a dataset-triggered run (one query, only for such runs); else {}."""
    if getattr(dag_run, "run_type", None) != "dataset_triggered" or getattr(dag_run, "id", None) is None:
        return {}
    from tradewind.runtime import comms
    from tradewind.runtime.protocol import GetTriggeringEvents

    events: dict[str, list[Any]] = comms.request(GetTriggeringEvents(dag_run.id))
    return events


def _list_attr(task: Any, name: str) -> list[Any]:
    value = getattr(task, name, None)
    return value if isinstance(value, list) else list(value or [])


# --- lazy accessors: `{{ var.value.key }}`, `{{ var.json.key.field }}`, `{{ conn.my_db.host }}` --
class _Unset:
    pass


_UNSET: Any = _Unset()


class VariableAccessor:
    """Reads a Variable when a template names it; a missing one is a clear template error."""

    __slots__ = ("_deserialize_json",)

    def __init__(self, *, deserialize_json: bool) -> None:
        self._deserialize_json = deserialize_json

    def __getattr__(self, key: str) -> Any:
        if key.startswith("__"):  # copy, pickle and friends probe for dunders: never a variable
            raise AttributeError(key)
        return self.get(key)

    def __getitem__(self, key: str) -> Any:
        return self.get(key)

    def get(self, key: str, default: Any = _UNSET) -> Any:
        from tradewind.models.variable import Variable

        try:
            if default is _UNSET:
                return Variable.get(key, deserialize_json=self._deserialize_json)
            return Variable.get(key, default, deserialize_json=self._deserialize_json)
        except json.JSONDecodeError as exc:
            raise TemplateError(f"variable '{key}' is not valid JSON: {exc}") from exc
        except KeyError:
            raise TemplateError(f"variable '{key}' does not exist") from None

    def __repr__(self) -> str:
        return f"<var.{'json' if self._deserialize_json else 'value'} accessor>"


class ConnectionAccessor:
    """Reads a Connection when a template names it, through `tradewind.models.Connection` once it exists."""

    __slots__ = ()

    def __getattr__(self, conn_id: str) -> Any:
        if conn_id.startswith("__"):
            raise AttributeError(conn_id)
        return _connection_class().get_connection_from_secrets(conn_id)

    def __getitem__(self, conn_id: str) -> Any:
        return _connection_class().get_connection_from_secrets(conn_id)

    def get(self, conn_id: str, default_conn: Any = None) -> Any:
        cls = _connection_class()
        try:
            return cls.get_connection_from_secrets(conn_id)
        except NotFound:
            return default_conn

    def __repr__(self) -> str:
        return "<conn accessor>"


def _connection_class() -> Any:
    import tradewind.models as models

    cls = getattr(models, "Connection", None)
    if cls is None:
        raise TemplateError("connections are not available yet")
    return cls


# --- the context as environment variables, for subprocesses (BashOperator) ---------------
_CTX_ENV = (
    ("task", "email", "DAG_EMAIL"),
    ("task", "owner", "DAG_OWNER"),
    ("task_instance", "dag_id", "DAG_ID"),
    ("task_instance", "task_id", "TASK_ID"),
    ("task_instance", "execution_date", "EXECUTION_DATE"),
    ("task_instance", "try_number", "TRY_NUMBER"),
    ("dag_run", "run_id", "DAG_RUN_ID"),
)


def context_to_env(context: Mapping[str, Any]) -> dict[str, str]:
    """Airflow's `AIRFLOW_CTX_*` variables, also under `TRADEWIND_CTX_*`; empty values are left out."""
    out: dict[str, str] = {}
    for source, attr, name in _CTX_ENV:
        value = getattr(context.get(source), attr, None)
        if not value:
            continue
        if isinstance(value, datetime):
            text = value.isoformat()
        elif isinstance(value, (list, tuple)):
            text = ",".join(map(str, value))
        else:
            text = str(value)
        out[f"AIRFLOW_CTX_{name}"] = text
        out[f"TRADEWIND_CTX_{name}"] = text
    return out
