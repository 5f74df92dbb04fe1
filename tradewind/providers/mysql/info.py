"""The `mysql` connection type (MySQL and MariaDB): its form and its test (connect and `select 1`)."""

from __future__ import annotations

from tradewind.providers.registry import ConnectionField, ConnectionType, ProviderInfo

PROVIDER = ProviderInfo(
    name="mysql",
    extra="mysql",
    package="tradewind.providers.mysql",
    connection_types=(
        ConnectionType(
            conn_type="mysql",
            label="MySQL",
            fields=(
                ConnectionField("host", "Host", "db.example.com", required=True),
                ConnectionField("schema", "Database", "analytics"),
                ConnectionField("login", "Login", "root"),
                ConnectionField("password", "Password"),
                ConnectionField("port", "Port", "3306"),
                ConnectionField("extra", "Extra", '{"charset": "utf8mb4", "cursor": "dictcursor"}'),
            ),
            default_port=3306,
            tester="tradewind.providers.common.sql.info:test_sql_connection",
            hook="tradewind.providers.mysql.hooks:MySqlHook",
        ),
    ),
)
