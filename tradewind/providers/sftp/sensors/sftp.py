"""`SFTPSensor`: wait for a file (or files matching a pattern) on an SFTP server, as Airflow's."""

from __future__ import annotations

import errno
import posixpath
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from typing import Any

from tradewind.operators.python import callable_kwargs
from tradewind.providers.sftp.hooks.sftp import SFTPHook
from tradewind.sdk.baseoperator import Context
from tradewind.sensors.base import BaseSensorOperator, PokeReturnValue

__all__ = ["SFTPSensor"]


class SFTPSensor(BaseSensorOperator):
    """Done once `path` exists — or, with `file_pattern`, once a file in the folder `path` matches it.

    `newer_than` (a datetime or ISO text, templated) only counts files modified at or after it.
    With `python_callable`, it is called once files are found (`files_found` is added to its
    `op_kwargs` when it has some) and the XCom is `{"files_found": [...], "decorator_return_value": ...}`.
    """

    template_fields = ("path", "newer_than")

    def __init__(
        self,
        *,
        path: str,
        file_pattern: str = "",
        newer_than: datetime | str | None = None,
        sftp_conn_id: str = "sftp_default",
        python_callable: Callable[..., Any] | None = None,
        op_args: Sequence[Any] | None = None,
        op_kwargs: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.path = path
        self.file_pattern = file_pattern
        self.newer_than = newer_than
        self.sftp_conn_id = sftp_conn_id
        self.python_callable = python_callable
        self.op_args = list(op_args or [])
        self.op_kwargs = dict(op_kwargs or {})

    def poke(self, context: Context) -> bool | PokeReturnValue:
        hook = SFTPHook(self.sftp_conn_id)
        self.log.info("Poking for %s, with pattern %s", self.path, self.file_pattern)
        try:
            if self.file_pattern:
                names = hook.get_files_by_pattern(self.path, self.file_pattern)
                candidates = [posixpath.join(self.path, name) for name in names]
            else:
                candidates = [self.path]
            found = []
            for candidate in candidates:
                try:
                    mod_time = hook.get_mod_time(candidate)
                except OSError as exc:
                    if exc.errno != errno.ENOENT:
                        raise
                    continue
                self.log.info("Found File %s last modified: %s", candidate, mod_time)
                if self.newer_than is None or _utc(datetime.strptime(mod_time, "%Y%m%d%H%M%S").astimezone()) >= _utc(
                    self.newer_than
                ):
                    found.append(candidate)
        except FileNotFoundError:
            return False  # the folder itself is not there yet
        finally:
            hook.close_conn()
        if not found:
            return False
        if self.python_callable is None:
            return True
        if self.op_kwargs:
            self.op_kwargs["files_found"] = found
        kwargs = callable_kwargs(self.python_callable, context, self.op_args, self.op_kwargs)
        value = self.python_callable(*self.op_args, **kwargs)
        return PokeReturnValue(is_done=True, xcom_value={"files_found": found, "decorator_return_value": value})


def _utc(value: datetime | str) -> datetime:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)
