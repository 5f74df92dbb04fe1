"""`tradewind dag-processor` as a user runs it: a real process, real SQLite, real signals."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from scheduler_process import wait_for

GOOD = """
from datetime import datetime
from tradewind import DAG
from tradewind.operators.empty import EmptyOperator

with DAG("{dag_id}", schedule=None, start_date=datetime(2024, 1, 1)):
    EmptyOperator(task_id="only")
"""


def _active() -> set[str]:
    from tradewind.store import dags

    return {d.dag_id for d in dags.list_dags(active_only=True)}


def test_one_pass_records_dags_and_import_errors(cli_process, write_dag) -> None:
    write_dag("good.py", GOOD.format(dag_id="good"))
    write_dag("broken.py", "from tradewind import DAG\nraise ValueError('bad file')\n")

    result = cli_process("dag-processor", "-n", "1")

    assert result.code == 0, result.err
    assert _active() == {"good"}
    from tradewind.store import import_errors

    [error] = import_errors.list_import_errors()
    assert Path(error.filename).name == "broken.py" and error.lineno == 2 and "bad file" in error.message


def test_runs_until_sigterm_and_picks_up_new_files(tradewind_home: Path, write_dag) -> None:
    from tradewind.store.migrate import migrate

    migrate()  # before polling the database while the process starts
    write_dag("first.py", GOOD.format(dag_id="first"))
    env = {**os.environ, "TRADEWIND__SCHEDULER__DAG_DIR_LIST_INTERVAL": "0.2"}
    out = (tradewind_home / "processor.out").open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "tradewind", "dag-processor"], env=env, stdout=out, stderr=out)
    try:
        wait_for(lambda: "first" in _active(), what="the first DAG")
        write_dag("second.py", GOOD.format(dag_id="second"))
        wait_for(lambda: _active() == {"first", "second"}, what="the new file's DAG")
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        out.close()


def test_a_missing_subdir_is_one_line_on_stderr(cli_process) -> None:
    result = cli_process("dag-processor", "-S", "/no/such/folder")
    assert result.code != 0
    assert result.err.strip().count("\n") == 0 and "/no/such/folder" in result.err
    assert "Traceback" not in result.err


def test_a_num_runs_of_zero_is_refused_instead_of_running_forever(cli_process) -> None:
    for value in ("0", "-3"):
        result = cli_process("dag-processor", "-n", value, timeout=60)
        assert result.code != 0 and "--num-runs" in result.err and "Traceback" not in result.err
