"""Splitting SQL scripts into statements, and when `run` returns one result or a list (Airflow's rules)."""

from __future__ import annotations

import pytest

from tradewind.providers.common.sql.handlers import return_single_query_results
from tradewind.providers.common.sql.splitting import split_sql_string


@pytest.mark.parametrize(
    ("script", "statements"),
    [
        ("select 1; select 2;", ["select 1;", "select 2;"]),
        ("select ';' as a -- x; y\n; select 2", ["select ';' as a;", "select 2"]),
        (
            "create function f() returns int as $body$ select 1; $body$ language sql; select f()",
            ["create function f() returns int as $body$ select 1; $body$ language sql;", "select f()"],
        ),
        ("select \"a;b\", `c;d`, 'it''s; \\' ;' /* ; */ ; ;", ["select \"a;b\", `c;d`, 'it''s; \\' ;';"]),
        ("  -- only a comment\n", []),
    ],
)
def test_split_statements(script: str, statements: list[str]) -> None:
    assert split_sql_string(script) == statements
    assert split_sql_string(script, strip_semicolon=True) == [s.removesuffix(";").rstrip() for s in statements]


@pytest.mark.parametrize(
    ("sql", "return_last", "split", "single"),
    [
        ("select 1", True, None, True),
        ("select 1", False, False, True),
        ("select 1; select 2", True, True, True),
        ("select 1; select 2", False, True, False),
        (["select 1"], True, False, False),
        (["select 1"], False, None, False),
    ],
)
def test_single_or_list(sql, return_last, split, single) -> None:
    assert return_single_query_results(sql, return_last, split) is single
