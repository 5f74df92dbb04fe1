"""The `ti` object a running task sees: its identity, try number, XCom access and skip requests."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tradewind.sdk.baseoperator import BaseOperator
    from tradewind.store.records import DagRunRecord


class RuntimeTaskInstance:
    """Airflow's TaskInstance as tasks use it: `ti.xcom_pull(...)`, `ti.xcom_push(...)`, `ti.try_number`."""

    def __init__(
        self,
        *,
        task: BaseOperator,
        dag_run: DagRunRecord,
        map_index: int,
        try_number: int,
        max_tries: int,
        start_date: datetime,
        hostname: str,
        log_filepath: str,
    ) -> None:
        self.task = task
        self.dag_run = dag_run
        self.dag_id = dag_run.dag_id
        self.run_id = dag_run.run_id
        self.task_id = task.task_id
        self.map_index = map_index
        self.try_number = try_number
        self.max_tries = max_tries
        self.start_date = start_date
        self.hostname = hostname
        self.log_filepath = log_filepath
        self.state = "running"
        self.operator = task.operator_name
        self.skip_requests: list[str] = []

    @property
    def logical_date(self) -> datetime:
        return self.dag_run.logical_date

    execution_date = logical_date

    def get_dagrun(self) -> DagRunRecord:
        return self.dag_run

    def xcom_push(self, key: str, value: Any) -> None:
        from tradewind.runtime import comms
        from tradewind.runtime.protocol import SetXCom

        if not isinstance(key, str) or not key:
            raise ValueError(f"XCom key must be a non-empty string, got {key!r}")
        comms.request(SetXCom(self.dag_id, self.run_id, self.task_id, self.map_index, key, value))

    def xcom_pull(
        self,
        task_ids: str | Iterable[str] | None = None,
        key: str = "return_value",
        dag_id: str | None = None,
        map_indexes: int | Iterable[int] | None = None,
        default: Any = None,
        run_id: str | None = None,
    ) -> Any:
        """One task id gives its value (a list, in map-index order, for a mapped task); a list gives a list."""
        from tradewind.runtime import comms
        from tradewind.runtime.protocol import GetXCom

        dag_id = dag_id or self.dag_id
        run_id = run_id or self.run_id
        single = isinstance(task_ids, str)
        if task_ids is None:
            ids = sorted(self.task.upstream_task_ids) if self.task.upstream_task_ids else [self.task_id]
        else:
            ids = [task_ids] if single else list(task_ids)  # type: ignore[list-item]
        indexes = (
            [map_indexes] if isinstance(map_indexes, int) else (list(map_indexes) if map_indexes is not None else None)
        )
        request = GetXCom(dag_id, run_id, tuple(ids), key, tuple(indexes) if indexes is not None else None)
        found = comms.request(request)
        values = []
        for tid in ids:
            entries = sorted((mi, v) for (t, mi), v in found.items() if t == tid)
            if not entries:
                values.append(default)
            elif self._is_mapped(tid, dag_id) and not isinstance(map_indexes, int):
                values.append([v for mi, v in entries if mi >= 0])
            else:
                values.append(entries[-1][1])
        if single:
            return values[0]
        if task_ids is None:
            return next((v for v in values if v is not default), default)
        return values

    def _is_mapped(self, task_id: str, dag_id: str) -> bool:
        dag = self.task.dag
        if dag is None or dag.dag_id != dag_id or task_id not in dag.task_dict:
            return False
        return bool(getattr(dag.task_dict[task_id], "is_mapped", False))

    def skip(self, task_ids: Iterable[str]) -> None:
        """Ask for these (not yet started) task instances of this run to be skipped."""
        self.skip_requests.extend(task_ids)

    @property
    def key(self) -> tuple[str, str, str, int]:
        return (self.dag_id, self.run_id, self.task_id, self.map_index)

    def __repr__(self) -> str:
        return f"<TaskInstance: {self.dag_id}.{self.task_id} {self.run_id} map_index={self.map_index} [{self.state}]>"
