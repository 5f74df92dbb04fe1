"""When the supervisor claims a try: once its process is there, so a try's start_date never counts
the fork server's import of its DAG file (as on Airflow, where the task's own process sets it)."""

from __future__ import annotations

import textwrap
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from tradewind.executors.messages import Outcome, Workload

DAG_FILE = """
import time
from datetime import datetime
from tradewind import DAG
from tradewind.operators.python import PythonOperator

time.sleep(0.5)  # a slow import: a try's start_date must not count it

with DAG("claims", schedule=None, start_date=datetime(2024, 1, 1)):
    PythonOperator(task_id="a", python_callable=lambda: None)
    PythonOperator(task_id="b", python_callable=lambda: None)
"""


@pytest.fixture()
def setup(tradewind_home: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    from tradewind.executors.supervisor import TaskProcesses
    from tradewind.parsing.dagbag import DagBag
    from tradewind.scheduler.runs import create_run
    from tradewind.serialization import serialize_dag
    from tradewind.states import DagRunState, DagRunType
    from tradewind.store.migrate import ensure_ready
    from tradewind.structure import DagStructure

    path = tradewind_home / "dags" / "claims.py"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(DAG_FILE))
    ensure_ready()
    dag = DagBag(str(path), include_examples=False).dags["claims"]
    when = datetime(2024, 1, 1, tzinfo=timezone.utc)
    run = create_run(
        DagStructure.from_serialized(serialize_dag(dag)),
        DagRunType.MANUAL,
        when,
        (when, when),
        run_id="r",
        state=DagRunState.RUNNING,
        external_trigger=True,
    )
    monkeypatch.setenv("TRADEWIND__EXECUTOR__TASKS_PER_PROCESS", "1")  # each task in a process of the fork server's
    processes = TaskProcesses()
    yield processes, run, str(path)
    processes.close()


def _supervise(processes: Any, run: Any, task_id: str, fileloc: str) -> tuple[Outcome, Any]:
    from tradewind.executors.supervisor import supervise

    return supervise(Workload("claims", run.run_id, task_id, -1, fileloc, run), processes)


def test_a_first_import_is_not_part_of_the_try(setup) -> None:
    processes, run, fileloc = setup
    asked = datetime.now(timezone.utc)
    outcome, first = _supervise(processes, run, "a", fileloc)
    assert outcome is Outcome.SUCCEEDED
    assert (first.start_date - asked).total_seconds() >= 0.5  # claimed once the slow import was done
    outcome, second = _supervise(processes, run, "b", fileloc)  # the file is imported: a process at once
    assert outcome is Outcome.SUCCEEDED and second.try_number == 1
