"""`FTPFileTransmitOperator` / `FTPSFileTransmitOperator`: get or put files over FTP, as Airflow's."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath
from typing import Any

from tradewind.exceptions import DagDefinitionError
from tradewind.providers.ftp.hooks.ftp import FTPHook, FTPSHook
from tradewind.sdk.baseoperator import BaseOperator, Context

__all__ = ["FTPFileTransmitOperator", "FTPOperation", "FTPSFileTransmitOperator"]


class FTPOperation:
    """The two directions (Airflow's constants)."""

    PUT = "put"
    GET = "get"


def paired_paths(local: str | list[str], remote: str | list[str]) -> list[tuple[str, str]]:
    """`[(local, remote), ...]` from one path each or two lists of the same length."""
    locals_ = [local] if isinstance(local, (str, os.PathLike)) else list(local)
    remotes = [remote] if isinstance(remote, (str, os.PathLike)) else list(remote)
    if len(locals_) != len(remotes):
        raise ValueError(f"{len(locals_)} paths in local_filepath != {len(remotes)} paths in remote_filepath")
    return [(os.fspath(a), os.fspath(b)) for a, b in zip(locals_, remotes)]


def check_operation(operation: str, task_id: str) -> str:
    if str(operation).lower() not in (FTPOperation.GET, FTPOperation.PUT):
        raise DagDefinitionError(
            f"Unsupported operation value {operation!r} in task {task_id}, expected 'get' or 'put'"
        )
    return str(operation).lower()


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
