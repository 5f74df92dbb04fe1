"""`FTPHook` and `FTPSHook`: files on an FTP server through Python's ftplib, with Airflow's method names.

The connection gives host, port (21), login (anonymous when empty), password, and in `extra`
`passive` (default true). `FTPSHook` speaks explicit FTP over TLS (AUTH TLS) and protects the
data channel too (`PROT P`); `extra` `{"verify": false}` accepts a self-signed certificate.
"""

from __future__ import annotations

import datetime
import ftplib
import os
import ssl
from collections.abc import Callable
from pathlib import PurePosixPath
from typing import IO, TYPE_CHECKING, Any

from tradewind.hooks.base import BaseHook

if TYPE_CHECKING:
    from tradewind.models.connection import Connection
    from tradewind.providers.registry import TestResult

#: what ftplib raises, plus EOFError for a server that hangs up
_FTP_ERRORS: tuple[type[BaseException], ...] = (*ftplib.all_errors, EOFError)

__all__ = ["FTPHook", "FTPSHook", "check_ftp", "check_ftps"]


class FTPHook(BaseHook):
    """`with FTPHook("ftp_default") as ftp: ftp.retrieve_file("drops/a.csv", "/tmp/a.csv")`.

    One control connection, opened on first use and kept until `close_conn()` (or the end of a
    `with` block). `connection=` (Tradewind) passes a Connection instead of looking one up.
    """

    conn_name_attr = "ftp_conn_id"
    default_conn_name = "ftp_default"
    conn_type = "ftp"
    hook_name = "FTP"

    def __init__(
        self, ftp_conn_id: str = default_conn_name, *, connection: Connection | None = None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.ftp_conn_id = ftp_conn_id
        self._connection = connection
        self.conn: ftplib.FTP | None = None

    def __enter__(self) -> FTPHook:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.conn is not None:
            self.close_conn()

    def connection(self) -> Connection:
        if self._connection is None:
            self._connection = self.get_connection(self.ftp_conn_id)
        return self._connection

    def get_conn(self) -> ftplib.FTP:
        """The logged-in ftplib client (opened once)."""
        if self.conn is None:
            params = self.connection()
            conn = self._client(params)
            try:
                conn.connect(params.host or "localhost", params.port or 21, timeout=float(self._extra("timeout", 60)))
                self._login(conn, params)
            except BaseException:
                conn.close()  # a refused login leaves no open socket behind
                raise
            conn.set_pasv(_truthy(self._extra("passive", True)))
            self.conn = conn
        return self.conn

    def _client(self, params: Connection) -> ftplib.FTP:
        return ftplib.FTP()

    def _login(self, conn: ftplib.FTP, params: Connection) -> None:
        conn.login(params.login or "anonymous", params.password or "")

    def _extra(self, key: str, default: Any) -> Any:
        return self.connection().extra_dejson.get(key, default)

    def close_conn(self) -> None:
        """Close the control connection (QUIT, or drop it if the server is gone)."""
        conn, self.conn = self.conn, None
        if conn is None:
            raise RuntimeError("no FTP connection to close")  # Airflow's hook raises here too
        try:
            conn.quit()
        except _FTP_ERRORS:
            conn.close()

    # --- directories ---------------------------------------------------------------------------
    def describe_directory(self, path: str) -> dict[str, dict[str, str]]:
        """`{name: facts}` of a directory's entries, from MLSD (`type`, `size`, `modify`, ...)."""
        return dict(self.get_conn().mlsd(path))

    def list_directory(self, path: str) -> list[str]:
        """The names in a directory (NLST)."""
        return self.get_conn().nlst(path)

    def create_directory(self, path: str) -> None:
        self.get_conn().mkd(path)

    def delete_directory(self, path: str) -> None:
        self.get_conn().rmd(path)

    def create_directories(self, path: str) -> None:
        """`path` and its missing parents (Tradewind: what `create_intermediate_dirs` needs)."""
        conn = self.get_conn()
        current = PurePosixPath("/") if path.startswith("/") else PurePosixPath()
        for part in PurePosixPath(path).parts:
            if part == "/":
                continue
            current /= part
            try:
                conn.mkd(str(current))
            except ftplib.error_perm as exc:
                if not _is_code(exc, 550, 521):  # 550/521: it exists already (or cannot be made: the next step says)
                    raise

    # --- files ---------------------------------------------------------------------------------
    def retrieve_file(
        self,
        remote_full_path: str,
        local_full_path_or_buffer: str | os.PathLike[str] | IO[bytes] | None,
        callback: Callable[[bytes], Any] | None = None,
        block_size: int = 8192,
    ) -> None:
        """Download a file into a local path or a binary buffer, or hand each block to `callback` instead."""
        conn = self.get_conn()
        if callback is not None:
            conn.retrbinary(f"RETR {remote_full_path}", callback, block_size)
            return
        if local_full_path_or_buffer is None:
            raise ValueError("retrieve_file needs local_full_path_or_buffer or a callback")
        if hasattr(local_full_path_or_buffer, "write"):
            conn.retrbinary(f"RETR {remote_full_path}", local_full_path_or_buffer.write, block_size)
            return
        target = os.fspath(local_full_path_or_buffer)
        part = f"{target}.part"
        try:
            with open(part, "wb") as fh:
                conn.retrbinary(f"RETR {remote_full_path}", fh.write, block_size)
            os.replace(part, target)  # a failed download leaves no half file under the real name
        finally:
            if os.path.exists(part):
                os.unlink(part)
        self.log.info("Retrieved %s to %s", remote_full_path, target)

    def store_file(
        self,
        remote_full_path: str,
        local_full_path_or_buffer: str | os.PathLike[str] | IO[bytes],
        block_size: int = 8192,
    ) -> None:
        """Upload a local path or a binary buffer."""
        conn = self.get_conn()
        if hasattr(local_full_path_or_buffer, "read"):
            conn.storbinary(f"STOR {remote_full_path}", local_full_path_or_buffer, block_size)  # type: ignore[arg-type]
            return
        with open(os.fspath(local_full_path_or_buffer), "rb") as fh:
            conn.storbinary(f"STOR {remote_full_path}", fh, block_size)

    def delete_file(self, path: str) -> None:
        self.get_conn().delete(path)

    def rename(self, from_name: str, to_name: str) -> str:
        return self.get_conn().rename(from_name, to_name)

    def get_mod_time(self, path: str) -> datetime.datetime:
        """The file's modification time from MDTM (naive, the server's UTC), as Airflow's hook returns it."""
        reply = self.get_conn().sendcmd(f"MDTM {path}")
        stamp = reply[4:].strip()
        try:
            return datetime.datetime.strptime(stamp, "%Y%m%d%H%M%S.%f")
        except ValueError:
            return datetime.datetime.strptime(stamp, "%Y%m%d%H%M%S")

    def get_size(self, path: str) -> int | None:
        """The file's size in bytes (SIZE, in binary mode), None if the server does not say."""
        conn = self.get_conn()
        conn.voidcmd("TYPE I")
        size = conn.size(path)
        return int(size) if size is not None else None

    def test_connection(self) -> tuple[bool, str]:
        """Log in and ask for the working directory (Airflow's test), one line either way."""
        try:
            where = self.get_conn().pwd()
        except _FTP_ERRORS as exc:
            return False, _one_line(exc)
        finally:
            if self.conn is not None:
                self.close_conn()
        params = self.connection()
        return True, f"logged in to {params.host}:{params.port or 21} as {params.login or 'anonymous'} (cwd {where})"


class FTPSHook(FTPHook):
    """FTP over TLS (explicit, `AUTH TLS`), data channel protected; `extra` `verify: false` for self-signed servers."""

    conn_type = "ftps"
    hook_name = "FTPS"

    def _client(self, params: Connection) -> ftplib.FTP:
        context = ssl.create_default_context()
        if not _truthy(self._extra("verify", True)):
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        return ftplib.FTP_TLS(context=context)

    def _login(self, conn: ftplib.FTP, params: Connection) -> None:
        super()._login(conn, params)
        assert isinstance(conn, ftplib.FTP_TLS)
        conn.prot_p()


def error_code(exc: BaseException) -> int | None:
    """The FTP reply code of an ftplib error (`550 No such file` → 550)."""
    text = str(exc.args[0]) if exc.args else ""
    return int(text[:3]) if text[:3].isdigit() else None


def _is_code(exc: BaseException, *codes: int) -> bool:
    return error_code(exc) in codes


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() not in ("false", "0", "no", "off", "")
    return bool(value)


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else 'connection closed'}"


def check_ftp(conn: Connection) -> TestResult:
    """The registry's tester for `ftp` connections."""
    return FTPHook(connection=conn).test_connection()


def check_ftps(conn: Connection) -> TestResult:
    """The registry's tester for `ftps` connections."""
    return FTPSHook(connection=conn).test_connection()
