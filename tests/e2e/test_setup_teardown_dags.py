"""An Airflow 2.7+ DAG file with setup and teardown tasks, `airflow` imports untouched, run with `dags test`.

The expected task and run states are Airflow's, per its "Setup and Teardown" how-to: the teardown
runs after its work even when the work failed; the run's state follows the work, not the teardown,
unless `on_failure_fail_dagrun=True`; a failed setup stops its work and its teardown.
"""

from __future__ import annotations

import json

import pytest

CLUSTER = """
from datetime import datetime

from airflow.decorators import dag, setup, task, teardown


def make(dag_id, fail, on_failure_fail_dagrun=False):
    @dag(dag_id=dag_id, schedule=None, start_date=datetime(2021, 1, 1), catchup=False, default_args={"retries": 0})
    def cluster():
        @setup
        def create_cluster():
            if fail == "create_cluster":
                raise RuntimeError("no capacity")
            return "cluster-1"

        @task
        def run_query(name):
            if fail == "run_query":
                raise RuntimeError("bad query")
            return f"rows from {name}"

        @task
        def report(rows):
            print(rows)

        @teardown(on_failure_fail_dagrun=on_failure_fail_dagrun)
        def delete_cluster(name):
            if fail == "delete_cluster":
                raise RuntimeError("cluster stuck")
            print("deleted", name)

        name = create_cluster()
        with delete_cluster(name).as_teardown(setups=name):
            report(run_query(name))

    return cluster()


make("all_good", None)
make("query_fails", "run_query")
make("setup_fails", "create_cluster")
make("teardown_fails", "delete_cluster")
make("teardown_fails_the_run", "delete_cluster", on_failure_fail_dagrun=True)
"""

ORDER = ("create_cluster", "run_query", "report", "delete_cluster")


@pytest.mark.parametrize(
    ("dag_id", "states", "run_state"),
    [
        ("all_good", ("success", "success", "success", "success"), "success"),
        ("query_fails", ("success", "failed", "upstream_failed", "success"), "failed"),
        ("setup_fails", ("failed", "upstream_failed", "upstream_failed", "upstream_failed"), "failed"),
        ("teardown_fails", ("success", "success", "success", "failed"), "success"),
        ("teardown_fails_the_run", ("success", "success", "success", "failed"), "failed"),
    ],
)
def test_setup_and_teardown_states_match_airflow(
    cli, write_dag, dag_id: str, states: tuple[str, ...], run_state: str
) -> None:
    write_dag("cluster.py", CLUSTER)
    r = cli("dags", "test", dag_id, "2024-03-05", "-o", "json")
    assert r.code == (0 if run_state == "success" else 1), r.err
    report = json.loads(r.out)
    got = {ti["task_id"]: ti["state"] for ti in report["task_instances"]}
    assert tuple(got[t] for t in ORDER) == states
    assert report["state"] == run_state
