"""`SqliteHook`: SQLite files through the standard library, reading a `sqlite` connection as Airflow's hook does.

The connection's host is the database file (a relative path is relative to the task's working
directory; `sqlite:///abs/path.db` and `sqlite://rel/path.db` URIs work as on Airflow); no host
means a private in-memory database. Keys of extra are SQLite URI parameters (`mode=ro`, `cache=shared`...).
"""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, time
from typing import Any
from urllib.parse import quote, urlencode

from tradewind.providers.common.sql.hooks import DbApiHook

#: extra keys that configure the hook, not SQLite
_HOOK_EXTRAS = frozenset(
    {"placeholder", "insert_statement_format", "replace_statement_format", "escape_word_format", "escape_column_names"}
)


class SqliteHook(DbApiHook):
    """Run SQL on a SQLite database file."""

    conn_name_attr = "sqlite_conn_id"
    default_conn_name = "sqlite_default"
    conn_type = "sqlite"
    hook_name = "Sqlite"
    _placeholder = "?"

    def database_path(self) -> str:
        """The file the connection names: its host, with Airflow's URI form (`sqlite:///a/b.db`) joined back."""
        conn = self.connection
        host, schema = conn.host or "", conn.schema or ""
        return f"{host}/{schema}" if schema else host

    def _sqlite_uri(self) -> str:
        path = self.database_path()
        params = {k: v for k, v in self.connection_extra.items() if k not in _HOOK_EXTRAS}
        target = f"file:{quote(path, safe='/:')}" if path else "file::memory:"
        return f"{target}?{urlencode(params)}" if params else target

    def get_conn(self) -> sqlite3.Connection:
        """A new sqlite3 connection to the file (opened as a SQLite URI, so extras such as `mode=ro` apply)."""
        return sqlite3.connect(self._sqlite_uri(), uri=True)

    def get_uri(self) -> str:
        """The database as a SQLAlchemy URL (`sqlite:////abs/path.db`), as Airflow's hook returns it."""
        return f"sqlite:///{self.database_path()}"

    @property
    def sqlalchemy_url(self) -> Any:
        from sqlalchemy.engine import make_url

        return make_url(self.get_uri())

    @staticmethod
    def _serialize_cell(cell: Any, conn: Any = None) -> Any:
        """Cells sqlite3 stores natively pass as they are; dates as ISO 8601 text; anything else as text."""
        if cell is None or isinstance(cell, (int, float, str, bytes)):
            return cell
        if isinstance(cell, (datetime, date, time)):
            return cell.isoformat()
        return str(cell)
