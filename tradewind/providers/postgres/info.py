"""The `postgres` connection type: its form and its test (connect and `select 1`)."""

from __future__ import annotations

from tradewind.providers.registry import ConnectionField, ConnectionType, ProviderInfo

PROVIDER = ProviderInfo(
    name="postgres",
    extra="postgres",
    package="tradewind.providers.postgres",
    connection_types=(
        ConnectionType(
            conn_type="postgres",
            label="Postgres",
            fields=(
                ConnectionField("host", "Host", "db.example.com", required=True),
                ConnectionField("schema", "Database", "analytics"),
                ConnectionField("login", "Login", "postgres"),
                ConnectionField("password", "Password"),
                ConnectionField("port", "Port", "5432"),
                ConnectionField("extra", "Extra", '{"sslmode": "require", "connect_timeout": 10}'),
            ),
            default_port=5432,
            tester="tradewind.providers.common.sql.info:test_sql_connection",
            hook="tradewind.providers.postgres.hooks:PostgresHook",
        ),
    ),
)
