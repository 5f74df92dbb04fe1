"""`MySqlOperator`: Airflow's deprecated MySQL operator, now `SQLExecuteQueryOperator` on a mysql connection."""

from __future__ import annotations

from typing import Any

from tradewind.providers.common.sql.operators import SQLExecuteQueryOperator, warn_deprecated_alias
from tradewind.providers.extras import require_installed

require_installed("pymysql", "mysql")


class MySqlOperator(SQLExecuteQueryOperator):
    """`SQLExecuteQueryOperator(conn_id=mysql_conn_id, database=...)`, under the name older DAG files use."""

    ui_color = "#ededed"

    def __init__(self, *, mysql_conn_id: str = "mysql_default", **kwargs: Any) -> None:
        super().__init__(conn_id=mysql_conn_id, **kwargs)
        warn_deprecated_alias("MySqlOperator")
