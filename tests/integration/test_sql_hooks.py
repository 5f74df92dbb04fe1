"""The SQL hooks against real servers: PostgreSQL (psycopg 3), MariaDB (PyMySQL) and SQLite files.

Each behaviour of `DbApiHook` runs on all three, since DAG code moves between databases and
expects Airflow's return shapes from each; then what each database's hook adds.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tradewind.exceptions import InvalidConnection, ProviderExtraMissing
from tradewind.models import Connection
from tradewind.providers.common.sql.hooks import DbApiHook, EmptySQL

from sql_databases import mariadb_database, mariadb_user, postgres_database

pytestmark = pytest.mark.timeout(120)


def set_conn(monkeypatch: pytest.MonkeyPatch, conn_id: str, value: str | dict) -> None:
    monkeypatch.setenv(f"TRADEWIND_CONN_{conn_id.upper()}", value if isinstance(value, str) else json.dumps(value))


@pytest.fixture(scope="module")
def pg_name() -> Iterator[str]:
    with postgres_database() as name:
        yield name


@pytest.fixture(scope="module")
def my_name() -> Iterator[str]:
    with mariadb_database() as name:
        yield name


@pytest.fixture(params=["postgres", "mysql", "sqlite"])
def hook(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[DbApiHook]:
    """A hook on an empty table `items(id int primary key, name varchar(50))`, on each database."""
    if request.param == "postgres":
        set_conn(monkeypatch, "db", f"postgres://postgres@127.0.0.1:5432/{request.getfixturevalue('pg_name')}")
    elif request.param == "mysql":
        set_conn(monkeypatch, "db", f"mysql://root@127.0.0.1:3306/{request.getfixturevalue('my_name')}")
    else:
        set_conn(monkeypatch, "db", {"conn_type": "sqlite", "host": str(tmp_path / "test.db")})
    hook = Connection.get("db").get_hook()
    hook.run(["DROP TABLE IF EXISTS items", "CREATE TABLE items (id int primary key, name varchar(50))"])
    yield hook
    hook.run("DROP TABLE IF EXISTS items")


def test_get_hook_follows_the_connection_type(hook: DbApiHook) -> None:
    expected = {"postgres": "PostgresHook", "mysql": "MySqlHook", "sqlite": "SqliteHook"}
    assert type(hook).__name__ == expected[hook.conn_type]
    assert hook.get_conn_id() == "db"
    assert hook.test_connection() == (True, "Connection successfully tested")


def test_run_returns_airflows_shapes(hook: DbApiHook) -> None:
    from tradewind.providers.common.sql.handlers import fetch_all_handler

    p = hook.placeholder
    hook.insert_rows("items", [(1, "a"), (2, "b")], target_fields=["id", "name"])
    script = "INSERT INTO items VALUES (3, 'c; d'); SELECT name FROM items ORDER BY id; SELECT count(*) FROM items"
    # a string, split, return_last: the last statement's rows
    assert hook.run(script.replace("3", "4"), split_statements=True, handler=fetch_all_handler) == [(3,)]
    assert len(hook.descriptions) == 1 and hook.descriptions[0][0][0] in ("count(*)", "count")
    # split, return_last=False: one result per statement (None for a statement without rows)
    hook.run("DELETE FROM items WHERE id = 4")
    got = hook.run(script, split_statements=True, return_last=False, handler=fetch_all_handler)
    assert got == [None, [("a",), ("b",), ("c; d",)], [(3,)]]
    assert [d[0][0] if d else None for d in hook.descriptions][1] == "name"
    # a list of statements: always a list
    assert hook.run([f"SELECT name FROM items WHERE id = {p}"], parameters=(2,), handler=fetch_all_handler) == [
        [("b",)]
    ]
    # no handler: nothing fetched, nothing returned
    assert hook.run("SELECT 1") is None
    assert hook.get_records(f"SELECT id, name FROM items WHERE id > {p} ORDER BY id", [1]) == [(2, "b"), (3, "c; d")]
    assert hook.get_first("SELECT id FROM items ORDER BY id") == (1,)
    assert hook.get_first("SELECT id FROM items WHERE id < 0") is None
    with pytest.raises(EmptySQL, match="empty"):
        hook.run("  ")


def test_run_commits_and_rolls_back_a_failed_script(hook: DbApiHook) -> None:
    hook.run("INSERT INTO items VALUES (1, 'kept')")
    with pytest.raises(Exception, match=r"(?i)duplicate|unique"):
        hook.run("INSERT INTO items VALUES (2, 'x'); INSERT INTO items VALUES (1, 'dup')", split_statements=True)
    assert hook.get_records("SELECT id FROM items ORDER BY id") == [(1,)]


def test_missing_table_is_the_databases_own_error(hook: DbApiHook) -> None:
    with pytest.raises(Exception, match=r"(?i)nope") as info:
        hook.get_records("SELECT * FROM nope")
    assert type(info.value).__name__ in ("UndefinedTable", "ProgrammingError", "OperationalError")


def test_insert_rows_chunks_and_replace(hook: DbApiHook) -> None:
    hook.insert_rows("items", ((i, f"n{i}") for i in range(25)), target_fields=["id", "name"], commit_every=10)
    assert hook.get_first("SELECT count(*), max(id) FROM items") == (25, 24)
    hook.insert_rows("items", [(3, "three"), (100, "hundred")], target_fields=["id", "name"], replace=True)
    assert hook.get_records("SELECT name FROM items WHERE id IN (3, 100) ORDER BY id") == [("three",), ("hundred",)]
    hook.insert_rows("items", [(200, None)], target_fields=["id", "name"], executemany=True)
    assert hook.get_first("SELECT name FROM items WHERE id = 200") == (None,)


def test_pandas_dataframe(hook: DbApiHook) -> None:
    hook.insert_rows("items", [(1, "a"), (2, "b")], target_fields=["id", "name"])
    df = hook.get_pandas_df("SELECT id, name FROM items ORDER BY id")
    assert list(df.columns) == ["id", "name"] and df["name"].tolist() == ["a", "b"]
    chunks = list(hook.get_pandas_df_by_chunks("SELECT id FROM items ORDER BY id", chunksize=1))
    assert [len(c) for c in chunks] == [1, 1]


def test_sqlalchemy_engine(hook: DbApiHook) -> None:
    import sqlalchemy as sa

    engine = hook.get_sqlalchemy_engine()
    try:
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT 7")).scalar() == 7
    finally:
        engine.dispose()


# --- what each database's hook adds ------------------------------------------------------------
def test_postgres_copy_bulk_load_and_dump(pg_name: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from airflow.providers.postgres.hooks.postgres import PostgresHook

    set_conn(monkeypatch, "postgres_default", f"postgres://postgres@127.0.0.1:5432/{pg_name}?application_name=tw")
    hook = PostgresHook()
    hook.run("DROP TABLE IF EXISTS t; CREATE TABLE t (id int PRIMARY KEY, name text, doc jsonb)")
    source = tmp_path / "in.tsv"
    source.write_text('1\tone\t{"a": 1}\n2\ttwo\t\\N\n')
    hook.bulk_load("t", str(source))
    assert hook.get_records("SELECT id, name, doc FROM t ORDER BY id") == [(1, "one", {"a": 1}), (2, "two", None)]
    dump = tmp_path / "out.tsv"
    hook.bulk_dump("t", str(dump))
    assert dump.read_text() == source.read_text()
    hook.copy_expert("COPY (SELECT name FROM t ORDER BY id) TO STDOUT WITH CSV HEADER", str(tmp_path / "x.csv"))
    assert (tmp_path / "x.csv").read_text() == "name\none\ntwo\n"
    # a missing input file: created empty, nothing loaded (Airflow's documented behaviour)
    hook.copy_expert("COPY t FROM STDIN", str(tmp_path / "missing.tsv"))
    assert (tmp_path / "missing.tsv").exists() and hook.get_first("SELECT count(*) FROM t") == (2,)
    # extras reach libpq; the primary key drives the upsert of replace=True; dicts go in as JSON
    assert hook.get_first("SHOW application_name") == ("tw",)
    assert hook.get_table_primary_key("t") == ["id"]
    hook.insert_rows("t", [(2, "TWO", {"b": [1, 2]})], target_fields=["id", "name", "doc"], replace=True)
    assert hook.get_first("SELECT name, doc FROM t WHERE id = 2") == ("TWO", {"b": [1, 2]})
    hook.run("DROP TABLE t")


def test_postgres_cursor_extra_and_database_override(pg_name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from tradewind.providers.postgres.hooks import PostgresHook

    set_conn(
        monkeypatch,
        "pg",
        {
            "conn_type": "postgres",
            "host": "127.0.0.1",
            "login": "postgres",
            "schema": "test",
            "extra": {"cursor": "dictcursor"},
        },
    )
    assert PostgresHook(postgres_conn_id="pg").get_first("SELECT current_database() AS db") == {"db": "test"}
    assert PostgresHook("pg", database=pg_name).get_first("SELECT current_database() AS db") == {"db": pg_name}
    set_conn(
        monkeypatch,
        "pg",
        {"conn_type": "postgres", "host": "127.0.0.1", "login": "postgres", "extra": {"cursor": "realdictcursor"}},
    )
    with pytest.raises(ValueError, match="dictcursor"):
        PostgresHook("pg").get_conn()


def test_postgres_unknown_role_is_a_clear_error(pg_name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from tradewind.providers.postgres.hooks import PostgresHook

    set_conn(monkeypatch, "pg", f"postgres://nobody_{pg_name}:pw12345@127.0.0.1:5432/{pg_name}")
    ok, message = PostgresHook("pg").test_connection()
    assert not ok and f'role "nobody_{pg_name}" does not exist' in message


def test_mysql_bulk_load_dict_cursor_and_wrong_password(
    my_name: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from airflow.providers.mysql.hooks.mysql import MySqlHook

    with mariadb_user(my_name, "Right-pass-1") as user:
        set_conn(monkeypatch, "mysql_default", f"mysql://{user}:Right-pass-1@127.0.0.1:3306/{my_name}")
        hook = MySqlHook()
        hook.run("DROP TABLE IF EXISTS t; CREATE TABLE t (id int PRIMARY KEY, name text)", split_statements=True)
        data = tmp_path / "in.tsv"
        data.write_text("1\tone\n2\ttwo\n")
        hook.bulk_load("t", str(data))
        assert hook.get_records("SELECT id, name FROM t ORDER BY id") == [(1, "one"), (2, "two")]
        hook.bulk_load_custom("t", str(data), duplicate_key_handling="REPLACE")
        assert hook.get_first("SELECT count(*) FROM t") == (2,)
        assert hook.get_first("SELECT DATABASE()") == (my_name,)
        set_conn(
            monkeypatch,
            "my",
            {
                "conn_type": "mysql",
                "host": "127.0.0.1",
                "login": user,
                "password": "Right-pass-1",
                "schema": my_name,
                "extra": {"cursor": "dictcursor"},
            },
        )
        assert MySqlHook(mysql_conn_id="my").get_first("SELECT 1 AS one") == {"one": 1}
        hook.run("DROP TABLE t")
        set_conn(monkeypatch, "bad", f"mysql://{user}:Wrong-pass-2@127.0.0.1:3306/{my_name}")
        ok, message = MySqlHook("bad").test_connection()
        assert not ok and "Access denied" in message and "Wrong-pass-2" not in message


def test_sqlite_uri_forms_and_read_only_extra(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from airflow.providers.sqlite.hooks.sqlite import SqliteHook

    path = tmp_path / "dir with space" / "a.db"
    path.parent.mkdir()
    set_conn(monkeypatch, "sqlite_default", f"sqlite://{path}")  # Airflow's three-slash absolute form
    hook = SqliteHook()
    assert hook.database_path() == str(path)
    hook.run("CREATE TABLE t (x); INSERT INTO t VALUES (1)", split_statements=True)
    assert path.exists() and hook.get_uri() == f"sqlite:///{path}"
    set_conn(monkeypatch, "ro", {"conn_type": "sqlite", "host": str(path), "extra": {"mode": "ro"}})
    ro = SqliteHook(sqlite_conn_id="ro")
    assert ro.get_records("SELECT x FROM t") == [(1,)]
    with pytest.raises(Exception, match="readonly"):
        ro.run("INSERT INTO t VALUES (2)")
    set_conn(monkeypatch, "mem", "sqlite://")
    assert SqliteHook("mem").get_first("SELECT 40 + 2") == (42,)


# --- the frame: registry, extras, import cost ---------------------------------------------------
def test_registry_knows_the_sql_types_and_tests_them(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from tradewind.providers import registry

    types = registry.connection_types()
    assert {"postgres", "mysql", "sqlite"} <= set(types)
    assert types["postgres"].default_port == 5432 and types["mysql"].default_port == 3306
    assert [f.label for f in types["postgres"].fields if f.name == "schema"] == ["Database"]
    assert "common.sql" in [p.name for p in registry.providers()]
    ok, _ = registry.test_connection(Connection(conn_id="x", conn_type="sqlite", host=str(tmp_path / "t.db")))
    assert ok
    ok, message = registry.test_connection(Connection(conn_id="x", conn_type="mysql", host="127.0.0.1", port=1))
    assert not ok and "OperationalError" in message
    with pytest.raises(InvalidConnection, match="no hook is registered for connection type 'nosuch'"):
        Connection(conn_id="x", conn_type="nosuch").get_hook()


def test_a_missing_client_library_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    from tradewind.providers.mysql.hooks import MySqlHook

    set_conn(monkeypatch, "my", "mysql://root@127.0.0.1:3306")
    monkeypatch.setitem(sys.modules, "pymysql", None)  # as if PyMySQL were not installed
    with pytest.raises(ProviderExtraMissing, match=r'pip install "tradewind\[mysql\]"'):
        MySqlHook("my").get_conn()


def test_importing_the_sql_providers_loads_no_driver() -> None:
    import subprocess

    code = (
        "import sys\n"
        "from airflow.providers.common.sql.operators.sql import SQLExecuteQueryOperator\n"
        "from airflow.providers.postgres.hooks.postgres import PostgresHook\n"
        "from airflow.providers.mysql.hooks.mysql import MySqlHook\n"
        "import tradewind.providers.registry as r; r.providers()\n"
        "print(sorted(m for m in ('psycopg', 'pymysql', 'pandas', 'sqlalchemy') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize(
    ("airflow_import", "hidden", "extra"),
    [
        ("from airflow.providers.postgres.hooks.postgres import PostgresHook", "psycopg", "postgres"),
        ("from airflow.providers.postgres.operators.postgres import PostgresOperator", "psycopg", "postgres"),
        ("from airflow.providers.mysql.hooks.mysql import MySqlHook", "pymysql", "mysql"),
    ],
)
def test_a_dag_file_using_a_provider_without_its_extra_gets_an_import_error_naming_it(
    airflow_import: str, hidden: str, extra: str, tmp_path: Path
) -> None:
    import subprocess

    dag_file = tmp_path / "uses_provider.py"
    dag_file.write_text(f"import sys\nsys.modules[{hidden!r}] = None  # as if not installed\n{airflow_import}\n")
    proc = subprocess.run([sys.executable, str(dag_file)], capture_output=True, text=True)
    assert proc.returncode == 1
    last = proc.stderr.strip().splitlines()[-1]
    assert last == (
        f"tradewind.exceptions.ProviderExtraMissing: this needs the Python package '{hidden}', "
        f'which is not installed: pip install "tradewind[{extra}]"'
    ), proc.stderr
