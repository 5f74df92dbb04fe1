"""The `sftp` provider's connection type, form fields and tester (imports no client library)."""

from tradewind.providers.registry import ConnectionType, ProviderInfo
from tradewind.providers.ssh.info import SSH_FIELDS

PROVIDER = ProviderInfo(
    name="sftp",
    extra="sftp",
    package="tradewind.providers.sftp",
    connection_types=(
        ConnectionType("sftp", "SFTP", SSH_FIELDS, 22, tester="tradewind.providers.sftp.hooks.sftp:check_connection"),
    ),
)
