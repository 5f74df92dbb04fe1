"""Split a SQL script into statements, as Airflow's `DbApiHook.split_sql_string` (which strips comments first).

A small scanner instead of a SQL parser: it knows quoted strings ('...' with '' or backslash escapes),
quoted identifiers ("..." and `...`), PostgreSQL's dollar quotes ($$...$$, $tag$...$tag$), and
-- and /* */ comments, so a `;` inside any of them does not end a statement. It does not know
procedural blocks: a `CREATE FUNCTION`/`TRIGGER` body written with BEGIN ... END and bare `;`s must
be dollar-quoted or run with `split_statements=False`.
"""

from __future__ import annotations

import re

_DOLLAR_TAG = re.compile(r"\$(?:[A-Za-z_][A-Za-z_0-9]*)?\$")


def split_sql_string(sql: str, strip_semicolon: bool = False) -> list[str]:
    """The statements of `sql`, comments removed, each stripped (ending in `;` unless `strip_semicolon`)."""
    statements: list[str] = []
    current: list[str] = []
    i, n = 0, len(sql)

    def finish(with_semicolon: bool) -> None:
        text = "".join(current).strip()
        current.clear()
        if text:
            statements.append(text if strip_semicolon or not with_semicolon else text + ";")

    while i < n:
        char = sql[i]
        if char in "'\"`":
            end = _quoted_end(sql, i, char)
            current.append(sql[i:end])
            i = end
        elif char == "$" and (match := _DOLLAR_TAG.match(sql, i)) and not _in_word(sql, i):
            tag = match.group(0)
            close = sql.find(tag, match.end())
            end = n if close < 0 else close + len(tag)
            current.append(sql[i:end])
            i = end
        elif sql.startswith("--", i):
            newline = sql.find("\n", i)
            i = n if newline < 0 else newline
            current.append("\n")
        elif sql.startswith("/*", i):
            close = sql.find("*/", i + 2)
            i = n if close < 0 else close + 2
            current.append(" ")
        elif char == ";":
            finish(with_semicolon=True)
            i += 1
        else:
            current.append(char)
            i += 1
    finish(with_semicolon=False)
    return statements


def _quoted_end(sql: str, start: int, quote: str) -> int:
    """Index just past the quoted text opened at `start` (doubled quotes and, in strings, backslashes escape)."""
    i, n = start + 1, len(sql)
    while i < n:
        char = sql[i]
        if char == "\\" and quote == "'":
            i += 2
            continue
        if char == quote:
            if i + 1 < n and sql[i + 1] == quote:
                i += 2
                continue
            return i + 1
        i += 1
    return n


def _in_word(sql: str, i: int) -> bool:
    """A `$` right after an identifier character is part of a name (`a$b`) or a parameter (`$1`), not a quote."""
    return i > 0 and (sql[i - 1].isalnum() or sql[i - 1] == "_")
