"""Airflow 3 DAG files run unchanged: `airflow.sdk` with Asset, Metadata and @asset; listeners; notifiers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scheduler_process import finished, parsed, wait_for

pytestmark = pytest.mark.timeout(120)

ORDERS = """
    import pendulum
    from airflow.sdk import Asset, Metadata, dag, task

    ORDERS = Asset(uri="s3://shop/orders.parquet", name="orders")

    @dag(schedule="@daily", start_date=pendulum.datetime(2024, 1, 1, tz="UTC"), tags=["airflow3"])
    def orders_etl():
        @task
        def extract() -> list[int]:
            return [3, 4, 5]

        @task(outlets=[ORDERS])
        def load(rows: list[int]):
            yield Metadata(ORDERS, {"rows": len(rows), "total": sum(rows)})
            return len(rows)

        load(extract())

    orders_etl()
"""

ASSETS = """
    from airflow.sdk import Metadata, ObjectStoragePath, asset

    @asset(schedule=None, uri="file://{out}/raw.txt")
    def raw_quotes(self, context):
        path = ObjectStoragePath(self.uri)
        path.write_text("AAPL 1\\nMSFT 2\\n")
        yield Metadata(self, {{"lines": 2, "run": context["run_id"]}})

    @asset(schedule=raw_quotes, uri="file://{out}/clean.txt")
    def clean_quotes(self, raw_quotes):
        raw = ObjectStoragePath(raw_quotes.uri)
        raw.copy(ObjectStoragePath(self.uri))
        return raw.read_text().count("\\n")
"""


def _events(uri: str) -> list:
    from tradewind.store import datasets

    return datasets.list_events(uri)


def test_airflow3_files_run_under_dags_test_with_metadata_on_the_events(
    cli, cli_process, write_dag, tmp_path: Path
) -> None:
    write_dag("orders.py", ORDERS)
    write_dag("assets.py", ASSETS.format(out=tmp_path))
    assert cli("dags", "list-import-errors").out.strip() == "No import errors."

    result = cli("dags", "test", "orders_etl", "2024-03-05")
    assert result.code == 0, result.err
    (event,) = _events("s3://shop/orders.parquet")
    assert event.extra == {"rows": 3, "total": 12} and event.source_task_id == "load"

    result = cli_process("dags", "test", "raw_quotes")  # as a user runs it: a fresh process, the import hook
    assert result.code == 0, result.err
    (event,) = _events(f"file://{tmp_path}/raw.txt")
    assert event.extra["lines"] == 2 and event.extra["run"].startswith("manual__")
    assert (tmp_path / "raw.txt").read_text() == "AAPL 1\nMSFT 2\n"

    result = cli("dags", "test", "clean_quotes")
    assert result.code == 0, result.err
    assert (tmp_path / "clean.txt").read_text() == "AAPL 1\nMSFT 2\n"
    from tradewind.store import runs, xcom

    (run,) = runs.list_dag_runs("clean_quotes")
    assert xcom.pull("clean_quotes", run.run_id, ["clean_quotes"])[("clean_quotes", -1)] == 2


LISTENER = """
    import json
    from airflow.listeners import hookimpl
    from airflow.plugins_manager import AirflowPlugin

    OUT = {out!r}

    def _write(*fields):
        with open(OUT, "a") as f:
            f.write(json.dumps(fields) + "\\n")

    class Recorder:
        @hookimpl
        def on_task_instance_running(self, previous_state, task_instance):
            _write("ti_running", task_instance.task_id, str(previous_state.value))

        @hookimpl
        def on_task_instance_success(self, previous_state, task_instance):
            _write("ti_success", task_instance.task_id)

        @hookimpl
        def on_task_instance_failed(self, previous_state, task_instance, error):
            _write("ti_failed", task_instance.task_id, str(error))

        @hookimpl
        def on_dag_run_running(self, dag_run, msg):
            _write("run_running", dag_run.dag_id)

        @hookimpl
        def on_dag_run_success(self, dag_run, msg):
            _write("run_success", dag_run.dag_id, msg)

        @hookimpl
        def on_dag_run_failed(self, dag_run, msg):
            _write("run_failed", dag_run.dag_id, msg)

        def on_starting(self, component):
            raise AssertionError("not called: Tradewind has no on_starting event")

    class RecorderPlugin(AirflowPlugin):
        name = "recorder"
        listeners = [Recorder()]
"""

NOTIFIED_DAG = """
    from datetime import datetime
    from airflow import DAG
    from airflow.notifications.basenotifier import BaseNotifier
    from airflow.operators.bash import BashOperator
    {listener_import}

    class FileNotifier(BaseNotifier):
        template_fields = ("message",)

        def __init__(self, message):
            super().__init__()
            self.message = message

        def notify(self, context):
            with open({notified!r}, "a") as f:
                f.write(self.message + "\\n")

    with DAG("notified", schedule=None, start_date=datetime(2024, 1, 1)):
        ok = BashOperator(task_id="ok", bash_command="true")
        ok >> BashOperator(
            task_id="boom",
            bash_command="exit 3",
            on_failure_callback=FileNotifier("{{{{ ti.task_id }}}} of {{{{ dag.dag_id }}}} failed on {{{{ ds }}}}"),
        )
"""


@pytest.fixture
def fresh_listeners(monkeypatch: pytest.MonkeyPatch) -> None:
    from tradewind import listeners

    monkeypatch.setattr(listeners, "_listeners", [])
    monkeypatch.setattr(listeners, "_plugins", set())
    monkeypatch.setattr(listeners, "_plugins_loaded", False)


def _lines(path: Path) -> list[list[str]]:
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def test_listener_and_notifier_under_dags_test(cli, write_dag, tmp_path: Path, fresh_listeners: None) -> None:
    events, notified = tmp_path / "events.jsonl", tmp_path / "notified.txt"
    write_dag("recorder.py", LISTENER.format(out=str(events)))
    write_dag(
        "notified.py", NOTIFIED_DAG.format(notified=str(notified), listener_import="import recorder  # noqa: F401")
    )
    result = cli("dags", "test", "notified", "2024-03-05")
    assert result.code == 1
    assert notified.read_text() == "boom of notified failed on 2024-03-05\n"
    assert _lines(events) == [
        ["run_running", "notified"],
        ["ti_running", "ok", "queued"],
        ["ti_success", "ok"],
        ["ti_running", "boom", "queued"],
        ["ti_failed", "boom", "BashCommandFailed: bash command failed: exit code 3"],
        ["run_failed", "notified", "task_failure"],
    ]


def test_listener_in_the_plugins_folder_under_the_real_scheduler(
    scheduler, write_dag, tradewind_home: Path, tmp_path: Path
) -> None:
    events, notified = tmp_path / "events.jsonl", tmp_path / "notified.txt"
    plugins = tradewind_home / "plugins"
    plugins.mkdir()
    (plugins / "recorder.py").write_text(
        "\n".join(line[4:] for line in LISTENER.format(out=str(events)).splitlines()), encoding="utf-8"
    )
    write_dag("notified.py", NOTIFIED_DAG.format(notified=str(notified), listener_import=""))
    scheduler.start()
    wait_for(parsed("notified"), what="the DAG parsed")
    from tradewind.scheduler.trigger import trigger_dag

    trigger_dag("notified")
    wait_for(finished("notified"), what="the run")
    wait_for(lambda: ["run_failed", "notified", "task_failure"] in _lines(events), what="the run's end event")
    got = _lines(events)
    assert got[0] == ["run_running", "notified"]
    assert ["ti_running", "ok", "queued"] in got and ["ti_success", "ok"] in got
    assert [e[:2] for e in got if e[0] == "ti_failed"] == [["ti_failed", "boom"]]
    # the failure callback runs in the task's process once its result is stored, so it may end after the run does
    wait_for(notified.exists, what="the failure callback")
    assert notified.read_text().startswith("boom of notified failed on ")
