"""`FTPSensor` / `FTPSSensor`: wait for a file on an FTP server, as Airflow's."""

from __future__ import annotations

import ftplib
from typing import Any

from tradewind.providers.ftp.hooks.ftp import FTPHook, FTPSHook, error_code
from tradewind.sdk.baseoperator import Context
from tradewind.sensors.base import BaseSensorOperator

__all__ = ["FTPSSensor", "FTPSensor"]


class FTPSensor(BaseSensorOperator):
    """Done once `path` exists (its MDTM answers).

    550 (no such file) means "not yet". Other FTP errors fail the task, unless
    `fail_on_transient_errors=False` and the error is a transient one (421, 425, 426, 434,
    450, 451, 452): then the sensor pokes again, as Airflow's.
    """

    template_fields = ("path",)
    transient_errors = (421, 425, 426, 434, 450, 451, 452)
    error_code_pattern = None  # Airflow keeps a regex here; `error_code` reads the reply's code

    def __init__(
        self, *, path: str, ftp_conn_id: str = "ftp_default", fail_on_transient_errors: bool = True, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.path = path
        self.ftp_conn_id = ftp_conn_id
        self.fail_on_transient_errors = fail_on_transient_errors

    def _create_hook(self) -> FTPHook:
        return FTPHook(ftp_conn_id=self.ftp_conn_id)

    def poke(self, context: Context) -> bool:
        with self._create_hook() as hook:
            self.log.info("Poking for %s", self.path)
            try:
                mod_time = hook.get_mod_time(self.path)
            except ftplib.error_perm as exc:
                return self._not_yet(exc)
            except ftplib.error_temp as exc:
                return self._not_yet(exc)
            self.log.info("Found %s, modified %s", self.path, mod_time)
            return True

    def _not_yet(self, exc: ftplib.Error) -> bool:
        """False for "no such file" (and transient errors when allowed); otherwise the error fails the task."""
        code = error_code(exc)
        self.log.info("Ftp error encountered: %s", str(exc).strip())
        if code == 550:
            return False
        if not self.fail_on_transient_errors and code in self.transient_errors:
            return False
        raise exc


class FTPSSensor(FTPSensor):
    """`FTPSensor` over FTPS."""

    def _create_hook(self) -> FTPHook:
        return FTPSHook(ftp_conn_id=self.ftp_conn_id)
