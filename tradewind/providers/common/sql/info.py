"""What `common.sql` adds to the registry: no connection type of its own, and the tester the SQL types share."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tradewind.providers.registry import ProviderInfo, TestResult

if TYPE_CHECKING:
    from tradewind.models.connection import Connection

PROVIDER = ProviderInfo(name="common.sql", extra=None, package="tradewind.providers.common.sql")


def test_sql_connection(conn: Connection) -> TestResult:
    """Connect with the hook of the connection's type and run its test query (`select 1`), as Airflow's test button."""
    from tradewind.providers.registry import hook_class

    cls = hook_class(conn.conn_type or "")
    hook = cls(**{cls.conn_name_attr: conn.conn_id}, connection=conn)
    ok, message = hook.test_connection()
    return bool(ok), str(message)
