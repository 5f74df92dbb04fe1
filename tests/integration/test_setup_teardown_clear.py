"""Clearing a task clears its setups and teardowns (Airflow: "If you clear a task, its setups and
teardowns will be cleared"), through the action the API, the UI and the CLI share, on a real database."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from tradewind.operators.empty import EmptyOperator
from tradewind.operators.python import PythonOperator
from tradewind.sdk.dag import DAG

DAG_ID = "cluster"


def _fail() -> None:
    raise ValueError("the query failed")


def _dag() -> DAG:
    with DAG(DAG_ID, schedule=None, start_date=datetime(2024, 1, 1, tzinfo=timezone.utc)) as dag:
        create = EmptyOperator(task_id="create_cluster")
        query = PythonOperator(task_id="run_query", python_callable=_fail)
        delete = EmptyOperator(task_id="delete_cluster")
        other = EmptyOperator(task_id="unrelated")
        create >> query >> delete.as_teardown(setups=create)
        create >> other
    return dag


@pytest.fixture
def finished_run(migrated_db: str) -> str:
    from tradewind.scheduler.inline_run import run_inline
    from tradewind.scheduler.runs import create_manual_run, sync_dag

    dag = _dag()
    structure = sync_dag(dag)
    run = create_manual_run(dag, structure, logical_date=datetime(2024, 3, 5, tzinfo=timezone.utc))
    assert run_inline(dag, structure, run).state.value == "failed"  # the query failed; the teardown ran
    assert _states(run.run_id) == {
        "create_cluster": "success",
        "run_query": "failed",
        "delete_cluster": "success",
        "unrelated": "success",
    }
    return run.run_id


def _states(run_id: str) -> dict[str, str]:
    from tradewind.store import task_instances

    return {t.task_id: t.state for t in task_instances.list_task_instances(DAG_ID, run_id)}


def test_clearing_the_work_task_clears_its_setup_and_teardown(finished_run: str) -> None:
    from tradewind.actions import runs

    dry = runs.clear(DAG_ID, finished_run, ["run_query"], dry_run=True)
    assert {t.task_id for t in dry} == {"create_cluster", "run_query", "delete_cluster"}
    assert _states(finished_run)["create_cluster"] == "success"  # a dry run changes nothing

    cleared = runs.clear(DAG_ID, finished_run, ["run_query"])
    assert {t.task_id for t in cleared} == {"create_cluster", "run_query", "delete_cluster"}
    assert _states(finished_run) == {
        "create_cluster": "none",
        "run_query": "none",
        "delete_cluster": "none",
        "unrelated": "success",
    }


def test_clearing_a_setup_clears_its_teardown_and_downstream_brings_the_rest(finished_run: str) -> None:
    from tradewind.actions import runs

    assert {t.task_id for t in runs.clear(DAG_ID, finished_run, ["create_cluster"], dry_run=True)} == {
        "create_cluster",
        "delete_cluster",
    }
    every = runs.clear(DAG_ID, finished_run, ["create_cluster"], downstream=True, dry_run=True)
    assert {t.task_id for t in every} == set(_states(finished_run))
    exact = runs.clear(DAG_ID, finished_run, ["run_query"], exact=True)
    assert [t.task_id for t in exact] == ["run_query"]
    assert _states(finished_run)["create_cluster"] == "success"


def test_tasks_clear_cli_lists_and_clears_the_setup_and_teardown(
    finished_run: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from tradewind.cli.main import main

    assert main(["tasks", "clear", DAG_ID, "-t", "^run_query$", "-y"]) == 0
    out = capsys.readouterr().out
    assert "Cleared 3 task instance(s)" in out
    assert all(f"{DAG_ID}.{t} " in out for t in ("create_cluster", "run_query", "delete_cluster"))
    assert _states(finished_run)["unrelated"] == "success"
    assert {s for t, s in _states(finished_run).items() if t != "unrelated"} == {"none"}
