"""`FTPFileTransmitOperator` / `FTPSFileTransmitOperator`: get or put files over FTP, as Airflow's."""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any

from tradewind.providers.ftp.hooks.ftp import FTPHook, FTPSHook
from tradewind.providers.transfers import check_operation, paired_paths
from tradewind.sdk.baseoperator import BaseOperator, Context

__all__ = ["FTPFileTransmitOperator", "FTPOperation", "FTPSFileTransmitOperator"]


class FTPOperation:
    """The two directions (Airflow's constants)."""

    PUT = "put"
    GET = "get"


class FTPFileTransmitOperator(BaseOperator):
    """Download (`operation="get"`) or upload (`"put"`, the default) one file or several paired files.

    `create_intermediate_dirs=True` creates the missing folders on the receiving side. The XCom
    is `local_filepath`, as Airflow's.
    """

    template_fields = ("local_filepath", "remote_filepath")

    def __init__(
        self,
        *,
        ftp_conn_id: str = "ftp_default",
        local_filepath: str | list[str],
        remote_filepath: str | list[str],
        operation: str = FTPOperation.PUT,
        create_intermediate_dirs: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.ftp_conn_id = ftp_conn_id
        self.local_filepath = local_filepath
        self.remote_filepath = remote_filepath
        self.operation = check_operation(operation, self.task_id)
        self.create_intermediate_dirs = create_intermediate_dirs

    def _create_hook(self) -> FTPHook:
        return FTPHook(ftp_conn_id=self.ftp_conn_id)

    def execute(self, context: Context) -> str | list[str]:
        pairs = paired_paths(self.local_filepath, self.remote_filepath)
        with self._create_hook() as hook:
            for local, remote in pairs:
                if self.operation == FTPOperation.GET:
                    self.log.info("Starting to transfer from %s to %s", remote, local)
                    if self.create_intermediate_dirs:
                        Path(local).parent.mkdir(parents=True, exist_ok=True)
                    hook.retrieve_file(remote, local)
                else:
                    self.log.info("Starting to transfer from %s to %s", local, remote)
                    if self.create_intermediate_dirs:
                        folder = str(PurePosixPath(remote).parent)
                        if folder not in (".", "/"):
                            hook.create_directories(folder)
                    hook.store_file(remote, local)
        return self.local_filepath


class FTPSFileTransmitOperator(FTPFileTransmitOperator):
    """`FTPFileTransmitOperator` over FTPS."""

    def _create_hook(self) -> FTPHook:
        return FTPSHook(ftp_conn_id=self.ftp_conn_id)
