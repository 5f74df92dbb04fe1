"""Marking a run by hand leaves its unfinished teardowns to run, as Airflow 2.7+ does: the run keeps
its state until the scheduler has run them, then ends by its usual rules."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from tradewind import DAG
from tradewind.operators.empty import EmptyOperator

WHEN = datetime(2024, 3, 5, tzinfo=timezone.utc)


def _run_with(states: dict[str, str]) -> tuple[str, object]:
    from tradewind.scheduler.runs import create_manual_run, sync_dag
    from tradewind.states import DagRunState
    from tradewind.store import task_instances
    from tradewind.store.migrate import ensure_ready
    from tradewind.store.task_instances import StateChange

    ensure_ready()
    with DAG("marked", start_date=WHEN, schedule=None) as dag:
        create = EmptyOperator(task_id="create_cluster")
        work = EmptyOperator(task_id="work")
        more = EmptyOperator(task_id="more")
        delete = EmptyOperator(task_id="delete_cluster")
        create >> work >> more >> delete.as_teardown(setups=create)
    structure = sync_dag(dag)
    run = create_manual_run(dag, structure, logical_date=WHEN, run_id="r1", state=DagRunState.RUNNING)
    task_instances.set_states(
        [StateChange("marked", run.run_id, t, -1, frozenset({"none"}), s) for t, s in states.items()]
    )
    return run.run_id, structure


def _states(run_id: str) -> tuple[str, dict[str, str]]:
    from tradewind.store import runs, task_instances

    tis = task_instances.list_task_instances("marked", run_id)
    return runs.get_dag_run("marked", run_id).state, {t.task_id: t.state for t in tis}


@pytest.mark.parametrize(("mark", "work"), [("failed", "failed"), ("success", "success")])
def test_marking_leaves_pending_teardowns_to_run(tradewind_home: Path, mark: str, work: str) -> None:
    from tradewind.actions import runs as run_actions
    from tradewind.scheduler.planner import plan
    from tradewind.store import task_instances

    run_id, structure = _run_with({"create_cluster": "success", "work": "running"})
    run_actions.mark_run("marked", run_id, mark)
    expected_more = "skipped" if mark == "failed" else "success"
    assert _states(run_id) == (
        "running",
        {"create_cluster": "success", "work": work, "more": expected_more, "delete_cluster": "none"},
    )
    tis = task_instances.list_task_instances("marked", run_id)
    assert plan(structure, tis, WHEN).ready == [("delete_cluster", -1)]  # the scheduler runs the teardown next


def test_marking_with_teardowns_done_ends_the_run_at_once(tradewind_home: Path) -> None:
    from tradewind.actions import runs as run_actions

    run_id, _ = _run_with({"create_cluster": "success", "work": "running", "delete_cluster": "success"})
    run_actions.mark_run("marked", run_id, "failed")
    assert _states(run_id) == (
        "failed",
        {"create_cluster": "success", "work": "failed", "more": "skipped", "delete_cluster": "success"},
    )
