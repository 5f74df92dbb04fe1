"""The SQL operators' decisions (checks passing and failing, the sensor's criteria) on a real SQLite file,
and the per-database options (`database`, `hook_params`) on PostgreSQL and MariaDB.

The DAG-level behaviour (templating, .sql files, XComs, task logs) is in tests/e2e/test_sql_dags.py.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tradewind.exceptions import DagDefinitionError, FailTask, InvalidConnection, SkipTask
from tradewind.providers.common.sql.checks import (
    SQLCheckOperator,
    SQLColumnCheckOperator,
    SQLIntervalCheckOperator,
    SQLTableCheckOperator,
    SQLThresholdCheckOperator,
    SQLValueCheckOperator,
)
from tradewind.providers.common.sql.operators import SQLCheckFailed, SQLCheckFailedNoRetry, SQLExecuteQueryOperator
from tradewind.providers.common.sql.sensors import SqlSensor, SqlSensorFailed

from sql_databases import mariadb_database, postgres_database

pytestmark = pytest.mark.timeout(120)


@pytest.fixture(autouse=True)
def lite(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """Connection `lite`: a SQLite file with t(id, v, ds): (1, 10, 2024-01-08), (2, 20, 2024-01-08), (3, NULL, 2024-01-01)."""
    monkeypatch.setenv("TRADEWIND_CONN_LITE", json.dumps({"conn_type": "sqlite", "host": str(tmp_path / "ops.db")}))
    SQLExecuteQueryOperator(
        task_id="setup",
        conn_id="lite",
        sql="CREATE TABLE t (id int, v int, ds text); "
        "INSERT INTO t VALUES (1, 10, '2024-01-08'), (2, 20, '2024-01-08'), (3, NULL, '2024-01-01')",
        split_statements=True,
    ).execute({})
    yield


def run(op) -> object:
    return op.execute({"ds": "2024-01-08"})


def test_check_operator() -> None:
    run(SQLCheckOperator(task_id="c", conn_id="lite", sql="SELECT count(*), max(v) FROM t"))
    with pytest.raises(
        SQLCheckFailed, match=r"Test failed.\nQuery:\nSELECT count\(\*\), min\(v\) - 10 FROM t\nResults:\n\(3, 0\)"
    ):
        run(SQLCheckOperator(task_id="c", conn_id="lite", sql="SELECT count(*), min(v) - 10 FROM t"))
    with pytest.raises(SQLCheckFailed, match="returned zero rows"):
        run(SQLCheckOperator(task_id="c", conn_id="lite", sql="SELECT v FROM t WHERE id > 99"))
    with pytest.raises(SQLCheckFailedNoRetry) as info:
        run(SQLCheckOperator(task_id="c", conn_id="lite", sql="SELECT 0", retry_on_failure=False))
    assert isinstance(info.value, FailTask)


def test_value_check_with_and_without_tolerance() -> None:
    run(SQLValueCheckOperator(task_id="v", conn_id="lite", sql="SELECT sum(v) FROM t", pass_value=30))
    run(
        SQLValueCheckOperator(
            task_id="v", conn_id="lite", sql="SELECT sum(v), 31 FROM t", pass_value=30, tolerance=0.05
        )
    )
    run(
        SQLValueCheckOperator(task_id="v", conn_id="lite", sql="SELECT ds FROM t WHERE id = 1", pass_value="2024-01-08")
    )
    with pytest.raises(SQLCheckFailed, match=r"Pass value:30.0\nTolerance:1.0%"):
        run(SQLValueCheckOperator(task_id="v", conn_id="lite", sql="SELECT 31", pass_value=30, tolerance=0.01))
    with pytest.raises(SQLCheckFailed, match="Converting a result to float failed"):
        run(SQLValueCheckOperator(task_id="v", conn_id="lite", sql="SELECT 'x'", pass_value=1))


def test_threshold_check_with_numbers_and_sql() -> None:
    run(
        SQLThresholdCheckOperator(
            task_id="th", conn_id="lite", sql="SELECT sum(v) FROM t", min_threshold=30, max_threshold="SELECT 40"
        )
    )
    with pytest.raises(SQLCheckFailed, match=r"Result: 30 is not within thresholds 31\.0 and 40"):
        run(
            SQLThresholdCheckOperator(
                task_id="th", conn_id="lite", sql="SELECT sum(v) FROM t", min_threshold="31", max_threshold="SELECT 40"
            )
        )
    with pytest.raises(SQLCheckFailed, match="zero rows"):
        run(
            SQLThresholdCheckOperator(
                task_id="th", conn_id="lite", sql="SELECT v FROM t WHERE 0", min_threshold=0, max_threshold=1
            )
        )


def test_column_check() -> None:
    mapping = {
        "v": {"null_check": {"equal_to": 1}, "min": {"geq_to": 10}, "max": {"less_than": 20, "tolerance": 0.1}},
        "id": {"unique_check": {"equal_to": 0}, "distinct_check": {"greater_than": 2}},
    }
    run(SQLColumnCheckOperator(task_id="cc", conn_id="lite", table="t", column_mapping=mapping))
    failing = {"v": {"max": {"leq_to": 15}}}
    with pytest.raises(SQLCheckFailed, match=r"Column: v\n\tCheck: max"):
        run(SQLColumnCheckOperator(task_id="cc", conn_id="lite", table="t", column_mapping=failing))
    # the partition clause narrows every check
    run(
        SQLColumnCheckOperator(
            task_id="cc",
            conn_id="lite",
            table="t",
            column_mapping={"v": {"null_check": {"equal_to": 0}}},
            partition_clause="ds = '2024-01-08'",
        )
    )
    with pytest.raises(DagDefinitionError, match="Invalid column check: median"):
        SQLColumnCheckOperator(
            task_id="cc", conn_id="lite", table="t", column_mapping={"v": {"median": {"equal_to": 1}}}
        )
    with pytest.raises(DagDefinitionError, match="lower bound is above its upper bound"):
        SQLColumnCheckOperator(
            task_id="cc", conn_id="lite", table="t", column_mapping={"v": {"min": {"geq_to": 5, "less_than": 5}}}
        )
    with pytest.raises(DagDefinitionError, match="semicolons"):
        SQLColumnCheckOperator(
            task_id="cc", conn_id="lite", table="t", column_mapping=mapping, partition_clause="1; DROP TABLE t"
        )


def test_table_check() -> None:
    checks = {
        "three": {"check_statement": "COUNT(*) = 3"},
        "positive": {"check_statement": "v > 0", "partition_clause": "v IS NOT NULL"},
    }
    run(SQLTableCheckOperator(task_id="tc", conn_id="lite", table="t", checks=checks))
    with pytest.raises(SQLCheckFailed, match="Check: big"):
        run(
            SQLTableCheckOperator(
                task_id="tc",
                conn_id="lite",
                table="t",
                checks={"big": {"check_statement": "v > 15"}},
                partition_clause="v IS NOT NULL",
            )
        )
    with pytest.raises(DagDefinitionError, match="check_statement"):
        SQLTableCheckOperator(task_id="tc", conn_id="lite", table="t", checks={"x": {}})


def test_interval_check() -> None:
    with pytest.raises(SQLCheckFailed, match=r"have failed:\n sum\(v\)"):
        # 2024-01-01 has a NULL sum: a zero, which fails when ignore_zero=False
        op = SQLIntervalCheckOperator(
            task_id="ic", conn_id="lite", table="t", metrics_thresholds={"sum(v)": 2}, ignore_zero=False
        )
        op.sql1, op.sql2 = (
            "SELECT sum(v) FROM t WHERE ds = '2024-01-08'",
            "SELECT sum(v) FROM t WHERE ds = '2024-01-01'",
        )
        run(op)
    op = SQLIntervalCheckOperator(
        task_id="ic", conn_id="lite", table="t", metrics_thresholds={"count(*)": 2.5}, ratio_formula="max_over_min"
    )
    assert op.sql2 == "SELECT count(*) FROM t WHERE ds='{{ macros.ds_add(ds, -7) }}'"
    op.sql1, op.sql2 = (
        "SELECT count(*) FROM t WHERE ds = '2024-01-08'",
        "SELECT count(*) FROM t WHERE ds = '2024-01-01'",
    )
    run(op)  # 2 / 1 < 2.5
    op.metrics_thresholds = {"count(*)": 1.5}
    with pytest.raises(SQLCheckFailed, match=r"The following tests have failed:\n count\(\*\)"):
        run(op)
    with pytest.raises(DagDefinitionError, match="Invalid ratio_formula"):
        SQLIntervalCheckOperator(task_id="ic", conn_id="lite", table="t", metrics_thresholds={}, ratio_formula="nope")


def test_sql_sensor_criteria() -> None:
    def sensor(**kwargs) -> SqlSensor:
        return SqlSensor(task_id="s", conn_id="lite", poke_interval=0, timeout=0, **kwargs)

    assert sensor(sql="SELECT v FROM t WHERE id = 1").poke({}) is True
    assert sensor(sql="SELECT v FROM t WHERE id = 3").poke({}) is False  # NULL
    assert sensor(sql="SELECT v FROM t WHERE id = 99").poke({}) is False
    assert (
        sensor(sql="SELECT v, id FROM t WHERE id = 2", selector=lambda row: row[1], success=lambda x: x == 2).poke({})
        is True
    )
    with pytest.raises(SqlSensorFailed, match="fail_on_empty"):
        sensor(sql="SELECT v FROM t WHERE id = 99", fail_on_empty=True).poke({})
    with pytest.raises(SqlSensorFailed, match=r"Failure criteria met. self.failure\(20\) returned True"):
        sensor(sql="SELECT v FROM t WHERE id = 2", failure=lambda v: v > 15).poke({})
    with pytest.raises(SkipTask):
        sensor(sql="SELECT v FROM t WHERE id = 2", failure=lambda v: v > 15, soft_fail=True).execute({})
    with pytest.raises(DagDefinitionError, match="must be callable"):
        sensor(sql="SELECT 1", success=True)


def test_execute_query_results_and_options() -> None:
    op = SQLExecuteQueryOperator(
        task_id="q", conn_id="lite", sql="SELECT id FROM t WHERE v > ? ORDER BY id", parameters="[5]"
    )
    assert run(op) == [(1,), (2,)]  # parameters given as text (a .json template) are read as a literal
    op = SQLExecuteQueryOperator(task_id="q", conn_id="lite", sql=["SELECT 1", "SELECT 2"])
    assert run(op) == [[(1,)], [(2,)]]
    op = SQLExecuteQueryOperator(task_id="q", conn_id="lite", sql="SELECT 1", do_xcom_push=False)
    assert run(op) is None
    op = SQLExecuteQueryOperator(task_id="q", conn_id="lite", sql="SELECT 1 AS one", handler=lambda cur: cur.fetchone())
    assert run(op) == (1,)
    with pytest.raises(InvalidConnection, match="needs a conn_id"):
        run(SQLExecuteQueryOperator(task_id="q", sql="SELECT 1"))


def test_database_and_hook_params_on_postgres_and_mariadb(monkeypatch: pytest.MonkeyPatch) -> None:
    with postgres_database() as pg, mariadb_database() as my:
        monkeypatch.setenv("TRADEWIND_CONN_PG", "postgres://postgres@127.0.0.1:5432/test")
        monkeypatch.setenv("TRADEWIND_CONN_MY", "mysql://root@127.0.0.1:3306/mysql")
        assert run(
            SQLExecuteQueryOperator(task_id="q", conn_id="pg", sql="SELECT current_database()", database=pg)
        ) == [(pg,)]
        assert run(SQLExecuteQueryOperator(task_id="q", conn_id="my", sql="SELECT DATABASE()", database=my)) == [(my,)]
        op = SQLExecuteQueryOperator(
            task_id="q", conn_id="pg", sql="SHOW search_path", hook_params={"options": "-c search_path=elsewhere"}
        )
        assert run(op) == [("elsewhere",)]
        # autocommit=True: statements PostgreSQL refuses inside a transaction work
        run(SQLExecuteQueryOperator(task_id="q", conn_id="pg", sql="VACUUM", autocommit=True, database=pg))


def test_deprecated_alias_operators() -> None:
    from airflow.providers.sqlite.operators.sqlite import SqliteOperator

    with pytest.warns(DeprecationWarning, match="SqliteOperator is deprecated: use SQLExecuteQueryOperator"):
        # a `conn_id` in default_args does not reach SQLExecuteQueryOperator: the alias passes its own
        op = SqliteOperator(
            task_id="a", sqlite_conn_id="lite", sql="SELECT count(*) FROM t", default_args={"conn_id": "ignored"}
        )
    assert run(op) == [(3,)]
    from airflow.providers.postgres.operators.postgres import PostgresOperator

    with pytest.raises(DagDefinitionError, match="runtime_parameters is not supported"):
        PostgresOperator(task_id="p", sql="SELECT 1", runtime_parameters={"statement_timeout": "3s"})


def test_postgres_notices_go_to_the_task_log(monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    from tradewind.providers.postgres.hooks import PostgresHook

    monkeypatch.setenv("TRADEWIND_CONN_PG", "postgres://postgres@127.0.0.1:5432/test")
    with caplog.at_level("INFO"):
        PostgresHook("pg", enable_log_db_messages=True).run("DO $$ BEGIN RAISE NOTICE 'hello from the server'; END $$")
    assert "hello from the server" in caplog.text
