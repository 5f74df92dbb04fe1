"""The `ssh` provider's connection type, form fields and tester (imports no client library)."""

from tradewind.providers.registry import ConnectionField, ConnectionType, ProviderInfo

#: the SSH form, shared with `sftp` (an SFTP connection is an SSH connection)
SSH_FIELDS = (
    ConnectionField("host", "Host", "server.example.com", required=True),
    ConnectionField("port", "Port", "22"),
    ConnectionField("login", "Username", "default: the local user"),
    ConnectionField("password", "Password", "or a key in extra"),
    ConnectionField("extra__key_file", "Private key file", "/home/me/.ssh/id_ed25519"),
    ConnectionField("extra__no_host_key_check", "Skip host key check", "true (default) or false"),
    ConnectionField(
        "extra",
        "Extra (JSON)",
        '{"key_file": "...", "private_key": "-----BEGIN ...", "private_key_passphrase": "...", "conn_timeout": 10}',
    ),
)
PROVIDER = ProviderInfo(
    name="ssh",
    extra="ssh",
    package="tradewind.providers.ssh",
    connection_types=(
        ConnectionType("ssh", "SSH", SSH_FIELDS, 22, tester="tradewind.providers.ssh.hooks.ssh:check_connection"),
    ),
)
