"""`FileSensor`: wait for a file (or a glob match, or a non-empty directory) to appear."""

from __future__ import annotations

import glob
import os
from typing import Any

from tradewind.exceptions import ConnectionNotFound
from tradewind.sdk.baseoperator import Context
from tradewind.sensors.base import BaseSensorOperator

__all__ = ["FileSensor"]


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
        full_path = os.path.join(base_path(self.fs_conn_id), self.filepath)
        self.log.info("Poking for file %s", full_path)
        for path in glob.glob(full_path, recursive=self.recursive):
            if os.path.isfile(path):
                self.log.info("Found file %s", path)
                return True
            for _, _, files in os.walk(path):
                if files:
                    self.log.info("Found directory %s with files", path)
                    return True
        return False
