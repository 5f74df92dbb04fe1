"""A custom Airflow `Timetable` listed by a plugin of `[core] plugins_folder`, used as `schedule=`.

`tests/data/airflow_plugins/workday.py` is the AfterWorkdayTimetable of Airflow's "Customizing DAG
Scheduling with Timetables" how-to, unchanged. The DAG runs under `dags test`; a second process
that imports no DAG file (as the scheduler) rebuilds the timetable from the stored DAG through the
plugin and asks it for the next runs.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

PLUGIN = Path(__file__).resolve().parent.parent / "data" / "airflow_plugins" / "workday.py"
DAG_FILE = """
    import pendulum
    from workday import AfterWorkdayTimetable

    from airflow import DAG
    from airflow.operators.empty import EmptyOperator

    with DAG(
        dag_id="example_workday_timetable",
        start_date=pendulum.datetime(2024, 3, 1, tz="UTC"),
        schedule=AfterWorkdayTimetable(),
        tags=["example", "timetable"],
    ):
        EmptyOperator(task_id="run_this")
"""
SCHEDULER_SIDE = """
import json
from tradewind.store import dags
from tradewind.timetables.base import TimeRestriction
from datetime import datetime, timezone

structure = dags.get_structure("example_workday_timetable")
timetable = structure.timetable()
start = datetime(2024, 3, 1, tzinfo=timezone.utc)
restriction = TimeRestriction(start, None, True)
out, last = [], None
for _ in range(3):
    info = timetable.next_dagrun_info(last_automated_data_interval=last, restriction=restriction, now=start)
    out.append(info.logical_date.isoformat())
    last = info.data_interval
print(json.dumps({"summary": timetable.summary, "runs": out}))
"""


@pytest.fixture
def plugins(tradewind_home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tradewind_home / "plugins"
    folder.mkdir()
    shutil.copy(PLUGIN, folder / "workday.py")
    monkeypatch.setenv("TRADEWIND__CORE__PLUGINS_FOLDER", str(folder))
    return folder


def _python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=dict(os.environ)
    )


def test_plugin_timetable_runs_and_is_found_again_by_the_scheduler(plugins: Path, write_dag, cli_process) -> None:
    path = write_dag("workday_dag.py", DAG_FILE)
    r = cli_process("dags", "test", "example_workday_timetable", "2024-03-04", "-S", str(path), "-o", "json")
    assert r.code == 0, r.err
    report = json.loads(r.out)
    assert report["state"] == "success"
    # Monday's manual run covers the last workday before it: Friday
    assert (report["data_interval_start"], report["data_interval_end"]) == (
        "2024-03-01T00:00:00+00:00",
        "2024-03-02T00:00:00+00:00",
    )
    scheduled = _python(SCHEDULER_SIDE)
    assert scheduled.returncode == 0, scheduled.stderr
    assert json.loads(scheduled.stdout) == {
        "summary": "AfterWorkdayTimetable",
        "runs": ["2024-03-01T00:00:00+00:00", "2024-03-04T00:00:00+00:00", "2024-03-05T00:00:00+00:00"],
    }
    (plugins / "workday.py").rename(plugins / "workday.py.off")  # the plugin is gone: one clear error
    gone = _python(SCHEDULER_SIDE)
    assert gone.returncode != 0
    assert "timetable class 'workday.AfterWorkdayTimetable' is not registered" in gone.stderr


def test_timetable_class_defined_in_the_dag_file_is_an_import_error(tradewind_home: Path, write_dag, cli) -> None:
    path = write_dag(
        "own_timetable.py",
        textwrap.dedent(
            """
            from airflow import DAG
            from airflow.plugins_manager import AirflowPlugin
            from airflow.timetables.base import DagRunInfo, DataInterval, Timetable


            class Daily(Timetable):
                def infer_manual_data_interval(self, *, run_after):
                    return DataInterval.exact(run_after)

                def next_dagrun_info(self, *, last_automated_data_interval, restriction):
                    return None


            class OwnPlugin(AirflowPlugin):
                name = "own"
                timetables = [Daily]


            with DAG("own_timetable", schedule=Daily()):
                pass
            """
        ),
    )
    r = cli("dags", "list-import-errors", "-S", str(path), "-o", "json")
    errors = json.loads(r.out)
    assert len(errors) == 1
    assert "timetable class" in errors[0]["error"] and "is not registered" in errors[0]["error"]
    assert "plugins_folder" in errors[0]["error"]
