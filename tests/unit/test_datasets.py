"""Datasets as DAG files use them: URI validation, conditions, the dataset timetable, serialization."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from tradewind.datasets import (
    Asset,
    Dataset,
    DatasetAll,
    DatasetAny,
    OutletEventAccessors,
    condition_uris,
    evaluate_condition,
)
from tradewind.exceptions import DagDefinitionError, InvalidDatasetError, InvalidScheduleError
from tradewind.timetables import create_timetable, deserialize_timetable
from tradewind.timetables.base import TimeRestriction
from tradewind.timetables.simple import DatasetTriggeredTimetable


def test_public_names():
    import tradewind

    assert tradewind.Dataset is Dataset and tradewind.Asset is Asset
    assert issubclass(Asset, Dataset)


@pytest.mark.parametrize(
    "uri",
    ["", "   ", "s3://bucket/my file", "file:///tmp/x\n", "s3://bücket/x", "airflow://dag/x", "x" * 3001, None, 42],
)
def test_invalid_uris_are_refused(uri):
    with pytest.raises(InvalidDatasetError):
        Dataset(uri)


def test_invalid_dataset_is_a_value_error_and_a_dag_error():
    with pytest.raises(ValueError, match="empty"):
        Dataset("")
    with pytest.raises(DagDefinitionError, match="whitespace"):
        Dataset("a b")
    with pytest.raises(InvalidDatasetError, match="extra must be a dict"):
        Dataset("s3://a", extra=["no"])


@pytest.mark.parametrize("uri", ["s3://bucket/key", "file:///tmp/x", "postgres://db/schema/table", "plain-name"])
def test_valid_uris(uri):
    ds = Dataset(uri, extra={"owner": "ml"})
    assert ds.uri == uri and ds.extra == {"owner": "ml"}


def test_equality_and_hash_by_uri():
    assert Dataset("s3://a") == Dataset("s3://a", extra={"x": 1}) == Asset("s3://a")
    assert len({Dataset("s3://a"), Dataset("s3://a"), Dataset("s3://b")}) == 2
    assert Dataset("s3://a") != Dataset("s3://b")
    assert repr(Dataset("s3://a")) == "Dataset(uri='s3://a')"


def test_conditions():
    a, b, c = Dataset("s3://a"), Dataset("s3://b"), Dataset("s3://c")
    both = a & b
    assert isinstance(both, DatasetAll) and both.condition_json() == {"all": ["s3://a", "s3://b"]}
    assert (a & b & c).condition_json() == {"all": ["s3://a", "s3://b", "s3://c"]}  # flattened
    either = (a | b) & c
    assert isinstance(either, DatasetAll)
    assert either.condition_json() == {"all": [{"any": ["s3://a", "s3://b"]}, "s3://c"]}
    assert either.uris == ["s3://a", "s3://b", "s3://c"]
    assert either.evaluate({"s3://b": True, "s3://c": True})
    assert not either.evaluate({"s3://a": True, "s3://b": True})
    assert condition_uris(either.condition_json()) == ["s3://a", "s3://b", "s3://c"]
    assert isinstance(a | b | c, DatasetAny) and len((a | b | c).objects) == 3
    with pytest.raises(InvalidDatasetError):
        DatasetAll()
    with pytest.raises(InvalidDatasetError):
        evaluate_condition({"xor": ["s3://a"]}, {})


def test_list_schedule_gives_a_dataset_timetable():
    from tradewind import DAG

    dag = DAG("consumer", schedule=[Dataset("s3://a"), Dataset("s3://b")])
    tt = dag.timetable
    assert isinstance(tt, DatasetTriggeredTimetable)
    assert tt.dataset_uris == ("s3://a", "s3://b") and dag.schedule_summary == "Dataset"
    assert tt.summary == "Dataset" and not tt.can_be_scheduled and not tt.periodic
    assert tt.serialize() == {"type": "dataset", "datasets": ["s3://a", "s3://b"]}
    restriction = TimeRestriction(datetime(2024, 1, 1, tzinfo=timezone.utc), None, True)
    assert tt.next_dagrun_info(last_automated_data_interval=None, restriction=restriction) is None
    assert not tt.is_ready({"s3://a"}) and tt.is_ready({"s3://a", "s3://b"})
    single = create_timetable(Dataset("s3://only"))
    assert isinstance(single, DatasetTriggeredTimetable) and single.dataset_uris == ("s3://only",)


def test_condition_schedule_round_trips_through_json():
    a, b = Dataset("s3://a"), Dataset("s3://b")
    tt = create_timetable(a | b)
    data = json.loads(json.dumps(tt.serialize()))
    assert data == {"type": "dataset", "datasets": ["s3://a", "s3://b"], "condition": {"any": ["s3://a", "s3://b"]}}
    back = deserialize_timetable(data)
    assert back == tt and back.is_ready({"s3://b"}) and not back.is_ready(set())


def test_list_schedule_of_something_else_is_refused():
    with pytest.raises(InvalidScheduleError, match="datasets"):
        create_timetable([Dataset("s3://a"), 42])


def test_serialized_dag_carries_schedule_and_outlet_uris():
    from tradewind import DAG
    from tradewind.operators.bash import BashOperator
    from tradewind.operators.empty import EmptyOperator
    from tradewind.serialization import serialize_dag
    from tradewind.structure import DagStructure

    with DAG("both_ends", schedule=[Dataset("s3://in")]) as dag:
        BashOperator(task_id="make", bash_command="true", outlets=[Dataset("s3://out"), "not-a-dataset"])
        EmptyOperator(task_id="other")
    data = json.loads(json.dumps(serialize_dag(dag)))
    tasks = {t["task_id"]: t for t in data["tasks"]}
    assert tasks["make"]["outlets"] == ["s3://out"] and tasks["other"]["outlets"] == []
    assert DagStructure.from_serialized(data).schedule_uris == ["s3://in"]
    assert DagStructure.from_serialized(data).nodes["make"].outlets == ("s3://out",)
    assert data["timetable_summary"] == "Dataset"
    assert deserialize_timetable(data["timetable"]) == dag.timetable


def test_outlet_event_accessors():
    events = OutletEventAccessors()
    events[Dataset("s3://a")].extra["rows"] = 10
    events["s3://a"].extra["ok"] = True
    assert events.extra_for("s3://a") == {"rows": 10, "ok": True}
    assert events.extra_for("s3://b") == {}
    with pytest.raises(InvalidDatasetError):
        events[""]
