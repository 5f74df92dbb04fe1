"""`dags backfill` over runs that exist already: nothing to do says so; Airflow's flags run them again."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.timeout(180)

DAG = """
from datetime import datetime
from tradewind import DAG
from tradewind.operators.bash import BashOperator

with DAG("bf", schedule="@daily", start_date=datetime(2024, 1, 1)):
    # 2024-01-02 fails until the flag file exists
    BashOperator(task_id="a", bash_command='test "{{ ds }}" != 2024-01-02 || test -f FLAG') >> \\
        BashOperator(task_id="b", bash_command="true")
"""
RUN_2 = "backfill__2024-01-02T00:00:00+00:00"


def tries(run_id: str) -> dict[str, tuple[str, int]]:
    from tradewind.store import task_instances

    return {t.task_id: (t.state, t.try_number) for t in task_instances.list_task_instances("bf", run_id)}


def test_existing_runs_are_left_alone_unless_a_flag_says_so(cli_process, write_dag, tradewind_home: Path) -> None:
    flag = tradewind_home / "flag"
    write_dag("bf.py", DAG.replace("FLAG", str(flag)))
    first = cli_process("dags", "backfill", "bf", "-s", "2024-01-01", "-e", "2024-01-03")
    assert first.code == 1 and first.out.count("backfill__") == 3, first.out + first.err

    again = cli_process("dags", "backfill", "bf", "-s", "2024-01-01", "-e", "2024-01-03")
    assert again.code == 1
    assert again.out.strip() == (
        "Nothing to do: all 3 run(s) of bf in the range exist already (1 failed, 2 success); --rerun-failed-tasks "
        "re-runs their failed tasks; --reset-dagruns re-runs them from scratch."
    )

    flag.touch()
    rerun = cli_process("dags", "backfill", "bf", "-s", "2024-01-01", "-e", "2024-01-03", "--rerun-failed-tasks")
    assert rerun.code == 0, rerun.out + rerun.err
    assert RUN_2 in rerun.out and rerun.out.count("backfill__") == 1  # only the run it ran
    assert "Left 2 existing run(s) as they were (2 success)" in rerun.err
    assert tries(RUN_2) == {"a": ("success", 2), "b": ("success", 1)}

    reset = cli_process("dags", "backfill", "bf", "-s", "2024-01-02", "--reset-dagruns", "-o", "json")
    assert reset.code == 0, reset.err
    assert [(r["run_id"], r["state"], r["ran"]) for r in json.loads(reset.out)] == [(RUN_2, "success", True)]
    assert tries(RUN_2) == {"a": ("success", 3), "b": ("success", 2)}  # cleared and run again, history kept
