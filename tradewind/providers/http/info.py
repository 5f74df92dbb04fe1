"""The `http` provider's connection type, form fields and tester (imports no client library)."""

from tradewind.providers.registry import ConnectionField, ConnectionType, ProviderInfo

PROVIDER = ProviderInfo(
    name="http",
    extra="http",
    package="tradewind.providers.http",
    connection_types=(
        ConnectionType(
            conn_type="http",
            label="HTTP",
            fields=(
                ConnectionField("host", "Host", "api.example.com or https://api.example.com", required=True),
                ConnectionField("schema", "Scheme", "http or https (default http)"),
                ConnectionField("login", "Login", "basic-auth user (optional)"),
                ConnectionField("password", "Password", "basic-auth password"),
                ConnectionField("port", "Port", "default: the scheme's"),
                ConnectionField(
                    "extra", "Extra (JSON)", '{"Authorization": "Bearer …", "timeout": 30, "verify": true}'
                ),
            ),
            tester="tradewind.providers.http.hooks.http:check_connection",
        ),
    ),
)
