"""`SqliteOperator`: Airflow's deprecated SQLite operator, now `SQLExecuteQueryOperator` on a sqlite connection."""

from __future__ import annotations

from typing import Any

from tradewind.providers.common.sql.operators import SQLExecuteQueryOperator, warn_deprecated_alias


class SqliteOperator(SQLExecuteQueryOperator):
    """`SQLExecuteQueryOperator(conn_id=sqlite_conn_id, ...)`, under the name older DAG files use."""

    ui_color = "#cdaaed"

    def __init__(self, *, sqlite_conn_id: str = "sqlite_default", **kwargs: Any) -> None:
        super().__init__(conn_id=sqlite_conn_id, **kwargs)
        warn_deprecated_alias("SqliteOperator")
