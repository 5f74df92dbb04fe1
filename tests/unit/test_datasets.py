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


# --- DatasetAlias in a schedule --------------------------------------------------------------------
def test_alias_schedule_keeps_the_alias_in_the_condition():
    from tradewind.datasets import DatasetAlias, condition_aliases

    alias = DatasetAlias("exports")
    for schedule, condition in [
        ([alias], {"all": [{"alias": ["exports"]}]}),
        (alias, {"alias": ["exports"]}),
        ([alias, Dataset("s3://a")], {"all": [{"alias": ["exports"]}, "s3://a"]}),
        (
            alias & Dataset("s3://a") | Dataset("s3://c"),
            {"any": [{"all": [{"alias": ["exports"]}, "s3://a"]}, "s3://c"]},
        ),
    ]:
        timetable = deserialize_timetable(json.loads(json.dumps(create_timetable(schedule).serialize())))
        assert isinstance(timetable, DatasetTriggeredTimetable)
        assert timetable.condition == condition and condition_aliases(condition) == ["exports"]
        assert timetable.alias_names == ["exports"]
        assert alias.uris == [] and "s3://a" not in condition_uris({"alias": ["s3://a"]})


def test_alias_stands_for_any_dataset_it_resolved_to():
    from tradewind.datasets import DatasetAlias, resolve_condition

    timetable = create_timetable([DatasetAlias("x"), Dataset("s3://a")])
    assert not timetable.is_ready({"s3://a"})  # unresolved: never satisfied
    assert not timetable.is_ready({"s3://a", "s3://r1"}, {"x": []})
    resolved = {"x": ["s3://r1", "s3://r2"]}
    assert timetable.resolved_uris(resolved) == ["s3://a", "s3://r1", "s3://r2"]
    assert timetable.is_ready({"s3://a", "s3://r2"}, resolved)
    assert not timetable.is_ready({"s3://r1", "s3://r2"}, resolved)  # all-of: s3://a is still missing
    assert resolve_condition({"any": [{"alias": ["x"]}, "s3://a"]}, resolved) == {
        "any": [{"any": ["s3://r1", "s3://r2"]}, "s3://a"]
    }
    assert not evaluate_condition({"alias": ["x"]}, {"x": True})  # an unresolved alias is no URI


def test_a_list_schedule_of_aliases_and_other_things_is_refused():
    from tradewind.datasets import DatasetAlias

    with pytest.raises(InvalidScheduleError, match="datasets or dataset aliases"):
        create_timetable([DatasetAlias("x"), 3])
    with pytest.raises(InvalidDatasetError):
        DatasetAlias("  ")


def test_alias_resolution_in_the_store(tradewind_home):
    """An event through an alias links it to the dataset; DAGs on the alias are queued for that dataset."""
    from tradewind import DAG
    from tradewind.datasets import DatasetAlias
    from tradewind.operators.empty import EmptyOperator
    from tradewind.scheduler.datasets import create_dataset_triggered_runs
    from tradewind.serialization import dag_hash, dag_row, serialize_dag
    from tradewind.store import dags, datasets
    from tradewind.store.migrate import migrate

    migrate()
    with DAG("on_alias", schedule=[DatasetAlias("exports")]) as dag:
        EmptyOperator(task_id="t")
    data = serialize_dag(dag)
    dags.sync_dags([(dag_row(dag, data), data, dag_hash(data))], paused_at_creation=False)
    assert datasets.resolve_aliases(["exports"]) == {"exports": []}
    assert create_dataset_triggered_runs(datetime.now(timezone.utc)) == []

    record = datasets.record_events
    record(dag_id="p", run_id="r1", task_id="t", map_index=-1, outlets={"s3://other": None})
    assert datasets.queued_uris_by_dag() == {}  # not (yet) what the alias stands for
    record(
        dag_id="p",
        run_id="r2",
        task_id="t",
        map_index=-1,
        outlets={"s3://b/1": {"n": 1}},
        aliases={"s3://b/1": ["exports"]},
    )
    assert datasets.resolve_aliases(["exports"]) == {"exports": ["s3://b/1"]}
    assert datasets.queued_uris_by_dag() == {"on_alias": {"s3://b/1"}}  # the event that resolved it counts
    [run] = create_dataset_triggered_runs(datetime.now(timezone.utc))
    assert [(e.source_run_id, e.extra) for e in datasets.triggering_events(run.id)["s3://b/1"]] == [("r2", {"n": 1})]
    assert datasets.queued_uris_by_dag() == {}

    # resolved: a plain event of that dataset (no alias) triggers the DAG too, as in Airflow after re-parsing
    record(dag_id="q", run_id="r3", task_id="t", map_index=-1, outlets={"s3://b/1": None})
    assert datasets.queued_uris_by_dag() == {"on_alias": {"s3://b/1"}}
    # re-serializing the DAG keeps what was queued through the alias
    dags.sync_dags([(dag_row(dag, data), data, "changed")], paused_at_creation=False)
    assert datasets.queued_uris_by_dag() == {"on_alias": {"s3://b/1"}}
    # only events emitted through the alias are its events (inlet_events[DatasetAlias(...)])
    assert [e.source_run_id for e in datasets.list_alias_events("exports")] == ["r2"]
    assert datasets.list_alias_events("unknown") == []
    listed = {d.uri: d.consuming_dags for d in datasets.list_datasets()}
    assert listed == {"s3://b/1": ["on_alias"], "s3://other": []}  # consumers through the alias too
    dags.delete_dag("on_alias")
    assert datasets.queued_uris_by_dag() == {}


def test_api_dataset_expression_names_an_alias_as_airflow_does():
    from tradewind.api.serialize import _dataset_expression
    from tradewind.datasets import DatasetAlias

    def expression(schedule):
        return _dataset_expression({"timetable": create_timetable(schedule).serialize()})

    assert expression([DatasetAlias("x")]) == {"all": [{"alias": "x"}]}
    assert expression(DatasetAlias("x") | Dataset("s3://a")) == {"any": [{"alias": "x"}, "s3://a"]}
    assert expression([Dataset("s3://a")]) == {"all": ["s3://a"]}
    assert expression("@daily") is None
