"""`FileSensor`: wait for a file (or a glob match, or a non-empty directory) to appear."""

from __future__ import annotations

import glob
import os
from typing import Any

from tradewind.exceptions import ConnectionNotFound
from tradewind.sdk.baseoperator import Context
from tradewind.sensors.base import BaseSensorOperator
from tradewind.triggers.base import BaseTrigger

__all__ = ["FileSensor", "find_file"]


def base_path(fs_conn_id: str) -> str:
    """The `path` in the connection's extra, as Airflow's FSHook reads it; "" if there is no such connection."""
    from tradewind.hooks.base import BaseHook

    try:
        connection = BaseHook.get_connection(fs_conn_id)
    except ConnectionNotFound:
        return ""
    return str(connection.extra_dejson.get("path", "") or "")


class FileSensor(BaseSensorOperator):
    """Done when `filepath` (templated; glob patterns allowed, `**` with recursive=True) matches a file,
    or a directory holding at least one file. A relative path is joined to the fs connection's base path."""

    template_fields = ("filepath",)
    ui_color = "#91818a"

    def __init__(
        self,
        *,
        filepath: str | os.PathLike[str],
        fs_conn_id: str = "fs_default",
        recursive: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.filepath = os.fspath(filepath)
        self.fs_conn_id = fs_conn_id
        self.recursive = recursive

    def poke(self, context: Context) -> bool:
        full_path = self._full_path()
        self.log.info("Poking for file %s", full_path)
        found = find_file(full_path, recursive=self.recursive)
        if found is not None:
            self.log.info("Found %s", found)
        return found is not None

    def _full_path(self) -> str:
        return os.path.join(base_path(self.fs_conn_id), self.filepath)

    def trigger_for(self, context: Context) -> BaseTrigger:
        from tradewind.triggers.file import FileTrigger

        return FileTrigger(self._full_path(), recursive=self.recursive, poke_interval=self.poke_interval)


def find_file(pattern: str, *, recursive: bool = False) -> str | None:
    """The first file matching `pattern`, or a matched directory holding at least one file; None if neither."""
    for path in glob.glob(pattern, recursive=recursive):
        if os.path.isfile(path):
            return f"file {path}"
        for _, _, files in os.walk(path):
            if files:
                return f"directory {path} with files"
    return None
