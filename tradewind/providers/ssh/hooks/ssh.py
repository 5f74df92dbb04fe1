"""`SSHHook`: a paramiko `SSHClient` logged in with the connection's password or key (Airflow's `SSHHook`).

paramiko, not asyncssh, because Airflow's hook is paramiko's: DAG code that calls
`hook.get_conn().exec_command(...)` or `open_sftp()` keeps working, and paramiko is the SSH
library with the longest record of maintenance in Python. Connection: host, port (22), login
(the local user when empty), password; `extra`: `key_file`, `private_key` (the key's text),
`private_key_passphrase`, `conn_timeout`, `cmd_timeout`, `compress`, `no_host_key_check`
(default true), `allow_host_key_change`, `look_for_keys`, `host_key`, `disabled_algorithms`, `ciphers`.
"""

from __future__ import annotations

import getpass
import io
import os
import select
from typing import TYPE_CHECKING, Any

from tradewind.exceptions import TradewindException
from tradewind.hooks.base import BaseHook
from tradewind.providers.extras import require

paramiko = require("paramiko", "ssh")

if TYPE_CHECKING:
    from tradewind.models.connection import Connection
    from tradewind.providers.registry import TestResult

__all__ = ["CMD_TIMEOUT", "NOTSET", "SSHHook", "check_connection"]


class _NotSet:
    """One value, kept through copies and pickling (operators are copied when their templates render)."""

    def __repr__(self) -> str:
        return "NOTSET"

    def __copy__(self) -> _NotSet:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> _NotSet:
        return self

    def __reduce__(self) -> str:
        return "NOTSET"


#: "not given" for timeouts, where None means "no timeout" (Airflow's ArgNotSet)
NOTSET: Any = _NotSet()
TIMEOUT_DEFAULT = 10
CMD_TIMEOUT = 10


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes", "on")
    return bool(value)


def _private_key(text: str, passphrase: str | None) -> Any:
    """A paramiko key from its text, whichever of RSA/Ed25519/ECDSA it is."""
    errors = []
    for key_class in (paramiko.Ed25519Key, paramiko.ECDSAKey, paramiko.RSAKey):
        try:
            return key_class.from_private_key(io.StringIO(text), password=passphrase)
        except paramiko.SSHException as exc:
            errors.append(str(exc))
    raise TradewindException(
        f"the private_key in the connection's extra cannot be read (is private_key_passphrase right?): {errors[0]}"
    )


class SSHHook(BaseHook):
    """`SSHHook(ssh_conn_id="ssh_default")` or `SSHHook(remote_host=..., username=..., password=...)`.

    Arguments win over the connection. `get_conn()` returns a connected `paramiko.SSHClient`
    (also as a context manager); `exec_ssh_client_command` runs a command and returns
    `(exit_status, stdout bytes, stderr bytes)`, logging the output as it comes.
    """

    conn_name_attr = "ssh_conn_id"
    default_conn_name = "ssh_default"
    conn_type = "ssh"
    hook_name = "SSH"

    def __init__(
        self,
        ssh_conn_id: str | None = None,
        remote_host: str = "",
        username: str | None = None,
        password: str | None = None,
        key_file: str | None = None,
        port: int | None = None,
        conn_timeout: int | None = None,
        cmd_timeout: Any = NOTSET,
        keepalive_interval: int = 30,
        banner_timeout: float = 30.0,
        disabled_algorithms: dict[str, Any] | None = None,
        ciphers: list[str] | None = None,
        auth_timeout: int | None = None,
        host_proxy_cmd: str | None = None,
        *,
        connection: Connection | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.ssh_conn_id = ssh_conn_id
        self.remote_host = remote_host
        self.username = username
        self.password = password
        self.key_file = key_file
        self.pkey: Any = None
        self.port = port
        self.conn_timeout = conn_timeout
        self.cmd_timeout = cmd_timeout
        self.keepalive_interval = keepalive_interval
        self.banner_timeout = banner_timeout
        self.disabled_algorithms = disabled_algorithms
        self.ciphers = ciphers
        self.auth_timeout = auth_timeout
        self.host_proxy_cmd = host_proxy_cmd
        self.compress = True
        self.no_host_key_check = True
        self.allow_host_key_change = False
        self.look_for_keys = True
        self.host_key: Any = None
        self.client: Any = None
        self._passphrase: str | None = None
        if password:
            from tradewind.secrets.masker import mask_secret

            mask_secret(password)
        if connection is not None or ssh_conn_id:
            self._read_connection(connection or self.get_connection(ssh_conn_id or self.default_conn_name))
        self.port = int(self.port or 22)
        self.username = self.username or getpass.getuser()
        if self.conn_timeout is None:
            self.conn_timeout = TIMEOUT_DEFAULT
        if isinstance(self.cmd_timeout, _NotSet):
            self.cmd_timeout = CMD_TIMEOUT

    def _read_connection(self, conn: Connection) -> None:
        """Fill what the arguments left empty from the connection and its extra (Airflow's keys)."""
        self.username = self.username or conn.login
        self.password = self.password or conn.password
        self.remote_host = self.remote_host or conn.host or ""
        self.port = self.port or conn.port
        extra = conn.extra_dejson
        if not self.key_file and extra.get("key_file"):
            self.key_file = os.path.expanduser(str(extra["key_file"]))
        if extra.get("private_key"):
            self.pkey = _private_key(str(extra["private_key"]), extra.get("private_key_passphrase"))
        self._passphrase = extra.get("private_key_passphrase")
        if self.conn_timeout is None and extra.get("conn_timeout") is not None:
            self.conn_timeout = int(extra["conn_timeout"])
        if isinstance(self.cmd_timeout, _NotSet) and "cmd_timeout" in extra:
            self.cmd_timeout = None if extra["cmd_timeout"] is None else float(extra["cmd_timeout"])
        if "compress" in extra:
            self.compress = _truthy(extra["compress"])
        if "no_host_key_check" in extra:
            self.no_host_key_check = _truthy(extra["no_host_key_check"])
        if "allow_host_key_change" in extra:
            self.allow_host_key_change = _truthy(extra["allow_host_key_change"])
        if "look_for_keys" in extra:
            self.look_for_keys = _truthy(extra["look_for_keys"])
        if extra.get("disabled_algorithms") and self.disabled_algorithms is None:
            self.disabled_algorithms = extra["disabled_algorithms"]
        if extra.get("ciphers") and self.ciphers is None:
            self.ciphers = extra["ciphers"]
        if extra.get("host_key"):  # "ssh-ed25519 AAAA…" as in known_hosts, or bare base64 (then RSA, Airflow's rule)
            text = str(extra["host_key"]).strip()
            key_type, data = text.split(None, 1) if " " in text else ("ssh-rsa", text)
            self.host_key = paramiko.PKey.from_type_string(key_type, _b64decode(data.split()[0]))

    # --- the client ----------------------------------------------------------------------------
    def get_conn(self) -> Any:
        """A new `paramiko.SSHClient`, connected and authenticated (password, key, or both)."""
        if not self.remote_host:
            raise TradewindException("SSHHook needs a remote_host (or a connection with a host)")
        client = paramiko.SSHClient()
        if not self.allow_host_key_change:
            client.load_system_host_keys()
        if self.host_key is not None:
            client.get_host_keys().add(
                _host_key_name(self.remote_host, self.port), self.host_key.get_name(), self.host_key
            )
        if self.no_host_key_check:
            client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
        else:
            client.set_missing_host_key_policy(paramiko.RejectPolicy())
        if self.ciphers:
            paramiko.Transport._preferred_ciphers = tuple(self.ciphers)
        kwargs: dict[str, Any] = {
            "hostname": self.remote_host,
            "username": self.username,
            "timeout": self.conn_timeout,
            "compress": self.compress,
            "port": self.port,
            "sock": paramiko.ProxyCommand(self.host_proxy_cmd) if self.host_proxy_cmd else None,
            "look_for_keys": self.look_for_keys,
            "banner_timeout": self.banner_timeout,
            "auth_timeout": self.auth_timeout,
            "allow_agent": self.look_for_keys,
        }
        if self.password:
            kwargs["password"] = self.password.strip()
        if self.pkey is not None:
            kwargs["pkey"] = self.pkey
        if self.key_file:
            kwargs["key_filename"] = self.key_file
            if self._passphrase:
                kwargs["passphrase"] = self._passphrase
        if self.disabled_algorithms:
            kwargs["disabled_algorithms"] = self.disabled_algorithms
        try:
            client.connect(**kwargs)
        except BaseException:
            client.close()  # a refused login leaves no transport thread or socket behind
            raise
        if self.keepalive_interval:
            transport = client.get_transport()
            if transport is not None:
                transport.set_keepalive(self.keepalive_interval)
        self.client = client
        return client

    def __enter__(self) -> SSHHook:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.client is not None:
            self.client.close()
            self.client = None

    def exec_ssh_client_command(
        self,
        ssh_client: Any,
        command: str,
        get_pty: bool,
        environment: dict[str, str] | None,
        timeout: Any = NOTSET,
    ) -> tuple[int, bytes, bytes]:
        """Run `command`; stream stdout (INFO) and stderr (WARNING) into the log; `(exit status, stdout, stderr)`.

        `timeout` (default `cmd_timeout`) is the longest silence allowed: a command that prints
        nothing for that long fails with "SSH command timed out". None waits forever.
        """
        self.log.info("Running command: %s", command)
        if isinstance(timeout, _NotSet):
            timeout = self.cmd_timeout
        stdin, stdout, stderr = ssh_client.exec_command(
            command=command, get_pty=get_pty, timeout=timeout, environment=environment
        )
        channel = stdout.channel
        stdin.close()
        channel.shutdown_write()
        out, err = bytearray(), bytearray()
        while not channel.closed or channel.recv_ready() or channel.recv_stderr_ready():
            readable, _, _ = select.select([channel], [], [], timeout)
            if timeout is not None and not readable:
                channel.close()
                raise TradewindException(f"SSH command timed out (no output for {timeout:g} s)")
            if channel.recv_ready():
                chunk = channel.recv(len(channel.in_buffer) or 4096)
                out += chunk
                for line in chunk.decode("utf-8", "replace").strip("\n").splitlines():
                    self.log.info(line)
            if channel.recv_stderr_ready():
                chunk = channel.recv_stderr(len(channel.in_stderr_buffer) or 4096)
                err += chunk
                for line in chunk.decode("utf-8", "replace").strip("\n").splitlines():
                    self.log.warning(line)
            if channel.exit_status_ready() and not channel.recv_ready() and not channel.recv_stderr_ready():
                break
        exit_status = channel.recv_exit_status()
        stdout.close()
        stderr.close()
        channel.close()
        return exit_status, bytes(out), bytes(err)

    def test_connection(self) -> tuple[bool, str]:
        """Log in and run `pwd` (Airflow's test), one line either way."""
        try:
            with self:
                client = self.get_conn()
                _, stdout, _ = client.exec_command("pwd", timeout=self.conn_timeout)
                where = stdout.read().decode("utf-8", "replace").strip()
        except Exception as exc:  # noqa: BLE001 — paramiko raises socket, auth and protocol errors alike
            return False, one_line(exc)
        return True, f"logged in to {self.remote_host}:{self.port} as {self.username}" + (
            f" (cwd {where})" if where else ""
        )


def one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else 'connection failed'}"


def _b64decode(data: str) -> bytes:
    import base64

    return base64.b64decode(data)


def _host_key_name(host: str, port: int | None) -> str:
    return host if not port or port == 22 else f"[{host}]:{port}"


def check_connection(conn: Connection) -> TestResult:
    """The registry's tester for `ssh` connections."""
    return SSHHook(connection=conn).test_connection()
