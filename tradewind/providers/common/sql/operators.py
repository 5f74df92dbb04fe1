"""`SQLExecuteQueryOperator` (and `BaseSQLOperator`, the base of every SQL operator): run templated SQL.

The hook comes from the connection's type (`postgres` → PostgresHook, `mysql` → MySqlHook, `sqlite`
→ SqliteHook), so one operator serves every database, as in Airflow. What the task returns (its
XCom) is Airflow's: the rows of the single or last statement, or one list of rows per statement.
"""

from __future__ import annotations

import ast
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar, NoReturn

from tradewind.exceptions import FailTask, InvalidConnection, TradewindException
from tradewind.providers.common.sql import handlers
from tradewind.sdk.baseoperator import BaseOperator, Context

if TYPE_CHECKING:
    from tradewind.providers.common.sql.hooks import DbApiHook

OutputProcessor = Callable[[list[Any], list[Sequence[Sequence[Any]] | None]], Any]


class SQLCheckFailed(TradewindException):
    """A SQL check operator's query did not give the expected result (retries apply unless `retry_on_failure=False`)."""


class SQLCheckFailedNoRetry(SQLCheckFailed, FailTask):
    """A failed check with `retry_on_failure=False`: the task fails without using its retries."""


def warn_deprecated_alias(name: str) -> None:
    """The warning of Airflow's per-database operators (PostgresOperator...), now SQLExecuteQueryOperator."""
    warnings.warn(
        f"{name} is deprecated: use SQLExecuteQueryOperator (airflow.providers.common.sql.operators.sql) with conn_id",
        DeprecationWarning,
        stacklevel=4,
    )


def default_output_processor(results: list[Any], descriptions: list[Sequence[Sequence[Any]] | None]) -> list[Any]:
    """Airflow's default: the results as they are (the descriptions are for processors that want column names)."""
    return results


def get_db_hook(conn_id: str | None, hook_params: Mapping[str, Any] | None, what: str) -> DbApiHook:
    """The SQL hook for connection `conn_id`, by its type (the connection read once); a clear error when the type has no SQL hook."""
    from tradewind.hooks.base import BaseHook
    from tradewind.providers.common.sql.hooks import DbApiHook
    from tradewind.providers.registry import hook_class

    if not conn_id:
        raise InvalidConnection(f"{what} needs a conn_id (the connection of the database to query)")
    connection = BaseHook.get_connection(conn_id)
    cls = hook_class(connection.conn_type or "")
    if not issubclass(cls, DbApiHook):
        raise InvalidConnection(
            f"connection '{conn_id}' is of type '{connection.conn_type}', whose hook {cls.__name__} "
            f"cannot run SQL (it is not a DbApiHook)"
        )
    hook: DbApiHook = cls(**{cls.conn_name_attr: conn_id, **(hook_params or {}), "connection": connection})
    return hook


class BaseSQLOperator(BaseOperator):
    """The base of SQL operators: `get_db_hook()` from `conn_id` (and `database`, overriding the connection's)."""

    conn_id_field = "conn_id"
    template_fields: ClassVar[Sequence[str]] = ("conn_id", "database", "hook_params")

    def __init__(
        self,
        *,
        conn_id: str | None = None,
        database: str | None = None,
        hook_params: dict[str, Any] | None = None,
        retry_on_failure: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.conn_id = conn_id
        self.database = database
        self.hook_params = hook_params or {}
        self.retry_on_failure = retry_on_failure

    @cached_property
    def _hook(self) -> DbApiHook:
        hook = get_db_hook(getattr(self, self.conn_id_field), self.hook_params, f"task {self.task_id}")
        if self.database:
            if hook.conn_type == "postgres":
                hook.database = self.database  # type: ignore[attr-defined]
            else:
                hook.schema = self.database
        return hook

    def get_db_hook(self) -> DbApiHook:
        """The database hook (one per task run)."""
        return self._hook

    @property
    def _dag_id(self) -> str | None:
        return self.dag.dag_id if self.dag is not None else None

    def _raise_exception(self, message: str) -> NoReturn:
        if self.retry_on_failure:
            raise SQLCheckFailed(message)
        raise SQLCheckFailedNoRetry(message)


class SQLExecuteQueryOperator(BaseSQLOperator):
    """Run `sql` (a string, a list of statements, or a `.sql` template file) and return its rows as the XCom."""

    template_fields: ClassVar[Sequence[str]] = ("sql", "parameters", *BaseSQLOperator.template_fields)
    template_ext: ClassVar[Sequence[str]] = (".sql", ".json")
    template_fields_renderers: ClassVar[dict[str, str]] = {"sql": "sql", "parameters": "json"}
    ui_color = "#cdaaed"

    def __init__(
        self,
        *,
        sql: str | list[str],
        autocommit: bool = False,
        parameters: Mapping[str, Any] | Iterable[Any] | None = None,
        handler: Callable[[Any], Any] = handlers.fetch_all_handler,
        output_processor: OutputProcessor | None = None,
        conn_id: str | None = None,
        database: str | None = None,
        split_statements: bool | None = None,
        return_last: bool = True,
        show_return_value_in_logs: bool = False,
        requires_result_fetch: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(conn_id=conn_id, database=database, **kwargs)
        self.sql = sql
        self.autocommit = autocommit
        self.parameters = parameters
        self.handler = handler
        self._output_processor = output_processor or default_output_processor
        self.split_statements = split_statements
        self.return_last = return_last
        self.show_return_value_in_logs = show_return_value_in_logs
        self.requires_result_fetch = requires_result_fetch

    def _process_output(self, results: list[Any], descriptions: list[Sequence[Sequence[Any]] | None]) -> Any:
        """One result per statement in, what the task returns out; subclasses may add column names and so on."""
        if self.show_return_value_in_logs:
            self.log.info("Operator output is: %s", results)
        return self._output_processor(results, descriptions)

    def _should_run_output_processing(self) -> bool:
        return bool(self.do_xcom_push)

    def execute(self, context: Context) -> Any:
        if isinstance(self.parameters, str):  # read from a .json template file: Airflow's prepare_template
            self.parameters = ast.literal_eval(self.parameters)
        self.log.info("Executing: %s", self.sql)
        hook = self.get_db_hook()
        extra: dict[str, Any] = {} if self.split_statements is None else {"split_statements": self.split_statements}
        wants_rows = self._should_run_output_processing() or self.requires_result_fetch
        output = hook.run(
            sql=self.sql,
            autocommit=self.autocommit,
            parameters=self.parameters,
            handler=self.handler if wants_rows else None,
            return_last=self.return_last,
            **extra,
        )
        if not self._should_run_output_processing():
            return None
        if handlers.return_single_query_results(self.sql, self.return_last, self.split_statements):
            return self._process_output([output], hook.descriptions)[-1]
        result = self._process_output(output, hook.descriptions)
        self.log.info("result: %s", result)
        return result
