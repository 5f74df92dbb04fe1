"""Run a one-DAG test of provider operators in this process (`dag.test()`), and read back states, logs and XComs."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

LOGICAL = datetime(2026, 11, 15, tzinfo=timezone.utc)


@dataclass
class TaskResult:
    state: str
    log: str
    xcom: Any


def set_connection(monkeypatch: pytest.MonkeyPatch, conn_id: str, **fields: Any) -> None:
    """A connection in the environment (TRADEWIND_CONN_<ID> as JSON): nothing stored."""
    monkeypatch.setenv(f"TRADEWIND_CONN_{conn_id.upper()}", json.dumps(fields))


def run(dag: Any) -> dict[str, TaskResult]:
    """Run `dag` once with `dag.test()`; `{task_id: TaskResult}` (the log of the last try)."""
    from tradewind.store import xcom

    dag_run = dag.test(logical_date=LOGICAL)
    values = xcom.pull(dag.dag_id, dag_run.run_id, [t.task_id for t in dag_run.task_instances])
    out = {}
    for ti in dag_run.task_instances:
        log = Path(ti.log_path).read_text() if ti.log_path and Path(ti.log_path).exists() else ""
        out[ti.task_id] = TaskResult(str(ti.state), log, values.get((ti.task_id, ti.map_index)))
    return out
