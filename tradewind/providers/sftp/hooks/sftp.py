"""`SFTPHook`: files over SFTP on an `SSHHook`'s client (paramiko's `SFTPClient`), with Airflow's method names.

The connection is an SSH one (`sftp_default`, type `sftp` or `ssh`): same fields and extras.
`get_mod_time` returns `YYYYmmddHHMMSS` text, as Airflow's.
"""

from __future__ import annotations

import datetime
import errno
import fnmatch
import os
import stat
from collections.abc import Callable
from pathlib import PurePosixPath
from typing import IO, TYPE_CHECKING, Any

from tradewind.providers.ssh.hooks.ssh import SSHHook, one_line

if TYPE_CHECKING:
    from tradewind.models.connection import Connection
    from tradewind.providers.registry import TestResult

__all__ = ["SFTPHook", "check_connection"]


class SFTPHook(SSHHook):
    """`SFTPHook(ssh_conn_id="sftp_default")`; one SFTP session, opened on first use, closed by `close_conn()`."""

    conn_name_attr = "ssh_conn_id"
    default_conn_name = "sftp_default"
    conn_type = "sftp"
    hook_name = "SFTP"

    def __init__(
        self,
        ssh_conn_id: str | None = default_conn_name,
        host_proxy_cmd: str | None = None,
        use_managed_conn: bool = True,
        **kwargs: Any,
    ) -> None:
        if "ftp_conn_id" in kwargs:  # Airflow's older spelling
            ssh_conn_id = kwargs.pop("ftp_conn_id")
        super().__init__(ssh_conn_id, host_proxy_cmd=host_proxy_cmd, **kwargs)
        self.use_managed_conn = use_managed_conn
        self.conn: Any = None
        self._ssh: Any = None

    @classmethod
    def from_ssh_hook(cls, ssh_hook: SSHHook) -> SFTPHook:
        """An SFTPHook with the settings (host, credentials, timeouts) of an SSHHook."""
        hook = cls.__new__(cls)
        hook.__dict__.update(ssh_hook.__dict__)
        hook.use_managed_conn, hook.conn, hook._ssh, hook.client = True, None, None, None
        return hook

    def get_conn(self) -> Any:
        """The `paramiko.SFTPClient` (opened once)."""
        if self.conn is None:
            self._ssh = super().get_conn()
            self.conn = self._ssh.open_sftp()
        return self.conn

    def close_conn(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None
        if self._ssh is not None:
            self._ssh.close()
            self._ssh = None

    def __exit__(self, *exc: object) -> None:
        self.close_conn()

    # --- directories ---------------------------------------------------------------------------
    def describe_directory(self, path: str) -> dict[str, dict[str, Any]]:
        """`{name: {"size", "type" ("dir"/"file"), "modify"}}` of a directory's entries."""
        return {
            f.filename: {
                "size": f.st_size,
                "type": "dir" if stat.S_ISDIR(f.st_mode or 0) else "file",
                "modify": _stamp(f.st_mtime),
            }
            for f in self.get_conn().listdir_attr(path)
        }

    def list_directory(self, path: str) -> list[str]:
        return sorted(self.get_conn().listdir(path))

    def list_directory_with_attr(self, path: str) -> list[Any]:
        return sorted(self.get_conn().listdir_attr(path), key=lambda f: f.filename)

    def mkdir(self, path: str, mode: int = 0o777) -> None:
        self.get_conn().mkdir(path, mode=mode)

    def isdir(self, path: str) -> bool:
        try:
            return stat.S_ISDIR(self.get_conn().stat(path).st_mode or 0)
        except OSError:
            return False

    def isfile(self, path: str) -> bool:
        try:
            return stat.S_ISREG(self.get_conn().stat(path).st_mode or 0)
        except OSError:
            return False

    def create_directory(self, path: str, mode: int = 0o777) -> None:
        """`path` and its missing parents (nothing if it exists)."""
        if self.isdir(path):
            return
        if self.isfile(path):
            raise FileExistsError(errno.EEXIST, f"{path} exists and is a file")
        parent = str(PurePosixPath(path).parent)
        if parent not in (path, ".", "/", ""):
            self.create_directory(parent, mode)
        self.log.info("Creating %s", path)
        self.get_conn().mkdir(path, mode=mode)

    def delete_directory(self, path: str, include_files: bool = False) -> None:
        """Remove an empty directory, or with `include_files` everything under it first."""
        if include_files:
            files: list[str] = []
            dirs: list[str] = []
            self.walktree(path, files.append, dirs.append, lambda _p: None)
            for name in files:
                self.delete_file(name)
            for name in reversed(dirs):
                self.get_conn().rmdir(name)
        self.get_conn().rmdir(path)

    def walktree(
        self,
        path: str,
        fcallback: Callable[[str], Any],
        dcallback: Callable[[str], Any],
        ucallback: Callable[[str], Any],
        recurse: bool = True,
    ) -> None:
        """Call `fcallback` on each file, `dcallback` on each folder (then into it), `ucallback` on the rest."""
        for entry in self.get_conn().listdir_attr(path):
            full = str(PurePosixPath(path) / entry.filename)
            mode = entry.st_mode or 0
            if stat.S_ISDIR(mode):
                dcallback(full)
                if recurse:
                    self.walktree(full, fcallback, dcallback, ucallback)
            elif stat.S_ISREG(mode):
                fcallback(full)
            else:
                ucallback(full)

    def get_tree_map(
        self, path: str, prefix: str | None = None, delimiter: str | None = None
    ) -> tuple[list[str], list[str], list[str]]:
        """(files, dirs, unknowns) under `path`, optionally only those starting with `prefix` / ending with `delimiter`."""
        files: list[str] = []
        dirs: list[str] = []
        unknowns: list[str] = []

        def keep(into: list[str]) -> Callable[[str], None]:
            def add(item: str) -> None:
                if (prefix is None or item.startswith(prefix)) and (delimiter is None or item.endswith(delimiter)):
                    into.append(item)

            return add

        self.walktree(path, keep(files), keep(dirs), keep(unknowns))
        return files, dirs, unknowns

    # --- files ---------------------------------------------------------------------------------
    def retrieve_file(
        self, remote_full_path: str, local_full_path: str | os.PathLike[str] | IO[bytes], prefetch: bool = True
    ) -> None:
        """Download to a local path (via `<path>.part`, so a failure leaves no half file) or a binary buffer."""
        conn = self.get_conn()
        if hasattr(local_full_path, "write"):
            conn.getfo(remote_full_path, local_full_path, prefetch=prefetch)
            return
        target = os.fspath(local_full_path)
        part = f"{target}.part"
        try:
            conn.get(remote_full_path, part, prefetch=prefetch)
            os.replace(part, target)
        finally:
            if os.path.exists(part):
                os.unlink(part)

    def store_file(
        self, remote_full_path: str, local_full_path: str | os.PathLike[str] | IO[bytes], confirm: bool = True
    ) -> None:
        """Upload a local path or a binary buffer; `confirm` stats the remote file after (its size must match)."""
        conn = self.get_conn()
        if hasattr(local_full_path, "read"):
            conn.putfo(local_full_path, remote_full_path, confirm=confirm)
        else:
            conn.put(os.fspath(local_full_path), remote_full_path, confirm=confirm)

    def delete_file(self, path: str) -> None:
        self.get_conn().remove(path)

    def rename(self, from_name: str, to_name: str) -> None:
        self.get_conn().rename(from_name, to_name)

    def get_mod_time(self, path: str) -> str:
        """The file's modification time as `YYYYmmddHHMMSS` (Airflow's format, local time of this machine)."""
        return _stamp(self.get_conn().stat(path).st_mtime)

    def path_exists(self, path: str) -> bool:
        try:
            self.get_conn().stat(path)
        except OSError:
            return False
        return True

    def get_files_by_pattern(self, path: str, fnmatch_pattern: str) -> list[str]:
        """Names in `path` matching a shell-style pattern (`*.csv`)."""
        return [name for name in self.list_directory(path) if fnmatch.fnmatch(name, fnmatch_pattern)]

    def test_connection(self) -> tuple[bool, str]:
        """Open an SFTP session and resolve the home directory, one line either way."""
        try:
            where = self.get_conn().normalize(".")
        except Exception as exc:  # noqa: BLE001 — socket, auth and protocol errors alike are the answer
            return False, one_line(exc)
        finally:
            self.close_conn()
        return True, f"SFTP session on {self.remote_host}:{self.port} as {self.username} (home {where})"


def _stamp(mtime: float | None) -> str:
    return datetime.datetime.fromtimestamp(mtime or 0).strftime("%Y%m%d%H%M%S")


def check_connection(conn: Connection) -> TestResult:
    """The registry's tester for `sftp` connections."""
    return SFTPHook(ssh_conn_id=None, connection=conn).test_connection()
