"""What the file-transfer operators (FTP, SFTP) share: pairing local and remote paths, checking the direction."""

from __future__ import annotations

import os

from tradewind.exceptions import DagDefinitionError


def paired_paths(local: str | list[str], remote: str | list[str]) -> list[tuple[str, str]]:
    """`[(local, remote), ...]` from one path each or two lists of the same length."""
    locals_ = [local] if isinstance(local, (str, os.PathLike)) else list(local)
    remotes = [remote] if isinstance(remote, (str, os.PathLike)) else list(remote)
    if len(locals_) != len(remotes):
        raise ValueError(f"{len(locals_)} paths in local_filepath != {len(remotes)} paths in remote_filepath")
    return [(os.fspath(a), os.fspath(b)) for a, b in zip(locals_, remotes)]


def check_operation(operation: str, task_id: str) -> str:
    """`get` or `put` (any case); anything else is a DAG definition error, so an import error with file and line."""
    if str(operation).lower() not in ("get", "put"):
        raise DagDefinitionError(
            f"Unsupported operation value {operation!r} in task {task_id}, expected 'get' or 'put'"
        )
    return str(operation).lower()
