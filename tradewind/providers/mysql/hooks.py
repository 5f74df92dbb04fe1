"""`MySqlHook`: MySQL and MariaDB through PyMySQL, reading a `mysql` connection as Airflow's hook does.

Connection: host, port (3306), login, password, schema (the database). Extra: `charset`, `cursor`
(`sscursor`, `dictcursor`, `ssdictcursor`), `ssl` (a dict, or its JSON, of PyMySQL's ssl options),
`ssl_mode`, `unix_socket`, `local_infile`, `init_command`, `connect_timeout`. PyMySQL is imported
on first connection.
"""

from __future__ import annotations

import json
from typing import Any

from tradewind.providers.common.sql.hooks import DbApiHook
from tradewind.providers.extras import require, require_installed

EXTRA = "mysql"
require_installed("pymysql", EXTRA)  # a DAG file using this hook without the extra: an import error naming it
_CURSORS = {"sscursor": "SSCursor", "dictcursor": "DictCursor", "ssdictcursor": "SSDictCursor"}


class MySqlHook(DbApiHook):
    """Run SQL on MySQL or MariaDB; also `bulk_load` (LOAD DATA LOCAL INFILE) and `bulk_dump` (SELECT INTO OUTFILE)."""

    conn_name_attr = "mysql_conn_id"
    default_conn_name = "mysql_default"
    conn_type = "mysql"
    hook_name = "MySQL"
    supports_autocommit = True

    def __init__(self, *args: Any, local_infile: bool = False, init_command: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.local_infile = local_infile
        self.init_command = init_command

    @property
    def escape_word_format(self) -> str:
        return str(self._extra_setting(self._escape_word_format, "escape_word_format", "`{}`"))

    def connect_kwargs(self, **overrides: Any) -> dict[str, Any]:
        """The arguments of `pymysql.connect` for this connection."""
        pymysql = require("pymysql", EXTRA)
        conn = self.connection
        extra = conn.extra_dejson
        kwargs: dict[str, Any] = {
            "host": conn.host or "localhost",
            "user": conn.login,
            "password": conn.password or "",
            "port": int(conn.port) if conn.port else 3306,
        }
        database = self.schema or conn.schema
        if database:
            kwargs["database"] = database
        if extra.get("charset"):
            kwargs["charset"] = extra["charset"]
        cursor = str(extra.get("cursor", "")).lower()
        if cursor:
            if cursor not in _CURSORS:
                raise ValueError(f"Invalid cursor passed {cursor}. Valid options are: {', '.join(_CURSORS)}")
            kwargs["cursorclass"] = getattr(pymysql.cursors, _CURSORS[cursor])
        ssl = extra.get("ssl")
        if isinstance(ssl, str):
            ssl = json.loads(ssl)
        if ssl:
            kwargs["ssl"] = ssl
        if extra.get("ssl_mode"):
            kwargs["ssl_disabled"] = str(extra["ssl_mode"]).upper() == "DISABLED"
        for key in ("unix_socket", "connect_timeout"):
            if extra.get(key):
                kwargs[key] = extra[key]
        kwargs["local_infile"] = bool(self.local_infile or extra.get("local_infile", False))
        init_command = self.init_command or extra.get("init_command")
        if init_command:
            kwargs["init_command"] = init_command
        kwargs.update(overrides)
        return kwargs

    def get_conn(self, **overrides: Any) -> Any:
        """A new PyMySQL connection (autocommit off unless `run(autocommit=True)` sets it)."""
        return require("pymysql", EXTRA).connect(**self.connect_kwargs(**overrides))

    def set_autocommit(self, conn: Any, autocommit: bool) -> None:
        conn.autocommit(autocommit)

    def get_autocommit(self, conn: Any) -> bool:
        return bool(conn.get_autocommit())

    @property
    def sqlalchemy_url(self) -> Any:
        from sqlalchemy.engine import URL

        conn = self.connection
        return URL.create(
            drivername="mysql+pymysql",
            username=conn.login,
            password=conn.password,
            host=conn.host or "localhost",
            port=conn.port,
            database=self.schema or conn.schema,
        )

    def get_uri(self) -> str:
        uri: str = self.sqlalchemy_url.render_as_string(hide_password=False)
        return uri

    @staticmethod
    def _serialize_cell(cell: Any, conn: Any = None) -> Any:
        """Cells go to PyMySQL as they are: it escapes each type itself."""
        return cell

    def bulk_load(self, table: str, tmp_file: str) -> None:
        """Load a tab-delimited file from this machine into `table` (LOAD DATA LOCAL INFILE)."""
        self.bulk_load_custom(table, tmp_file, duplicate_key_handling="", extra_options="")

    def bulk_load_custom(
        self, table: str, tmp_file: str, duplicate_key_handling: str = "IGNORE", extra_options: str = ""
    ) -> None:
        """LOAD DATA LOCAL INFILE with `IGNORE`/`REPLACE` for duplicate keys and extra options (`FIELDS TERMINATED BY ','`...)."""
        if duplicate_key_handling.upper() not in ("", "IGNORE", "REPLACE"):
            raise ValueError(f"duplicate_key_handling must be IGNORE or REPLACE, not {duplicate_key_handling!r}")
        sql = f"LOAD DATA LOCAL INFILE %s {duplicate_key_handling.upper()} INTO TABLE {self._quote_table(table)} {extra_options}"
        conn = self.get_conn(local_infile=True)
        try:
            with conn.cursor() as cur:
                cur.execute(sql.strip(), (tmp_file,))
            conn.commit()
        finally:
            conn.close()

    def bulk_dump(self, table: str, tmp_file: str) -> None:
        """Have the server write `table` to `tmp_file` on the server's machine (SELECT ... INTO OUTFILE; needs FILE privilege)."""
        conn = self.get_conn()
        try:
            with conn.cursor() as cur:
                cur.execute(f"SELECT * INTO OUTFILE %s FROM {self._quote_table(table)}", (tmp_file,))
            conn.commit()
        finally:
            conn.close()

    @staticmethod
    def _quote_table(table: str) -> str:
        """`db.table` as `` `db`.`table` `` (backticks in a name doubled), so a table name cannot inject SQL."""
        return ".".join("`" + part.replace("`", "``") + "`" for part in table.split("."))
