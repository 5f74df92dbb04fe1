"""`SFTPOperator`: get or put files over SFTP (one file or paired lists), as Airflow's."""

from __future__ import annotations

import posixpath
from pathlib import Path
from typing import Any

from tradewind.exceptions import TradewindException
from tradewind.providers.sftp.hooks.sftp import SFTPHook
from tradewind.providers.ssh.hooks.ssh import SSHHook
from tradewind.providers.transfers import check_operation, paired_paths
from tradewind.sdk.baseoperator import BaseOperator, Context

__all__ = ["SFTPOperation", "SFTPOperator"]


class SFTPOperation:
    """The two directions (Airflow's constants)."""

    PUT = "put"
    GET = "get"


class SFTPOperator(BaseOperator):
    """Download (`operation="get"`) or upload (`"put"`, the default) over SFTP.

    `sftp_hook`, `ssh_hook` or `ssh_conn_id` says where; `remote_host` (templated) overrides the
    connection's host. `create_intermediate_dirs=True` creates missing folders on the receiving
    side; `confirm` checks an upload's size. The XCom is `local_filepath`, as Airflow's.
    """

    template_fields = ("local_filepath", "remote_filepath", "remote_host")

    def __init__(
        self,
        *,
        ssh_hook: SSHHook | None = None,
        sftp_hook: SFTPHook | None = None,
        ssh_conn_id: str | None = None,
        remote_host: str | None = None,
        local_filepath: str | list[str],
        remote_filepath: str | list[str],
        operation: str = SFTPOperation.PUT,
        confirm: bool = True,
        create_intermediate_dirs: bool = False,
        concurrency: int = 1,
        prefetch: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.ssh_hook = ssh_hook
        self.sftp_hook = sftp_hook
        self.ssh_conn_id = ssh_conn_id
        self.remote_host = remote_host
        self.local_filepath = local_filepath
        self.remote_filepath = remote_filepath
        self.operation = check_operation(operation, self.task_id)
        self.confirm = confirm
        self.create_intermediate_dirs = create_intermediate_dirs
        self.concurrency = concurrency  # accepted: transfers run one after the other
        self.prefetch = prefetch

    def _hook(self) -> SFTPHook:
        if self.sftp_hook is None:
            if self.ssh_conn_id:
                self.sftp_hook = SFTPHook(ssh_conn_id=self.ssh_conn_id)
            elif self.ssh_hook is not None:
                self.sftp_hook = SFTPHook.from_ssh_hook(self.ssh_hook)
            else:
                raise TradewindException("Cannot operate without sftp_hook, ssh_hook or ssh_conn_id.")
        if self.remote_host is not None:
            self.log.info("remote_host is given: it replaces the host of the connection")
            self.sftp_hook.remote_host = self.remote_host
        return self.sftp_hook

    def execute(self, context: Context) -> str | list[str]:
        pairs = paired_paths(self.local_filepath, self.remote_filepath)
        hook = self._hook()
        file_msg = ""
        try:
            for local, remote in pairs:
                if self.operation == SFTPOperation.GET:
                    file_msg = f"from {remote} to {local}"
                    self.log.info("Starting to transfer %s", file_msg)
                    if self.create_intermediate_dirs:
                        Path(local).parent.mkdir(parents=True, exist_ok=True)
                    hook.retrieve_file(remote, local, prefetch=self.prefetch)
                else:
                    file_msg = f"from {local} to {remote}"
                    self.log.info("Starting to transfer %s", file_msg)
                    folder = posixpath.dirname(remote)
                    if self.create_intermediate_dirs and folder:
                        hook.create_directory(folder)
                    hook.store_file(remote, local, confirm=self.confirm)
        except Exception as exc:
            raise TradewindException(
                f"Error while processing {self.operation.upper()} operation {file_msg}, error: {_describe(exc)}"
            ) from exc
        finally:
            hook.close_conn()
        return self.local_filepath


def _describe(exc: BaseException) -> str:
    """`[Errno 2] No such file` for OSErrors; paramiko's authentication errors by their class."""
    text = str(exc).strip()
    return text if isinstance(exc, OSError) and text else f"{type(exc).__name__}: {text}"
