"""Airflow 3's `airflow.sdk` for DAG authors: its public names, @asset, Metadata, notifiers, listeners."""

from __future__ import annotations

import importlib
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tradewind import listeners
from tradewind.compat.airflow import install, uninstall

# `airflow.sdk.__all__` of Airflow 3.1 that a DAG file uses (AssetWatcher, WeightRule, BaseXCom… are not provided)
SDK_NAMES = [
    "Asset",
    "AssetAlias",
    "AssetAll",
    "AssetAny",
    "BaseHook",
    "BaseNotifier",
    "BaseOperator",
    "BaseOperatorLink",
    "BaseSensorOperator",
    "Connection",
    "Context",
    "DAG",
    "DagRunState",
    "EdgeModifier",
    "Label",
    "Metadata",
    "ObjectStoragePath",
    "Param",
    "ParamsDict",
    "PokeReturnValue",
    "TaskGroup",
    "TaskInstanceState",
    "TriggerRule",
    "Variable",
    "XComArg",
    "asset",
    "chain",
    "chain_linear",
    "cross_downstream",
    "dag",
    "get_current_context",
    "get_parsing_context",
    "literal",
    "setup",
    "task",
    "task_group",
    "teardown",
]

SDK_PATHS = {
    "airflow.sdk.definitions.asset": ["Asset", "AssetAlias", "AssetAll", "AssetAny"],
    "airflow.sdk.definitions.asset.decorators": ["asset"],
    "airflow.sdk.definitions.asset.metadata": ["Metadata"],
    "airflow.sdk.definitions.dag": ["DAG", "dag"],
    "airflow.sdk.definitions.taskgroup": ["TaskGroup"],
    "airflow.sdk.definitions.param": ["Param", "ParamsDict"],
    "airflow.sdk.definitions.edges": ["EdgeModifier", "Label"],
    "airflow.sdk.definitions.context": ["Context", "get_current_context"],
    "airflow.sdk.definitions.template": ["literal"],
    "airflow.sdk.bases.operator": ["BaseOperator", "chain", "chain_linear", "cross_downstream"],
    "airflow.sdk.bases.sensor": ["BaseSensorOperator", "PokeReturnValue"],
    "airflow.sdk.bases.notifier": ["BaseNotifier"],
    "airflow.sdk.bases.operatorlink": ["BaseOperatorLink"],
    "airflow.sdk.io.path": ["ObjectStoragePath"],
    "airflow.io.path": ["ObjectStoragePath"],
    "airflow.notifications.basenotifier": ["BaseNotifier"],
    "airflow.listeners": ["hookimpl"],
    "airflow.datasets.metadata": ["Metadata"],
    "airflow.providers.standard.decorators.python": ["python_task"],
    "airflow.providers.standard.decorators.bash": ["bash_task"],
}


@pytest.fixture
def compat() -> Iterator[None]:
    uninstall()
    assert install() is True
    yield
    uninstall()


@pytest.fixture
def no_listeners(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(listeners, "_listeners", [])
    monkeypatch.setattr(listeners, "_plugins", set())
    monkeypatch.setattr(listeners, "_plugins_loaded", True)


def test_the_sdk_names_and_their_airflow3_paths_resolve(compat: None) -> None:
    sdk = importlib.import_module("airflow.sdk")
    missing = [name for name in SDK_NAMES if not hasattr(sdk, name)]
    assert not missing
    for path, names in SDK_PATHS.items():
        module = importlib.import_module(path)
        for name in names:
            assert getattr(module, name) is not None, f"{path}.{name}"
    assert sdk.AssetAlias is importlib.import_module("airflow.datasets").DatasetAlias
    assert sdk.Label("x").label == "x"


def test_asset_takes_a_name_or_a_uri() -> None:
    from tradewind.datasets import Asset

    by_name, by_uri = Asset("orders"), Asset(uri="s3://b/o.csv", name="bucket-1")
    assert (by_name.name, by_name.uri) == ("orders", "orders")
    assert (by_uri.name, by_uri.uri) == ("bucket-1", "s3://b/o.csv")
    assert Asset(uri="s3://b/o.csv") == by_uri and Asset(uri="s3://b/o.csv").name == "s3://b/o.csv"
    with pytest.raises(ValueError, match="name or a uri"):
        Asset()


def _parse(folder: Path, source: str) -> Any:
    from tradewind.parsing.dagbag import DagBag

    (folder / "assets.py").write_text(textwrap.dedent(source), encoding="utf-8")
    bag = DagBag(folder, include_examples=False)
    assert not bag.import_errors, bag.import_errors
    return bag


def test_asset_decorator_builds_a_dag_with_one_producing_task(compat: None, tmp_path: Path) -> None:
    bag = _parse(
        tmp_path,
        """
        from airflow.sdk import Asset, asset

        @asset(uri="s3://bucket/raw", schedule="@daily", tags=["raw"])
        def raw_quotes():
            return 1

        @asset(schedule=raw_quotes)
        def cleaned(self, context, raw_quotes):
            return [self.name, raw_quotes.uri, context["ti"].task_id]
        """,
    )
    raw, cleaned = bag.dags["raw_quotes"], bag.dags["cleaned"]
    assert list(raw.task_dict) == ["raw_quotes"] and raw.tags == ["raw"]
    (task,) = raw.tasks
    assert [(o.name, o.uri) for o in task.outlets] == [("raw_quotes", "s3://bucket/raw")]
    assert raw.catchup is False  # Airflow 3's defaults, as airflow.sdk's DAG
    assert cleaned.tasks[0].inlets == [task.outlets[0]] and cleaned.tasks[0].outlets[0].uri == "cleaned"
    assert cleaned.schedule == task.outlets[0]


def test_yielded_metadata_sets_the_extra_of_outlet_events() -> None:
    from tradewind.datasets import Asset, DatasetAlias, Metadata, OutletEventAccessors
    from tradewind.operators.python import PythonOperator

    def produce():
        yield Metadata(Asset("s3://b/x"), {"rows": 3})
        yield Metadata("s3://b/y", {"rows": 4}, alias=DatasetAlias("out"))
        yield "ignored"
        return "done"

    events = OutletEventAccessors()
    op = PythonOperator(task_id="p", python_callable=produce)
    assert op.execute({"outlet_events": events}) == "done"
    assert events.extra_for("s3://b/x") == {"rows": 3}
    assert events.added_through([DatasetAlias("out")]) == {"s3://b/y": ({"rows": 4}, ["out"])}


class _Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []

    @listeners.hookimpl
    def on_task_instance_running(self, previous_state: Any, task_instance: Any) -> None:
        self.calls.append(("running", {"previous_state": previous_state}))

    def on_dag_run_failed(self, dag_run: Any, msg: str) -> None:
        raise RuntimeError("a listener's bug")


def test_listeners_get_only_the_arguments_they_name_and_never_raise(no_listeners: None) -> None:
    recorder = _Recorder()
    listeners.register(recorder)
    listeners.register(recorder)
    listeners.notify("on_task_instance_running", previous_state="queued", task_instance=object(), session=None)
    listeners.notify("on_dag_run_failed", dag_run=object(), msg="task_failure")  # logged, not raised
    listeners.notify("on_task_instance_success", previous_state="running", task_instance=object())
    assert recorder.calls == [("running", {"previous_state": "queued"})]


def test_a_plugin_class_registers_its_listeners(compat: None, no_listeners: None) -> None:
    from airflow.plugins_manager import AirflowPlugin

    recorder = _Recorder()

    class ListenerPlugin(AirflowPlugin):
        name = "listener_plugin"
        listeners = [recorder]

    assert listeners._listeners == [recorder]


def test_a_notifier_renders_its_template_fields_per_call() -> None:
    from tradewind.notify.notifier import BaseNotifier

    sent: list[str] = []

    class Notify(BaseNotifier):
        template_fields = ("text",)

        def __init__(self, text: str) -> None:
            self.text = text

        def notify(self, context: dict[str, Any]) -> None:
            sent.append(self.text)

    notifier = Notify("{{ ti }} failed on {{ ds }}")
    notifier({"ti": "t1", "ds": "2024-01-01"})
    notifier({"ti": "t2", "ds": "2024-01-02"})
    assert sent == ["t1 failed on 2024-01-01", "t2 failed on 2024-01-02"]
    assert notifier.text == "{{ ti }} failed on {{ ds }}"
    Notify("{{ missing }}")({})  # a render error is logged, not raised
    assert len(sent) == 2
