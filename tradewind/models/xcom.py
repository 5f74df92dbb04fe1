"""`XCom`: Airflow's XCom model as DAG code uses it — class-level reads and writes of stored XComs.

Inside a task, `ti.xcom_pull` / `ti.xcom_push` are the usual way; these class methods read and
write the metadata database for any run (`XCom.get_one(run_id=..., task_id=...)`), as Airflow's.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from tradewind.store.records import XComRecord
from tradewind.store.xcom import RETURN_VALUE

XCOM_RETURN_KEY = RETURN_VALUE


def _run_id(dag_id: str, run_id: str | None, logical_date: datetime | None) -> str | None:
    if run_id is not None or logical_date is None:
        return run_id
    from tradewind.store import runs
    from tradewind.timetables.base import as_utc

    run = runs.find_dag_run(dag_id, as_utc(logical_date))
    return None if run is None else run.run_id


def _run_ids(dag_id: str, run_id: str | None, logical_date: datetime | None) -> list[str]:
    """The run named, or the run at `logical_date`, or every run of the DAG, newest first (Airflow's)."""
    if run_id is not None or logical_date is not None:
        rid = _run_id(dag_id, run_id, logical_date)
        return [] if rid is None else [rid]
    from tradewind.store import runs

    return [r.run_id for r in runs.list_dag_runs(dag_id)]


def _exactly_one_run(what: str, run_id: str | None, logical_date: datetime | None) -> None:
    if (run_id is None) == (logical_date is None):
        raise ValueError(
            f"XCom.{what}: exactly one of run_id or execution_date must be passed "
            f"(got execution_date={logical_date}, run_id={run_id})"
        )


class XCom:
    """`get_one`, `get_many`, `set`, `clear` over stored XComs (Airflow 2's class methods)."""

    @classmethod
    def get_many(
        cls,
        *,
        run_id: str | None = None,
        key: str | None = None,
        task_ids: str | Iterable[str] | None = None,
        dag_ids: str | Iterable[str] | None = None,
        map_indexes: int | Iterable[int] | None = None,
        execution_date: datetime | None = None,
        include_prior_dates: bool = False,
        limit: int | None = None,
        session: Any = None,
    ) -> list[XComRecord]:
        """Stored XComs of one run (by `run_id` or `execution_date`), filtered like Airflow's."""
        from tradewind.store import xcom
        from tradewind.store.migrate import ensure_ready

        ensure_ready()
        if include_prior_dates:
            raise NotImplementedError("XCom.get_many(include_prior_dates=True) is not supported by Tradewind")
        dags = [dag_ids] if isinstance(dag_ids, str) else list(dag_ids or [])
        if not dags:
            raise TypeError("XCom.get_many needs dag_ids")
        tasks = {task_ids} if isinstance(task_ids, str) else (set(task_ids) if task_ids is not None else None)
        indexes = {map_indexes} if isinstance(map_indexes, int) else (set(map_indexes) if map_indexes else None)
        out: list[XComRecord] = []
        for dag_id in dags:
            for rid in _run_ids(dag_id, run_id, execution_date):
                for record in xcom.list_xcoms(dag_id, rid):
                    wanted_key = key is None or record.key == key
                    wanted_task = tasks is None or record.task_id in tasks
                    if wanted_key and wanted_task and (indexes is None or record.map_index in indexes):
                        out.append(record)
        return out[:limit] if limit is not None else out

    @classmethod
    def get_one(
        cls,
        execution_date: datetime | None = None,
        key: str | None = None,
        task_id: str | None = None,
        dag_id: str | None = None,
        include_prior_dates: bool = False,
        session: Any = None,
        *,
        run_id: str | None = None,
        map_index: int | None = None,
    ) -> Any:
        """One value (the first match), or None."""
        found = cls.get_many(
            run_id=run_id,
            key=key,
            task_ids=task_id,
            dag_ids=dag_id,
            map_indexes=map_index,
            execution_date=execution_date,
            include_prior_dates=include_prior_dates,
        )
        return found[0].value if found else None

    @classmethod
    def set(
        cls,
        key: str,
        value: Any,
        task_id: str,
        dag_id: str,
        execution_date: datetime | None = None,
        session: Any = None,
        *,
        run_id: str | None = None,
        map_index: int = -1,
    ) -> None:
        from tradewind.exceptions import DagRunNotFound
        from tradewind.store import xcom
        from tradewind.store.migrate import ensure_ready

        ensure_ready()
        _exactly_one_run("set", run_id, execution_date)
        rid = _run_id(dag_id, run_id, execution_date)
        if rid is None:
            raise DagRunNotFound(f"XCom.set: no run of DAG '{dag_id}' given (run_id or execution_date)")
        xcom.push(dag_id, rid, task_id, map_index, key, value)

    @classmethod
    def clear(
        cls,
        execution_date: datetime | None = None,
        dag_id: str | None = None,
        task_id: str | None = None,
        session: Any = None,
        *,
        run_id: str | None = None,
        map_index: int | None = None,
    ) -> None:
        from tradewind.store import xcom
        from tradewind.store.migrate import ensure_ready

        ensure_ready()
        if dag_id is None or task_id is None:
            raise TypeError("XCom.clear needs dag_id and task_id")
        _exactly_one_run("clear", run_id, execution_date)
        rid = _run_id(dag_id, run_id, execution_date)
        if rid is not None:
            xcom.clear(dag_id, rid, [task_id])
