"""CLI tables never cut an id, a path or a state: other columns wrap, or the rows print in aligned columns."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DAG_ID = "work_automation_nightly_reconciliation_of_customer_ledgers_for_every_region"
RUN_ID = "manual__2024-01-02T00:00:00+00:00__rerun_after_the_ledger_fix_requested_by_finance"
LONG_DAG = f"""
from datetime import datetime
from tradewind import DAG
from tradewind.operators.empty import EmptyOperator

with DAG("{DAG_ID}", schedule="@daily", start_date=datetime(2024, 1, 1), tags=["finance", "nightly", "ledgers"],
         default_args={{"owner": "finance-data-engineering-team"}}):
    EmptyOperator(task_id="a")
"""
BROKEN_NAME = "a_file_whose_name_alone_is_wider_than_a_narrow_terminal_window.py"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch):
    """Make stdout count as a terminal of `width` columns (what rich reads: TTY_COMPATIBLE, COLUMNS)."""

    def set_width(width: int) -> None:
        monkeypatch.setenv("TTY_COMPATIBLE", "1")
        monkeypatch.setenv("COLUMNS", str(width))

    return set_width


def lines(out: str) -> list[str]:
    return ANSI.sub("", out).splitlines()


def test_a_narrow_terminal_gets_every_row_on_one_line_with_the_id_and_path_whole(cli, write_dag, terminal) -> None:
    path = write_dag("long.py", LONG_DAG)
    terminal(60)
    out = lines(cli("dags", "list").out)
    assert out[0].split() == ["dag_id", "fileloc", "owners", "is_paused", "schedule", "tags"]
    assert out[1].split()[:3] == [DAG_ID, str(path), "finance-data-engineering-team"]
    assert "…" not in "".join(out)


def test_a_wide_enough_terminal_gets_a_table_that_wraps_other_columns(cli, write_dag, terminal) -> None:
    path = write_dag("long.py", LONG_DAG)
    needed = len(DAG_ID) + len(str(path)) + 16 * 2 + len("is_paused") + len("schedule") + 6 * 3 + 1
    terminal(needed)
    out = lines(cli("dags", "list").out)
    assert out[0].startswith("┏") and all(len(line) <= needed for line in out)
    row = next(line for line in out if DAG_ID in line)
    assert str(path) in row and "…" not in "".join(out)
    assert "finance-data-engineering-team" not in row and "ineering-team" in "".join(out)  # owners wrapped


def test_a_pipe_gets_aligned_columns(cli, write_dag) -> None:
    path = write_dag("long.py", LONG_DAG)
    out = cli("dags", "list").out.splitlines()
    assert not any("│" in line for line in out)
    assert out[1].split()[:2] == [DAG_ID, str(path)]


def test_list_runs_keeps_the_run_id_and_state_whole(cli, write_dag, terminal) -> None:
    write_dag("long.py", LONG_DAG)
    assert cli("dags", "trigger", DAG_ID, "-r", RUN_ID, "-e", "2024-01-02").code == 0
    for width in (80, 400):
        terminal(width)
        out = lines(cli("dags", "list-runs", DAG_ID).out)
        row = next(line for line in out if RUN_ID in line)
        assert DAG_ID in row and "queued" in row and "…" not in "".join(out)


def test_list_import_errors_keeps_the_file_name_whole(cli, dags_dir: Path, terminal) -> None:
    (dags_dir / BROKEN_NAME).write_text("from tradewind import DAG\nraise ValueError('broken on purpose')\n")
    for width in (50, 80, 200):
        terminal(width)
        r = cli("dags", "list-import-errors")
        assert r.code == 1
        out = lines(r.out)
        row = next(line for line in out if BROKEN_NAME in line)
        assert str(dags_dir / BROKEN_NAME) in row and "…" not in "".join(out)
        assert "broken on purpose" in " ".join(out)
