"""`SqlSensor`: poke a SQL query until its first row says the condition holds (Airflow's `common.sql` sensor)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from operator import itemgetter
from typing import Any, ClassVar

from tradewind.exceptions import DagDefinitionError, TradewindException
from tradewind.providers.common.sql.operators import get_db_hook
from tradewind.sdk.baseoperator import Context
from tradewind.sensors.base import BaseSensorOperator


class SqlSensorFailed(TradewindException):
    """The sensor's `failure` criterion held, or the query returned no row with `fail_on_empty`."""


class SqlSensor(BaseSensorOperator):
    """Done when the first cell of `sql`'s first row is truthy — or, given `success`, when `success(cell)` is.

    `selector` picks the value from the row (default: the first cell); `failure(value)` true fails the
    task at once (checked before `success`); `fail_on_empty` fails it when the query returns no row.
    """

    template_fields: ClassVar[Sequence[str]] = ("sql", "hook_params", "parameters")
    template_ext: ClassVar[Sequence[str]] = (".hql", ".sql")
    ui_color = "#7c7287"

    def __init__(
        self,
        *,
        conn_id: str,
        sql: str,
        parameters: Mapping[str, Any] | Sequence[Any] | None = None,
        success: Callable[[Any], bool] | None = None,
        failure: Callable[[Any], bool] | None = None,
        selector: Callable[[Any], Any] = itemgetter(0),
        fail_on_empty: bool = False,
        hook_params: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.conn_id = conn_id
        self.sql = sql
        self.parameters = parameters
        self.success = success
        self.failure = failure
        self.selector = selector
        self.fail_on_empty = fail_on_empty
        self.hook_params = hook_params
        for name, value in (("success", success), ("failure", failure)):
            if value is not None and not callable(value):
                raise DagDefinitionError(f"{name} of sensor {self.task_id} must be callable, got {value!r}")

    def poke(self, context: Context) -> bool:
        hook = get_db_hook(self.conn_id, self.hook_params, f"sensor {self.task_id}")
        self.log.info("Poking: %s (with parameters %s)", self.sql, self.parameters)
        records = hook.get_records(self.sql, self.parameters)
        if not records:
            if self.fail_on_empty:
                raise SqlSensorFailed("No rows returned, raising as per fail_on_empty flag")
            return False
        condition = self.selector(records[0])
        if self.failure is not None and self.failure(condition):
            raise SqlSensorFailed(f"Failure criteria met. self.failure({condition}) returned True")
        if self.success is not None:
            return bool(self.success(condition))
        return bool(condition)
