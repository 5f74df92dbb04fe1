"""`PostgresHook`: PostgreSQL through psycopg 3, reading a `postgres` connection as Airflow's hook does.

Connection: host, port, login, password, schema (the database); every key of extra except the
hook's own (`cursor`, `sqlalchemy_*`, Airflow's AWS IAM keys) is a libpq parameter (`sslmode`,
`sslrootcert`, `connect_timeout`, `application_name`, `options`...). `cursor` chooses the row type:
`dictcursor` (dicts) or `namedtuplecursor`. psycopg is imported on first connection.
"""

from __future__ import annotations

import os
from typing import Any

from tradewind.providers.common.sql.hooks import DbApiHook
from tradewind.providers.extras import require, require_installed

EXTRA = "postgres"
require_installed("psycopg", EXTRA)  # a DAG file using this hook without the extra: an import error naming it
#: extra keys that configure the hook, not libpq (Airflow's list)
IGNORED_EXTRA_OPTIONS = frozenset(
    {
        "iam",
        "redshift",
        "redshift-serverless",
        "cursor",
        "cluster-identifier",
        "workgroup-name",
        "aws_conn_id",
        "sqlalchemy_scheme",
        "sqlalchemy_query",
        "placeholder",
        "insert_statement_format",
        "replace_statement_format",
        "escape_word_format",
        "escape_column_names",
    }
)


class PostgresHook(DbApiHook):
    """Run SQL on PostgreSQL; also `copy_expert` (COPY ... FROM STDIN / TO STDOUT), `bulk_load`, `bulk_dump`."""

    conn_name_attr = "postgres_conn_id"
    default_conn_name = "postgres_default"
    conn_type = "postgres"
    hook_name = "Postgres"
    supports_autocommit = True
    supports_executemany = True

    def __init__(
        self,
        *args: Any,
        database: str | None = None,
        options: str | None = None,
        enable_log_db_messages: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        # Airflow's early PostgresHook named the database `schema`; both still work
        self.database: str | None = database or self.schema
        self.options = options
        self.enable_log_db_messages = enable_log_db_messages
        self.conn: Any = None

    def _row_factory(self, name: str) -> Any:
        rows = require("psycopg.rows", EXTRA)
        factories = {"dictcursor": rows.dict_row, "namedtuplecursor": rows.namedtuple_row}
        try:
            return factories[name.lower()]
        except KeyError:
            hint = " (realdictcursor is psycopg2's; use dictcursor)" if name.lower() == "realdictcursor" else ""
            raise ValueError(
                f"Invalid cursor passed {name}. Valid options are: dictcursor, namedtuplecursor{hint}"
            ) from None

    def connect_kwargs(self) -> dict[str, Any]:
        """The arguments of `psycopg.connect` for this connection (without the row factory)."""
        conn = self.connection
        kwargs: dict[str, Any] = {
            "host": conn.host,
            "user": conn.login,
            "password": conn.password,
            "dbname": self.database or conn.schema,
            "port": conn.port,
        }
        if self.options:
            kwargs["options"] = self.options
        for key, value in conn.extra_dejson.items():
            if key not in IGNORED_EXTRA_OPTIONS:
                kwargs[key] = value
        return {k: v for k, v in kwargs.items() if v is not None}

    def get_conn(self) -> Any:
        """A new psycopg connection (not in autocommit mode unless `run(autocommit=True)` sets it)."""
        psycopg = require("psycopg", EXTRA)
        kwargs = self.connect_kwargs()
        cursor = self.connection.extra_dejson.get("cursor")
        if cursor:
            kwargs["row_factory"] = self._row_factory(str(cursor))
        self.conn = psycopg.connect(**kwargs)
        if self.enable_log_db_messages:
            self.conn.add_notice_handler(lambda notice: self.log.info(str(notice.message_primary).strip()))
        return self.conn

    @property
    def sqlalchemy_url(self) -> Any:
        from sqlalchemy.engine import URL

        conn = self.connection
        query = conn.extra_dejson.get("sqlalchemy_query", {})
        if not isinstance(query, dict):
            raise ValueError("The parameter 'sqlalchemy_query' must be of type dict!")
        return URL.create(
            drivername="postgresql+psycopg",
            username=conn.login,
            password=conn.password,
            host=conn.host,
            port=conn.port,
            database=self.database or conn.schema,
            query=query,
        )

    def get_uri(self) -> str:
        """The connection as a SQLAlchemy URL (`postgresql+psycopg://...`), as Airflow's hook returns it."""
        uri: str = self.sqlalchemy_url.render_as_string(hide_password=False)
        return uri

    @staticmethod
    def _serialize_cell(cell: Any, conn: Any = None) -> Any:
        """Cells go to psycopg as they are (it adapts them), dicts and lists as JSON."""
        if isinstance(cell, (dict, list)):
            return require("psycopg.types.json", EXTRA).Json(cell)
        return cell

    def _generate_insert_sql(self, table: str, values: Any, target_fields: Any, replace: bool, **kwargs: Any) -> str:
        """Airflow's PostgreSQL upsert for `replace=True`: ON CONFLICT (replace_index) DO UPDATE the other fields."""
        sql = super()._generate_insert_sql(table, values, target_fields, False, **kwargs)
        if not replace:
            return sql
        if not target_fields:
            raise ValueError("PostgreSQL ON CONFLICT upsert syntax requires column names")
        index = kwargs.get("replace_index") or self.get_table_primary_key(table)
        if not index:
            raise ValueError("PostgreSQL ON CONFLICT upsert syntax requires an unique index")
        index = [index] if isinstance(index, str) else list(index)
        updates = [f for f in target_fields if f not in index]
        conflict = f" ON CONFLICT ({', '.join(self._escape_column_name(c) for c in index)})"
        if not updates:
            return sql + conflict + " DO NOTHING"
        sets = ", ".join(f"{self._escape_column_name(f)} = excluded.{self._escape_column_name(f)}" for f in updates)
        return sql + conflict + " DO UPDATE SET " + sets

    def get_table_primary_key(self, table: str, schema: str | None = "public") -> list[str] | None:
        """The primary key columns of `table` (`schema.table` also accepted), in key order; None without one."""
        if "." in table:
            schema, table = table.split(".", 1)
        rows = self.get_records(
            """
            SELECT kcu.column_name
            FROM information_schema.table_constraints tco
            JOIN information_schema.key_column_usage kcu
              ON kcu.constraint_name = tco.constraint_name AND kcu.constraint_schema = tco.constraint_schema
            WHERE tco.constraint_type = 'PRIMARY KEY' AND kcu.table_schema = %s AND kcu.table_name = %s
            ORDER BY kcu.ordinal_position
            """,
            (schema, table),
        )
        return [row[0] for row in rows] or None

    def copy_expert(self, sql: str, filename: str) -> None:
        """Run a `COPY ... FROM STDIN` (reading `filename`) or `COPY ... TO STDOUT` (writing it), without superuser.

        As in Airflow, `FROM STDIN` with a missing file creates it empty and loads nothing.
        """
        self.log.info("Running copy expert: %s, filename: %s", sql, filename)
        if " from stdin" in sql.lower():
            if not os.path.isfile(filename):
                open(filename, "w").close()
            with open(filename, "rb") as file, self.get_conn() as conn, conn.cursor() as cur:
                with cur.copy(sql) as copy:
                    while data := file.read(65536):
                        copy.write(data)
                conn.commit()
        else:
            with open(filename, "wb") as file, self.get_conn() as conn, conn.cursor() as cur:
                with cur.copy(sql) as copy:
                    for data in copy:
                        file.write(data)
                conn.commit()

    def bulk_load(self, table: str, tmp_file: str) -> None:
        """Load a tab-delimited file (PostgreSQL's text COPY format) into `table`."""
        self.copy_expert(f"COPY {table} FROM STDIN", tmp_file)

    def bulk_dump(self, table: str, tmp_file: str) -> None:
        """Write `table` to a tab-delimited file (PostgreSQL's text COPY format)."""
        self.copy_expert(f"COPY {table} TO STDOUT", tmp_file)
