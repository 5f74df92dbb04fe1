"""The `sqlite` connection type: its form (the file's path) and its test (open it and `select 1`)."""

from __future__ import annotations

from tradewind.providers.registry import ConnectionField, ConnectionType, ProviderInfo

PROVIDER = ProviderInfo(
    name="sqlite",
    extra=None,
    package="tradewind.providers.sqlite",
    connection_types=(
        ConnectionType(
            conn_type="sqlite",
            label="Sqlite",
            fields=(
                ConnectionField("host", "Path to the database file", "/data/app.db (empty: in memory)"),
                ConnectionField("extra", "Extra (SQLite URI parameters)", '{"mode": "ro"}'),
            ),
            tester="tradewind.providers.common.sql.info:test_sql_connection",
            hook="tradewind.providers.sqlite.hooks:SqliteHook",
        ),
    ),
)
