"""`SSHOperator`: run a command on a remote host; a non-zero exit status fails the task (Airflow's)."""

from __future__ import annotations

from base64 import b64encode
from collections.abc import Container
from typing import Any

from tradewind.exceptions import SkipTask, TradewindException
from tradewind.providers.ssh.hooks.ssh import NOTSET, SSHHook
from tradewind.sdk.baseoperator import BaseOperator, Context

__all__ = ["SSHOperator"]


class SSHOperator(BaseOperator):
    """Run `command` over SSH (`ssh_conn_id` or an `ssh_hook`); stdout is the XCom, base64-encoded as in Airflow.

    Decode it with `{{ ti.xcom_pull('task') | b64decode }}` in Airflow; in Python,
    `base64.b64decode(value).decode()`. An exit status in `skip_on_exit_code` skips the task; any
    other non-zero status fails it with `SSH operator error: exit status = N`. `get_pty` defaults
    to true for `sudo` commands. `cmd_timeout` is the longest the command may stay silent.
    """

    template_fields = ("command", "environment", "remote_host")
    template_ext = (".sh", ".bash", ".csh", ".zsh", ".dash", ".ksh")
    template_fields_renderers = {"command": "bash", "environment": "json"}
    ui_color = "#e4f0e8"

    def __init__(
        self,
        *,
        ssh_hook: SSHHook | None = None,
        ssh_conn_id: str | None = None,
        remote_host: str | None = None,
        command: str | None = None,
        conn_timeout: int | None = None,
        cmd_timeout: Any = NOTSET,
        environment: dict[str, str] | None = None,
        get_pty: bool = False,
        banner_timeout: float = 30.0,
        skip_on_exit_code: int | Container[int] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.ssh_hook = ssh_hook
        self.ssh_conn_id = ssh_conn_id
        self.remote_host = remote_host
        self.command = command
        self.conn_timeout = conn_timeout
        self.cmd_timeout = cmd_timeout
        self.environment = environment
        self.get_pty = get_pty
        self.banner_timeout = banner_timeout
        if skip_on_exit_code is None:
            self.skip_on_exit_code: Container[int] = ()
        elif isinstance(skip_on_exit_code, int):
            self.skip_on_exit_code = (skip_on_exit_code,)
        else:
            self.skip_on_exit_code = skip_on_exit_code

    def get_hook(self) -> SSHHook:
        """The hook given, or one for `ssh_conn_id`; `remote_host` (templated) overrides the connection's host."""
        if self.ssh_hook is None:
            if not self.ssh_conn_id:
                raise TradewindException("Cannot operate without ssh_hook or ssh_conn_id.")
            self.ssh_hook = SSHHook(
                ssh_conn_id=self.ssh_conn_id,
                conn_timeout=self.conn_timeout,
                cmd_timeout=self.cmd_timeout,
                banner_timeout=self.banner_timeout,
            )
        if self.remote_host is not None:
            self.log.info("remote_host is given: it replaces the host of the connection")
            self.ssh_hook.remote_host = self.remote_host
        return self.ssh_hook

    def get_ssh_client(self) -> Any:
        hook = self.get_hook()
        self.log.info("Creating ssh_client to %s:%s", hook.remote_host, hook.port)
        return hook.get_conn()

    def execute(self, context: Context) -> bytes | str:
        if not self.command:
            raise TradewindException("SSH operator error: SSH command not specified. Aborting.")
        get_pty = self.get_pty or self.command.lstrip().startswith("sudo")
        client = self.get_ssh_client()
        try:
            result = self.run_ssh_client_command(client, self.command, context, get_pty)
        finally:
            client.close()
        return b64encode(result).decode("utf-8")  # Airflow's XCom when pickling is off (its default)

    def run_ssh_client_command(
        self, ssh_client: Any, command: str, context: Context | None = None, get_pty: bool | None = None
    ) -> bytes:
        assert self.ssh_hook is not None
        exit_status, stdout, stderr = self.ssh_hook.exec_ssh_client_command(
            ssh_client,
            command,
            get_pty=self.get_pty if get_pty is None else get_pty,
            environment=self.environment,
            timeout=self.cmd_timeout,
        )
        self.raise_for_status(exit_status, stderr, context=context)
        return stdout

    def raise_for_status(self, exit_status: int, stderr: bytes, context: Context | None = None) -> None:
        if exit_status in self.skip_on_exit_code:
            raise SkipTask(f"SSH command returned exit code {exit_status}. Skipping.")
        if exit_status != 0:
            last = stderr.decode("utf-8", "replace").strip().splitlines()[-1:] if stderr else []
            raise TradewindException(
                f"SSH operator error: exit status = {exit_status}" + (f" ({last[0]})" if last else "")
            )
