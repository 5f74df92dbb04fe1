"""Airflow DAG files using the SQL providers, unchanged, run by `python -m tradewind dags test` on real databases.

One file per provider (PostgreSQL, MariaDB via the mysql provider, SQLite) exercising its operators,
sensor, check operators and hook; one file whose tasks fail (wrong password, missing table, failed
check) to see each failure is a clear task error with the connection's password masked.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from sql_databases import mariadb_database, mariadb_user, postgres_database

pytestmark = pytest.mark.timeout(240)

PG_SECRET = "Pg-Secr3t-4242"  # trust auth accepts any password: the connection works, and must not leak
MY_SECRET = "My-Secr3t-5151"

PG_DAG = """
import pendulum
from airflow import DAG
from airflow.operators.python import PythonOperator
from airflow.providers.common.sql.operators.sql import (
    SQLCheckOperator,
    SQLColumnCheckOperator,
    SQLExecuteQueryOperator,
    SQLIntervalCheckOperator,
    SQLTableCheckOperator,
    SQLThresholdCheckOperator,
    SQLValueCheckOperator,
)
from airflow.providers.common.sql.sensors.sql import SqlSensor
from airflow.providers.postgres.hooks.postgres import PostgresHook
from airflow.providers.postgres.operators.postgres import PostgresOperator


def export(ti, ds):
    hook = PostgresHook(postgres_conn_id="pg")
    path = "{out}"
    hook.copy_expert("COPY (SELECT region, amount FROM sales ORDER BY id) TO STDOUT", path)
    assert ti.xcom_pull(task_ids="query")[0][0] == "north"
    return open(path).read().splitlines()


with DAG(
    "pg_pipeline",
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    schedule="@daily",
    catchup=False,
    template_searchpath=["{sql_dir}"],
    default_args={{"conn_id": "pg"}},
) as dag:
    create = PostgresOperator(
        task_id="create",
        postgres_conn_id="pg",
        sql="DROP TABLE IF EXISTS sales; CREATE TABLE sales (id serial PRIMARY KEY, ds date, amount numeric, region text)",
    )
    load = SQLExecuteQueryOperator(task_id="load", sql="load_sales.sql", split_statements=True, params={{"region": "north"}})
    query = SQLExecuteQueryOperator(
        task_id="query",
        sql="SELECT region, sum(amount) FROM sales WHERE ds = %(day)s GROUP BY region ORDER BY region",
        parameters={{"day": "{{{{ ds }}}}"}},
    )
    several = SQLExecuteQueryOperator(
        task_id="several",
        sql="SELECT count(*) FROM sales; SELECT max(amount) AS top FROM sales",
        split_statements=True,
        return_last=False,
    )
    described = SQLExecuteQueryOperator(
        task_id="described",
        sql="SELECT id, region FROM sales ORDER BY id LIMIT 1",
        # one result per statement in and out; here each row as a dict of its columns
        output_processor=lambda results, descriptions: [
            [dict(zip([c[0] for c in d], row)) for row in rows] for rows, d in zip(results, descriptions)
        ],
    )
    wait = SqlSensor(task_id="wait", sql="SELECT count(*) FROM sales WHERE ds = '{{{{ ds }}}}'", success=lambda n: n >= 2, poke_interval=1, timeout=30)
    checks = [
        SQLCheckOperator(task_id="check_rows", sql="SELECT count(*), bool_and(amount > 0) FROM sales"),
        SQLValueCheckOperator(task_id="check_value", sql="SELECT count(*) FROM sales", pass_value=3),
        SQLThresholdCheckOperator(task_id="check_threshold", sql="SELECT sum(amount) FROM sales", min_threshold=10, max_threshold="SELECT 100"),
        SQLColumnCheckOperator(
            task_id="check_columns",
            table="sales",
            column_mapping={{"amount": {{"null_check": {{"equal_to": 0}}, "min": {{"geq_to": 4}}}}, "region": {{"distinct_check": {{"equal_to": 2}}}}}},
        ),
        SQLTableCheckOperator(task_id="check_table", table="sales", checks={{"three_rows": {{"check_statement": "COUNT(*) = 3"}}}}),
        SQLIntervalCheckOperator(task_id="check_interval", table="sales", metrics_thresholds={{"sum(amount)": 2}}, days_back=7),
    ]
    create >> load >> [query, several, described, wait] >> PythonOperator(task_id="export", python_callable=export)
    load >> checks
"""

LOAD_SQL = """
-- three sales: two on the run's day, one a week before
INSERT INTO sales (ds, amount, region) VALUES ('{{ ds }}', 10.5, '{{ params.region }}');
INSERT INTO sales (ds, amount, region) VALUES ('{{ macros.ds_add(ds, -7) }}', 8, '{{ params.region }}');
INSERT INTO sales (ds, amount, region) VALUES ('{{ ds }}', 4.5, 'south');
"""

MYSQL_DAG = """
from datetime import datetime
from airflow import DAG
from airflow.decorators import task
from airflow.providers.common.sql.operators.sql import SQLExecuteQueryOperator, SQLValueCheckOperator
from airflow.providers.common.sql.sensors.sql import SqlSensor
from airflow.providers.mysql.hooks.mysql import MySqlHook
from airflow.providers.mysql.operators.mysql import MySqlOperator

with DAG("mysql_pipeline", start_date=datetime(2024, 1, 1), schedule=None, catchup=False) as dag:
    create = MySqlOperator(
        task_id="create",
        mysql_conn_id="my",
        sql="DROP TABLE IF EXISTS users; CREATE TABLE users (id int PRIMARY KEY, name varchar(40), signup date)",
        split_statements=True,
    )

    @task
    def load(path: str):
        hook = MySqlHook(mysql_conn_id="my")
        hook.insert_rows("users", [(1, "ada", "2024-01-02"), (2, "bob", None)], target_fields=["id", "name", "signup"])
        hook.bulk_load("users", path)
        return hook.get_first("SELECT count(*) FROM users")[0]

    insert = SQLExecuteQueryOperator(
        task_id="insert",
        conn_id="my",
        sql="INSERT INTO users (id, name) VALUES (%s, %s)",
        parameters=[4, "{{{{ dag.dag_id }}}}"],
    )
    query = SQLExecuteQueryOperator(task_id="query", conn_id="my", sql="SELECT id, name FROM users ORDER BY id")
    wait = SqlSensor(task_id="wait", conn_id="my", sql="SELECT name FROM users WHERE id = 3", poke_interval=1, timeout=20)
    check = SQLValueCheckOperator(task_id="check", conn_id="my", sql="SELECT count(*), sum(id) / 2.5 FROM users", pass_value=4)
    create >> load("{tsv}") >> insert >> [query, wait, check]
"""

SQLITE_DAG = """
from datetime import datetime
from airflow import DAG
from airflow.operators.python import PythonOperator
from airflow.operators.empty import EmptyOperator
from airflow.providers.common.sql.operators.sql import BranchSQLOperator, SQLColumnCheckOperator, SQLExecuteQueryOperator
from airflow.providers.common.sql.sensors.sql import SqlSensor
from airflow.providers.sqlite.hooks.sqlite import SqliteHook


def summarize():
    df = SqliteHook(sqlite_conn_id="lite").get_pandas_df("SELECT kind, count(*) AS n FROM events GROUP BY kind ORDER BY kind")
    return dict(zip(df["kind"], [int(n) for n in df["n"]]))


with DAG("sqlite_pipeline", start_date=datetime(2024, 1, 1), schedule=None, template_searchpath="{sql_dir}") as dag:
    setup = SQLExecuteQueryOperator(task_id="setup", conn_id="lite", sql="events.sql", split_statements=True)
    latest = SQLExecuteQueryOperator(
        task_id="latest", conn_id="lite", sql="SELECT kind, at FROM events WHERE kind = ? ORDER BY at DESC", parameters=["{{{{ params.kind }}}}"], params={{"kind": "click"}}
    )
    wait = SqlSensor(task_id="wait", conn_id="lite", sql="SELECT count(*) FROM events", success=lambda n: n == 3, fail_on_empty=True, poke_interval=1, timeout=20)
    check = SQLColumnCheckOperator(task_id="check", conn_id="lite", table="events", column_mapping={{"at": {{"null_check": {{"equal_to": 0}}, "unique_check": {{"equal_to": 0}}}}}})
    setup >> [latest, wait, check] >> PythonOperator(task_id="summarize", python_callable=summarize)
    branch = BranchSQLOperator(
        task_id="branch", conn_id="lite", sql="SELECT count(*) > 2 FROM events", follow_task_ids_if_true=["busy"], follow_task_ids_if_false="quiet"
    )
    setup >> branch >> [EmptyOperator(task_id="busy"), EmptyOperator(task_id="quiet")]
"""

EVENTS_SQL = """
DROP TABLE IF EXISTS events;
CREATE TABLE events (kind text, at text);
INSERT INTO events VALUES ('click', '{{ ds }}T10:00'), ('view', '{{ ds }}T11:00'), ('click', '{{ ds }}T12:00');
"""

FAILING_DAG = """
from datetime import datetime
from airflow import DAG
from airflow.providers.common.sql.operators.sql import SQLCheckOperator, SQLExecuteQueryOperator, SQLValueCheckOperator

with DAG("sql_failures", start_date=datetime(2024, 1, 1), schedule=None) as dag:
    SQLExecuteQueryOperator(task_id="wrong_password", conn_id="my_bad", sql="SELECT 1")
    SQLExecuteQueryOperator(task_id="missing_table", conn_id="pg_secret", sql="SELECT '{{ conn.pg_secret.password }}' AS leak FROM missing_table")
    SQLValueCheckOperator(task_id="failed_check", conn_id="lite", sql="SELECT 41", pass_value=42)
    SQLCheckOperator(task_id="no_retry", conn_id="lite", sql="SELECT 0", retry_on_failure=False, retries=3)
    SQLExecuteQueryOperator(task_id="not_sql", conn_id="http_thing", sql="SELECT 1")
"""


@pytest.fixture(scope="module")
def pg_name() -> Iterator[str]:
    with postgres_database() as name:
        yield name


@pytest.fixture(scope="module")
def my_name() -> Iterator[str]:
    with mariadb_database() as name:
        yield name


@pytest.fixture(autouse=True)
def _subprocess_env(monkeypatch: pytest.MonkeyPatch, tradewind_home: Path) -> None:
    """The CLI child imports this tree's tradewind (and its `airflow` shim)."""
    import os

    root = str(Path(__file__).resolve().parents[2])
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p))


def set_conn(monkeypatch: pytest.MonkeyPatch, conn_id: str, value: str | dict) -> None:
    monkeypatch.setenv(f"TRADEWIND_CONN_{conn_id.upper()}", value if isinstance(value, str) else json.dumps(value))


def dags_test(cli_process, dag_id: str, *args: str) -> tuple[int, dict]:
    result = cli_process("dags", "test", dag_id, *args, "-o", "json")
    assert result.out, result.err
    return result.code, json.loads(result.out)


def states(report: dict) -> dict[str, str]:
    return {ti["task_id"]: ti["state"] for ti in report["task_instances"]}


def xcoms(dag_id: str, report: dict) -> dict[str, object]:
    from tradewind.store import xcom

    pulled = xcom.pull(dag_id, report["run_id"], [ti["task_id"] for ti in report["task_instances"]])
    return {task_id: value for (task_id, _), value in pulled.items()}


def log_of(report: dict, task_id: str) -> str:
    (ti,) = [t for t in report["task_instances"] if t["task_id"] == task_id]
    return Path(ti["log_path"]).read_text(encoding="utf-8")


def test_postgres_dag(cli_process, write_dag, tmp_path: Path, pg_name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    set_conn(monkeypatch, "pg", f"postgres://postgres:{PG_SECRET}@127.0.0.1:5432/{pg_name}")
    sql_dir = tmp_path / "sql"
    sql_dir.mkdir()
    (sql_dir / "load_sales.sql").write_text(LOAD_SQL)
    out = tmp_path / "export.tsv"
    write_dag("pg_pipeline.py", PG_DAG.format(sql_dir=sql_dir, out=out))
    code, report = dags_test(cli_process, "pg_pipeline", "2024-03-05")
    assert code == 0 and set(states(report).values()) == {"success"}, (states(report), report)
    got = xcoms("pg_pipeline", report)
    assert got["query"] == [("north", Decimal("10.5")), ("south", Decimal("4.5"))]
    assert got["several"] == [[(3,)], [(Decimal("10.5"),)]]
    assert got["described"] == [{"id": 1, "region": "north"}]
    assert "load" not in got and "create" not in got  # statements without rows return None: no XCom
    assert got["export"] == ["north\t10.5", "north\t8", "south\t4.5"]
    load_log = log_of(report, "load")
    assert "Running statement: INSERT INTO sales (ds, amount, region) VALUES ('2024-03-05', 10.5, 'north');" in load_log
    assert "'2024-02-27', 8, 'north'" in load_log  # macros.ds_add in the .sql file
    assert "Running statement: --" not in load_log  # comments are stripped when splitting, as in Airflow
    assert PG_SECRET not in "".join(log_of(report, t) for t in states(report))


def test_mysql_dag(cli_process, write_dag, tmp_path: Path, my_name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    tsv = tmp_path / "users.tsv"
    tsv.write_text("3\tcyd\t2024-02-03\n")
    with mariadb_user(my_name, MY_SECRET) as user:
        set_conn(
            monkeypatch,
            "my",
            {
                "conn_type": "mysql",
                "host": "127.0.0.1",
                "port": 3306,
                "login": user,
                "password": MY_SECRET,
                "schema": my_name,
            },
        )
        write_dag("mysql_pipeline.py", MYSQL_DAG.format(tsv=tsv))
        code, report = dags_test(cli_process, "mysql_pipeline")
    assert code == 0 and set(states(report).values()) == {"success"}, (states(report), report)
    got = xcoms("mysql_pipeline", report)
    assert got["load"] == 3
    assert got["query"] == [(1, "ada"), (2, "bob"), (3, "cyd"), (4, "mysql_pipeline")]
    assert "insert" not in got
    assert "Pass value" not in log_of(report, "check")


def test_sqlite_dag(cli_process, write_dag, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "events.db"
    set_conn(monkeypatch, "lite", f"sqlite://{db}")
    sql_dir = tmp_path / "sql"
    sql_dir.mkdir()
    (sql_dir / "events.sql").write_text(EVENTS_SQL)
    write_dag("sqlite_pipeline.py", SQLITE_DAG.format(sql_dir=sql_dir))
    code, report = dags_test(cli_process, "sqlite_pipeline", "2024-05-01")
    got_states = states(report)
    assert code == 0 and got_states.pop("quiet") == "skipped", report  # BranchSQLOperator chose "busy"
    assert set(got_states.values()) == {"success"}, got_states
    got = xcoms("sqlite_pipeline", report)
    assert got["latest"] == [("click", "2024-05-01T12:00"), ("click", "2024-05-01T10:00")]
    assert got["summarize"] == {"click": 2, "view": 1}
    assert db.exists()


def test_failures_are_clear_task_errors_with_the_password_masked(
    cli_process, write_dag, tmp_path: Path, pg_name: str, my_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    set_conn(monkeypatch, "pg_secret", f"postgres://postgres:{PG_SECRET}@127.0.0.1:5432/{pg_name}")
    set_conn(monkeypatch, "lite", f"sqlite://{tmp_path / 'f.db'}")
    set_conn(monkeypatch, "http_thing", "http://api.example.com")
    write_dag("sql_failures.py", FAILING_DAG)
    with mariadb_user(my_name, "Right-pass-1") as user:
        set_conn(monkeypatch, "my_bad", f"mysql://{user}:{MY_SECRET}@127.0.0.1:3306/{my_name}")
        code, report = dags_test(cli_process, "sql_failures")
    assert code == 1
    assert set(states(report).values()) == {"failed"}, states(report)
    wrong = log_of(report, "wrong_password")
    assert 'OperationalError: (1045, "Access denied for user' in wrong
    missing = log_of(report, "missing_table")
    assert 'UndefinedTable: relation "missing_table" does not exist' in missing
    assert "SELECT '***' AS leak FROM missing_table" in missing  # the rendered SQL, in the log and the error
    failed = log_of(report, "failed_check")
    assert "SQLCheckFailed: Test failed.\nPass value:42.0" in failed and "Results:\n(41,)" in failed
    no_retry = log_of(report, "no_retry")
    assert "SQLCheckFailedNoRetry: Test failed." in no_retry
    (ti,) = [t for t in report["task_instances"] if t["task_id"] == "no_retry"]
    assert ti["try_number"] == 1  # retries=3 not used
    assert "connection 'http_thing' is of type 'http'" in log_of(
        report, "not_sql"
    ) or "no hook is registered for connection type 'http'" in log_of(report, "not_sql")
    everything = "".join(log_of(report, t) for t in states(report))
    assert PG_SECRET not in everything and MY_SECRET not in everything
