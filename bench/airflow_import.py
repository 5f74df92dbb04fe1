"""What the Airflow compatibility layer adds to parsing a DAG file (issue #12 target: ≤ 15 ms).

    .venv/bin/python bench/airflow_import.py [--runs 41]

Two copies of one DAG file — one importing the common `airflow...` names, one the same objects
from `tradewind...` — are each imported in a fresh interpreter that has done what the DAG parser
does first (`tradewind.compat.airflow.install()`). The child times the file's import (CPU time,
`time.process_time`, and wall time); runs alternate between the two files and medians are
compared. A third child imports the Tradewind copy first and then times the Airflow copy: what is
left is the compatibility layer's own work (building the `airflow...` modules, resolving names),
the least noisy figure on a busy machine. Results also go to bench/results/airflow_import.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

AIRFLOW_FILE = """
from datetime import datetime, timedelta

import pendulum
from airflow import DAG
from airflow.decorators import task, task_group
from airflow.exceptions import AirflowSkipException
from airflow.models import Variable
from airflow.operators.bash import BashOperator
from airflow.operators.empty import EmptyOperator
from airflow.operators.python import PythonOperator
from airflow.sensors.filesystem import FileSensor
from airflow.utils.task_group import TaskGroup
from airflow.utils.trigger_rule import TriggerRule
"""
TRADEWIND_FILE = """
from datetime import datetime, timedelta

import pendulum
from tradewind.sdk.dag import DAG
from tradewind.sdk.decorators import task
from tradewind.sdk.taskgroup import task_group
from tradewind.exceptions import SkipTask as AirflowSkipException
from tradewind.models import Variable
from tradewind.operators.bash import BashOperator
from tradewind.operators.empty import EmptyOperator
from tradewind.operators.python import PythonOperator
from tradewind.sensors.filesystem import FileSensor
from tradewind.sdk.taskgroup import TaskGroup
from tradewind.scheduler.trigger_rules import TriggerRule
"""
BODY = """

with DAG("bench_compat", schedule="@daily", start_date=pendulum.datetime(2024, 1, 1, tz="UTC"), catchup=False,
         default_args={"retries": 1, "retry_delay": timedelta(minutes=5)}):
    start = EmptyOperator(task_id="start")
    with TaskGroup("load"):
        files = [FileSensor(task_id=f"wait_{i}", filepath=f"/tmp/in_{i}.csv") for i in range(3)]
    done = BashOperator(task_id="done", bash_command="echo done", trigger_rule=TriggerRule.ALL_DONE)

    @task
    def transform():
        return Variable.get("x", default_var=1)

    @task_group
    def checks():
        PythonOperator(task_id="check", python_callable=lambda: None)

    start >> files >> transform() >> checks() >> done
"""
CHILD = """
import runpy, sys, time
from tradewind.compat.airflow import install
install()
cpu, wall = time.process_time(), time.perf_counter()
runpy.run_path(sys.argv[1])
print(time.process_time() - cpu, time.perf_counter() - wall)
"""


COMPAT_ONLY = """
import runpy, sys, time
from tradewind.compat.airflow import install
install()
runpy.run_path(sys.argv[2], run_name="warm")  # every Tradewind module the DAG needs is loaded now
cpu, wall = time.process_time(), time.perf_counter()
runpy.run_path(sys.argv[1])
print(time.process_time() - cpu, time.perf_counter() - wall)
"""


def _one(py: str, code: str, paths: list[Path], env: dict[str, str]) -> tuple[float, float]:
    argv = [py, "-c", code, *map(str, paths)]
    out = subprocess.run(argv, capture_output=True, text=True, env=env, check=True).stdout
    cpu, wall = out.split()
    return float(cpu) * 1000, float(wall) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=41)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "TRADEWIND_HOME": tmp}
        airflow_path, tradewind_path = Path(tmp, "airflow_dag.py"), Path(tmp, "tradewind_dag.py")
        airflow_path.write_text(AIRFLOW_FILE + BODY)
        tradewind_path.write_text(TRADEWIND_FILE + BODY)
        results: dict[str, list[tuple[float, float]]] = {"airflow": [], "tradewind": [], "compat_only": []}
        for _ in range(args.runs):
            results["airflow"].append(_one(sys.executable, CHILD, [airflow_path], env))
            results["tradewind"].append(_one(sys.executable, CHILD, [tradewind_path], env))
            results["compat_only"].append(_one(sys.executable, COMPAT_ONLY, [airflow_path, tradewind_path], env))
    summary = {
        name: {
            "cpu_ms_median": round(statistics.median(c for c, _ in runs), 2),
            "wall_ms_median": round(statistics.median(w for _, w in runs), 2),
        }
        for name, runs in results.items()
    }
    summary["added_cpu_ms"] = round(summary["airflow"]["cpu_ms_median"] - summary["tradewind"]["cpu_ms_median"], 2)
    summary["added_wall_ms"] = round(summary["airflow"]["wall_ms_median"] - summary["tradewind"]["wall_ms_median"], 2)
    summary["runs"] = args.runs
    print(json.dumps(summary, indent=2))
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    (out / "airflow_import.json").write_text(json.dumps(summary, indent=2) + "\n")


if __name__ == "__main__":
    main()
