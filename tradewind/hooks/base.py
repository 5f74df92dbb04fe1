"""`BaseHook`: the base of hooks, and the classic way DAG code reads a connection (`BaseHook.get_connection`)."""

from __future__ import annotations

import logging
from typing import Any

from tradewind.models.connection import Connection


class BaseHook:
    """Subclass to wrap a client library; `get_connection(conn_id)` finds the credentials."""

    conn_name_attr: str = "conn_id"
    default_conn_name: str = "default_conn_id"
    conn_type: str = ""
    hook_name: str = ""

    def __init__(self, logger_name: str | None = None, **kwargs: Any) -> None:
        self.log = logging.getLogger(logger_name or f"{type(self).__module__}.{type(self).__name__}")

    @classmethod
    def get_connection(cls, conn_id: str) -> Connection:
        """The connection from the environment or the database (ConnectionNotFound if neither has it)."""
        return Connection.get_connection_from_secrets(conn_id)

    def get_conn(self) -> Any:
        """The client object for the system; each hook implements it."""
        raise NotImplementedError(f"{type(self).__name__} does not implement get_conn()")
