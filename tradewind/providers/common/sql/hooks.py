"""`DbApiHook`: run SQL on any DB-API 2 database, as Airflow's `common.sql` hook does.

A database hook subclasses it and implements `get_conn()` (and `sqlalchemy_url` for an engine);
everything else — `run`, `get_records`, `get_first`, `insert_rows`, dataframes — is shared. The
semantics of `run` (what it returns for one statement or several, `descriptions`) are Airflow's,
because DAG code and XComs depend on them.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from contextlib import closing, contextmanager
from datetime import datetime
from functools import cached_property
from itertools import islice
from typing import TYPE_CHECKING, Any, TypeVar

from tradewind.exceptions import TradewindException
from tradewind.hooks.base import BaseHook
from tradewind.providers.common.sql import handlers
from tradewind.providers.common.sql.splitting import split_sql_string

if TYPE_CHECKING:
    from tradewind.models.connection import Connection

T = TypeVar("T")
#: The placeholders a connection's extra `placeholder` may choose (Airflow's `SQL_PLACEHOLDERS`).
SQL_PLACEHOLDERS = frozenset({"%s", "?"})
Parameters = Iterable[Any] | Mapping[str, Any] | None


class DbApiHook(BaseHook):
    """Base of the SQL hooks: `run` statements, fetch records, insert rows; subclasses open the connection."""

    conn_name_attr: str = "conn_id"
    default_conn_name: str = "default_conn_id"
    #: True when the driver's connection has an `autocommit` switch the hook may set
    supports_autocommit: bool = False
    #: True when `insert_rows` may send each chunk with one `executemany`
    supports_executemany: bool = False
    #: strip the trailing `;` of split statements (databases that refuse it)
    strip_semicolon: bool = False
    _test_connection_sql: str = "select 1"
    _placeholder: str = "%s"

    def __init__(self, *args: Any, schema: str | None = None, log_sql: bool = True, **kwargs: Any) -> None:
        super().__init__()
        if len(args) == 1:
            setattr(self, self.conn_name_attr, args[0])
        elif len(args) > 1:
            raise TypeError(f"{type(self).__name__} takes one positional argument (the connection id)")
        else:
            setattr(self, self.conn_name_attr, kwargs.get(self.conn_name_attr, self.default_conn_name))
        #: overrides the connection's schema (the database, for MySQL and SQLite-style hooks)
        self.schema = schema
        self.log_sql = log_sql
        #: cursor descriptions of the statements the last `run` returned results for
        self.descriptions: list[Sequence[Sequence[Any]] | None] = []
        self._connection: Connection | None = kwargs.get("connection")
        self._insert_statement_format: str | None = kwargs.get("insert_statement_format")
        self._replace_statement_format: str | None = kwargs.get("replace_statement_format")
        self._escape_word_format: str | None = kwargs.get("escape_word_format")
        self._escape_column_names: bool | None = kwargs.get("escape_column_names")

    # --- the connection ----------------------------------------------------------------------
    def get_conn_id(self) -> str:
        conn_id: str = getattr(self, self.conn_name_attr)
        return conn_id

    @property
    def connection(self) -> Connection:
        """The Tradewind connection, read once per hook (its password is then masked in logs)."""
        if self._connection is None:
            self._connection = self.get_connection(self.get_conn_id())
        return self._connection

    @property
    def connection_extra(self) -> dict[str, Any]:
        return self.connection.extra_dejson

    @cached_property
    def placeholder(self) -> str:
        """`%s` or `?`: the driver's, unless the connection's extra `placeholder` picks the other."""
        chosen = self.connection_extra.get("placeholder")
        if chosen:
            if chosen in SQL_PLACEHOLDERS:
                return str(chosen)
            self.log.warning(
                "Placeholder %r of connection %r is not one of %s; using %r",
                chosen,
                self.get_conn_id(),
                ", ".join(sorted(SQL_PLACEHOLDERS)),
                self._placeholder,
            )
        return self._placeholder

    def _extra_setting(self, given: Any, key: str, default: Any) -> Any:
        return given if given is not None else self.connection_extra.get(key, default)

    @property
    def insert_statement_format(self) -> str:
        return str(
            self._extra_setting(
                self._insert_statement_format, "insert_statement_format", "INSERT INTO {} {} VALUES ({})"
            )
        )

    @property
    def replace_statement_format(self) -> str:
        return str(
            self._extra_setting(
                self._replace_statement_format, "replace_statement_format", "REPLACE INTO {} {} VALUES ({})"
            )
        )

    @property
    def escape_word_format(self) -> str:
        return str(self._extra_setting(self._escape_word_format, "escape_word_format", '"{}"'))

    @property
    def escape_column_names(self) -> bool:
        return bool(self._extra_setting(self._escape_column_names, "escape_column_names", False))

    def get_conn(self) -> Any:
        """A new DB-API connection; each database's hook implements it."""
        raise NotImplementedError(f"{type(self).__name__} does not implement get_conn()")

    def get_uri(self) -> str:
        """The connection as a URI (the hook's `schema` overriding the connection's)."""
        from tradewind.models.connection import Connection

        conn = self.connection
        if self.schema:
            conn = Connection.from_json(conn.to_dict(), conn_id=conn.conn_id)
            conn.schema = self.schema
        return conn.get_uri()

    @property
    def sqlalchemy_url(self) -> Any:
        """A `sqlalchemy.engine.URL` for this connection; database hooks that support engines implement it."""
        raise NotImplementedError(f"{type(self).__name__} does not build a SQLAlchemy URL")

    def get_sqlalchemy_engine(self, engine_kwargs: dict[str, Any] | None = None) -> Any:
        """A SQLAlchemy engine on this connection (for pandas and libraries that want one)."""
        from sqlalchemy import create_engine

        try:
            url = self.sqlalchemy_url
        except NotImplementedError:
            url = self.get_uri()
        return create_engine(url, **(engine_kwargs or {}))

    # --- running SQL -------------------------------------------------------------------------
    @staticmethod
    def split_sql_string(sql: str, strip_semicolon: bool = False) -> list[str]:
        return split_sql_string(sql, strip_semicolon=strip_semicolon)

    @staticmethod
    def strip_sql_string(sql: str) -> str:
        return sql.strip().rstrip(";")

    @property
    def last_description(self) -> Sequence[Sequence[Any]] | None:
        return self.descriptions[-1] if self.descriptions else None

    def get_records(self, sql: str | list[str], parameters: Parameters = None) -> Any:
        """Every row of `sql` (of each statement, when `sql` is a list)."""
        return self.run(sql=sql, parameters=parameters, handler=handlers.fetch_all_handler)

    def get_first(self, sql: str | list[str], parameters: Parameters = None) -> Any:
        """The first row of `sql` (None when it returns none)."""
        return self.run(sql=sql, parameters=parameters, handler=handlers.fetch_one_handler)

    def run(
        self,
        sql: str | Iterable[str],
        autocommit: bool = False,
        parameters: Parameters = None,
        handler: Callable[[Any], T] | None = None,
        split_statements: bool = False,
        return_last: bool = True,
    ) -> Any:
        """Run one statement or several on one connection, then commit; the handler's results, as Airflow's.

        `sql` a string: one statement, or several with `split_statements`. The result is that of the
        single (or last, with `return_last`) statement when `sql` is a string not split into several
        results; otherwise a list with one result per statement. Without a handler, None. Afterwards
        `descriptions` holds the cursor description of each statement returned.
        """
        self.descriptions = []
        if isinstance(sql, str):
            if split_statements:
                statements = self.split_sql_string(sql, strip_semicolon=self.strip_semicolon)
            else:
                statements = [sql] if sql.strip() else []
        else:
            statements = list(sql)
        if not statements:
            raise EmptySQL("List of SQL statements is empty")
        single = handlers.return_single_query_results(sql, return_last, split_statements)
        results: list[Any] = []
        last_result: Any = None
        last_description: Sequence[Sequence[Any]] | None = None
        with self._create_autocommit_connection(autocommit) as conn, closing(conn.cursor()) as cur:
            for statement in statements:
                self._run_command(cur, statement, parameters)
                if handler is not None:
                    result = self._make_common_data_structure(handler(cur))
                    if single:
                        last_result, last_description = result, cur.description
                    else:
                        results.append(result)
                        self.descriptions.append(cur.description)
            if not self.get_autocommit(conn):
                conn.commit()
        if handler is None:
            return None
        if single:
            self.descriptions = [last_description]
            return last_result
        return results

    def _run_command(self, cur: Any, statement: str, parameters: Parameters) -> None:
        """Execute one statement on an open cursor, logging it (and the rows it affected)."""
        if self.log_sql:
            self.log.info("Running statement: %s, parameters: %s", statement, parameters)
        if parameters:
            cur.execute(statement, tuple(parameters) if isinstance(parameters, list) else parameters)
        else:
            cur.execute(statement)
        if getattr(cur, "rowcount", -1) >= 0:
            self.log.info("Rows affected: %s", cur.rowcount)

    def _make_common_data_structure(self, result: Any) -> Any:
        """A handler's result in a shape every hook shares; a hook whose driver returns other row types converts here."""
        return result

    def set_autocommit(self, conn: Any, autocommit: bool) -> None:
        if not self.supports_autocommit and autocommit:
            self.log.warning("%s connection doesn't support autocommit but autocommit activated.", self.get_conn_id())
        conn.autocommit = autocommit

    def get_autocommit(self, conn: Any) -> bool:
        """Whether `conn` commits each statement itself (then `run` does not commit)."""
        return bool(getattr(conn, "autocommit", False)) and self.supports_autocommit

    def get_cursor(self) -> Any:
        return self.get_conn().cursor()

    @contextmanager
    def _create_autocommit_connection(self, autocommit: bool = False) -> Iterator[Any]:
        """A new connection, closed after use, with autocommit set where the database supports it."""
        with closing(self.get_conn()) as conn:
            if self.supports_autocommit:
                self.set_autocommit(conn, autocommit)
            yield conn

    # --- inserting rows ----------------------------------------------------------------------
    def _escape_column_name(self, column: str) -> str:
        return self.escape_word_format.format(column) if self.escape_column_names else column

    def _generate_insert_sql(
        self, table: str, values: Sequence[Any], target_fields: Sequence[str] | None, replace: bool, **kwargs: Any
    ) -> str:
        """`INSERT INTO table (fields) VALUES (%s, ...)` (or the database's REPLACE form)."""
        placeholders = ", ".join([self.placeholder] * len(values))
        fields = f"({', '.join(self._escape_column_name(f) for f in target_fields)})" if target_fields else ""
        form = self.replace_statement_format if replace else self.insert_statement_format
        return form.format(table, fields, placeholders)

    def insert_rows(
        self,
        table: str,
        rows: Iterable[Sequence[Any]],
        target_fields: Sequence[str] | None = None,
        commit_every: int = 1000,
        replace: bool = False,
        *,
        executemany: bool = False,
        autocommit: bool = False,
        **kwargs: Any,
    ) -> None:
        """Insert `rows` (tuples) into `table`, committing every `commit_every` rows (0: once, at the end)."""
        total = 0
        with self._create_autocommit_connection(autocommit) as conn, closing(conn.cursor()) as cur:
            if self.supports_executemany or executemany:
                for chunk in _chunks(rows, commit_every):
                    values = [self._serialize_cells(row, conn) for row in chunk]
                    sql = self._generate_insert_sql(table, values[0], target_fields, replace, **kwargs)
                    cur.executemany(sql, values)
                    conn.commit()
                    total += len(values)
                    self.log.info("Loaded %s rows into %s so far", total, table)
            else:
                for total, row in enumerate(rows, 1):
                    values_one = self._serialize_cells(row, conn)
                    sql = self._generate_insert_sql(table, values_one, target_fields, replace, **kwargs)
                    cur.execute(sql, values_one)
                    if commit_every and total % commit_every == 0:
                        conn.commit()
                        self.log.info("Loaded %s rows into %s so far", total, table)
                conn.commit()
        self.log.info("Done loading. Loaded a total of %s rows into %s", total, table)

    def _serialize_cells(self, row: Sequence[Any], conn: Any = None) -> tuple[Any, ...]:
        return tuple(self._serialize_cell(cell, conn) for cell in row)

    @staticmethod
    def _serialize_cell(cell: Any, conn: Any = None) -> Any:
        """A cell as the driver takes it; the generic form is Airflow's (text, datetimes as ISO 8601)."""
        if cell is None:
            return None
        if isinstance(cell, datetime):
            return cell.isoformat()
        return str(cell)

    def bulk_dump(self, table: str, tmp_file: str) -> None:
        """Write `table` to a tab-delimited file (databases that can do it implement it)."""
        raise NotImplementedError(f"{type(self).__name__} does not implement bulk_dump")

    def bulk_load(self, table: str, tmp_file: str) -> None:
        """Load a tab-delimited file into `table` (databases that can do it implement it)."""
        raise NotImplementedError(f"{type(self).__name__} does not implement bulk_load")

    # --- dataframes --------------------------------------------------------------------------
    def get_pandas_df(self, sql: str | list[str], parameters: Parameters = None, **kwargs: Any) -> Any:
        """The result of `sql` as a pandas DataFrame (`kwargs` go to `pandas.read_sql`); needs pandas."""
        return self.get_df(sql, parameters, df_type="pandas", **kwargs)

    def get_df(
        self, sql: str | list[str], parameters: Parameters = None, *, df_type: str = "pandas", **kwargs: Any
    ) -> Any:
        """Airflow 3's name: a pandas DataFrame (`df_type="pandas"`, the only kind Tradewind builds)."""
        if df_type != "pandas":
            raise ValueError(f"df_type {df_type!r} is not supported by Tradewind (only 'pandas')")
        psql = _pandas_sql()
        with self._pandas_connection() as conn:
            return psql.read_sql(sql, con=conn, params=parameters, **kwargs)

    def get_pandas_df_by_chunks(
        self, sql: str | list[str], parameters: Parameters = None, *, chunksize: int, **kwargs: Any
    ) -> Generator[Any, None, None]:
        """DataFrames of `chunksize` rows each; needs pandas."""
        psql = _pandas_sql()
        with self._pandas_connection() as conn:
            yield from psql.read_sql(sql, con=conn, params=parameters, chunksize=chunksize, **kwargs)

    @contextmanager
    def _pandas_connection(self) -> Iterator[Any]:
        """What pandas reads from: a SQLAlchemy connection where the hook builds a URL (pandas supports those
        and sqlite3 only), else the DB-API connection."""
        try:
            url = self.sqlalchemy_url
        except NotImplementedError:
            with closing(self.get_conn()) as conn:
                yield conn
            return
        from sqlalchemy import create_engine

        engine = create_engine(url)
        try:
            with engine.connect() as conn:
                yield conn
        finally:
            engine.dispose()

    # --- checking ----------------------------------------------------------------------------
    def test_connection(self) -> tuple[bool, str]:
        """(reachable, message) by running the database's test query, as Airflow's hooks do."""
        try:
            if self.get_first(self._test_connection_sql):
                return True, "Connection successfully tested"
            return False, f"{self._test_connection_sql!r} returned no row"
        except Exception as exc:
            return False, f"{type(exc).__name__}: {exc}".strip()


class EmptySQL(TradewindException, ValueError):
    """`run` was given no statement (an empty string or list); a ValueError, as in Airflow."""


def _chunks(rows: Iterable[Sequence[Any]], size: int) -> Iterator[list[Sequence[Any]]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size) if size else iterator):
        yield chunk


def _pandas_sql() -> Any:
    """`pandas.io.sql`, or an error that says how to get pandas."""
    from tradewind.providers.extras import require

    return require("pandas.io.sql", "pandas")
