"""The `ftp` provider's connection types (FTP, FTPS), form fields and tester (imports no client library)."""

from tradewind.providers.registry import ConnectionField, ConnectionType, ProviderInfo

_FIELDS = (
    ConnectionField("host", "Host", "ftp.example.com", required=True),
    ConnectionField("port", "Port", "21"),
    ConnectionField("login", "Login", "anonymous when empty"),
    ConnectionField("password", "Password"),
    ConnectionField("extra__passive", "Passive mode", "true (default) or false"),
    ConnectionField("extra", "Extra (JSON)", '{"passive": true, "path": "drops"}'),
)
PROVIDER = ProviderInfo(
    name="ftp",
    extra=None,  # Python's own ftplib
    package="tradewind.providers.ftp",
    connection_types=(
        ConnectionType("ftp", "FTP", _FIELDS, 21, tester="tradewind.providers.ftp.hooks.ftp:check_ftp"),
        ConnectionType(
            "ftps", "FTPS (FTP over TLS)", _FIELDS, 21, tester="tradewind.providers.ftp.hooks.ftp:check_ftps"
        ),
    ),
)
