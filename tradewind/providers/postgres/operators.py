"""`PostgresOperator`: Airflow's deprecated PostgreSQL operator, now `SQLExecuteQueryOperator` on a postgres connection."""

from __future__ import annotations

from typing import Any, ClassVar

from tradewind.exceptions import DagDefinitionError
from tradewind.providers.common.sql.operators import SQLExecuteQueryOperator, warn_deprecated_alias
from tradewind.providers.extras import require_installed

require_installed("psycopg", "postgres")


class PostgresOperator(SQLExecuteQueryOperator):
    """`SQLExecuteQueryOperator(conn_id=postgres_conn_id, ...)`, under the name Airflow 2 DAG files still use."""

    template_fields_renderers: ClassVar[dict[str, str]] = {
        **SQLExecuteQueryOperator.template_fields_renderers,
        "sql": "postgresql",
    }
    ui_color = "#ededed"

    def __init__(
        self,
        *,
        postgres_conn_id: str = "postgres_default",
        database: str | None = None,
        runtime_parameters: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        if runtime_parameters:
            raise DagDefinitionError(
                f"PostgresOperator {kwargs.get('task_id')}: runtime_parameters is not supported by Tradewind; "
                "put `SET name TO value;` statements in sql (with split_statements=True)"
            )
        if database is not None:
            kwargs["hook_params"] = {"database": database, **(kwargs.get("hook_params") or {})}
        super().__init__(conn_id=postgres_conn_id, **kwargs)
        warn_deprecated_alias("PostgresOperator")
