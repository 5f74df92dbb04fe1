"""Airflow 2's public names DAG files import, their Tradewind meaning, and Airflow-only arguments."""

from __future__ import annotations

import importlib
import json
import logging
import textwrap
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import jinja2
import pendulum
import pytest

from tradewind.compat.airflow import install, uninstall
from tradewind.exceptions import ConfigError

UTC = timezone.utc


@pytest.fixture
def compat() -> Iterator[None]:
    uninstall()
    assert install() is True
    yield
    uninstall()


ISSUE_NAMES = [
    ("airflow.operators.latest_only", "LatestOnlyOperator"),
    ("airflow.operators.datetime", "BranchDateTimeOperator"),
    ("airflow.operators.weekday", "BranchDayOfWeekOperator"),
    ("airflow.operators.branch", "BaseBranchOperator"),
    ("airflow.utils.weekday", "WeekDay"),
    ("airflow.sensors.bash", "BashSensor"),
    ("airflow.sensors.weekday", "DayOfWeekSensor"),
    ("airflow.sensors.time_delta", "TimeDeltaSensorAsync"),
    ("airflow.sensors.date_time", "DateTimeSensorAsync"),
    ("airflow.sensors.time_sensor", "TimeSensorAsync"),
    ("airflow.datasets", "DatasetAlias"),
    ("airflow.timetables.datasets", "DatasetOrTimeSchedule"),
    ("airflow.timetables.events", "EventsTimetable"),
    ("airflow.configuration", "conf"),
    ("airflow.plugins_manager", "AirflowPlugin"),
    ("airflow.utils.dates", "days_ago"),
    ("airflow.utils.timezone", "utcnow"),
    ("airflow.utils.trigger_rule", "TriggerRule"),
    ("airflow.utils.edgemodifier", "Label"),
    ("airflow.utils.helpers", "chain"),
    ("airflow.utils.helpers", "cross_downstream"),
    ("airflow.utils.state", "State"),
    ("airflow.utils.state", "TaskInstanceState"),
    ("airflow.utils.state", "DagRunState"),
    ("airflow.models.baseoperator", "BaseOperator"),
    ("airflow.models.baseoperator", "chain"),
    ("airflow.models.baseoperator", "cross_downstream"),
    ("airflow.models.param", "Param"),
    ("airflow.models.dag", "DAG"),
    ("airflow.models.variable", "Variable"),
    ("airflow.models.connection", "Connection"),
    ("airflow.models.xcom_arg", "XComArg"),
    ("airflow.exceptions", "AirflowException"),
    ("airflow.exceptions", "AirflowSkipException"),
    ("airflow.exceptions", "AirflowFailException"),
    ("airflow.exceptions", "AirflowSensorTimeout"),
    ("airflow.exceptions", "TaskDeferred"),
    ("airflow.triggers.base", "BaseTrigger"),
    ("airflow.triggers.base", "TriggerEvent"),
    ("airflow.triggers.temporal", "TimeDeltaTrigger"),
    ("airflow.triggers.temporal", "DateTimeTrigger"),
    ("airflow.triggers.file", "FileTrigger"),
    ("airflow.providers.standard.triggers.temporal", "TimeDeltaTrigger"),
    ("airflow.providers.standard.operators.latest_only", "LatestOnlyOperator"),
    ("airflow.providers.standard.sensors.bash", "BashSensor"),
]


@pytest.mark.parametrize(("module", "name"), ISSUE_NAMES)
def test_the_issues_missing_names_import(compat: None, module: str, name: str) -> None:
    assert getattr(importlib.import_module(module), name) is not None


def test_state_and_helpers(compat: None) -> None:
    from airflow.models.baseoperator import chain
    from airflow.utils.helpers import chain as helpers_chain
    from airflow.utils.state import State, TaskInstanceState

    assert helpers_chain is chain
    assert State.SUCCESS == TaskInstanceState.SUCCESS == "success"
    assert State.NONE is None and None in State.task_states
    assert State.SKIPPED in State.finished and State.RUNNING in State.unfinished
    assert State.FAILED in State.failed_states and State.UPSTREAM_FAILED in State.failed_states


def test_conf_reads_tradewinds_configuration_and_is_read_only(compat: None, tradewind_home: Path) -> None:
    from airflow.configuration import conf

    assert conf.get("core", "dags_folder") == str(tradewind_home / "dags")
    assert conf.getboolean("core", "load_examples") is False
    assert conf.getint("core", "parallelism") == 32
    assert conf.get("core", "load_examples") == "false"  # ini text, as Airflow's
    assert conf.get("core", "no_such_option", fallback="dflt") == "dflt"
    assert conf.has_option("scheduler", "parsing_processes")
    with pytest.raises(ConfigError, match=r"no such config option: \[core\] no_such_option"):
        conf.get("core", "no_such_option")
    with pytest.raises(ConfigError, match="read-only"):
        conf.set("core", "parallelism", "1")


def test_plugin_macros_are_registered_under_the_plugin_name(compat: None) -> None:
    from airflow.plugins_manager import AirflowPlugin

    from tradewind.runtime import macros
    from tradewind.runtime.templating import make_jinja_env, render_value

    def days_to_go(ds: str) -> int:
        return (datetime(2024, 12, 25) - datetime.strptime(ds, "%Y-%m-%d")).days

    class XmasPlugin(AirflowPlugin):
        name = "xmas"
        macros = [days_to_go]

    assert render_value("{{ macros.xmas.days_to_go('2024-12-20') }}", {"macros": macros}, make_jinja_env()) == "5"


def test_utils_timezone_helpers(compat: None) -> None:
    from airflow.utils import timezone

    now = timezone.utcnow()
    assert isinstance(now, pendulum.DateTime) and now.timezone_name == "UTC"
    aware = timezone.make_aware(datetime(2021, 3, 28, 2, 30), "Europe/Amsterdam")  # in the DST gap
    assert aware.isoformat() == "2021-03-28T03:30:00+02:00"  # moved forward, as pendulum does
    assert timezone.make_naive(datetime(2021, 1, 1, 12, tzinfo=UTC), "Asia/Tokyo") == datetime(2021, 1, 1, 21)
    assert timezone.datetime(2021, 1, 1).tzinfo is UTC
    assert timezone.convert_to_utc(datetime(2021, 1, 1)).isoformat() == "2021-01-01T00:00:00+00:00"
    assert timezone.is_naive(datetime(2021, 1, 1)) and timezone.is_localized(now)


# --- timetables and datasets -------------------------------------------------------------------------
def _restriction(earliest: datetime | None = None, latest: datetime | None = None, catchup: bool = True):
    from tradewind.timetables.base import TimeRestriction

    return TimeRestriction(earliest=earliest, latest=latest, catchup=catchup)


def test_events_timetable_runs_at_each_event_and_round_trips() -> None:
    from tradewind.timetables import deserialize_timetable
    from tradewind.timetables.events import EventsTimetable

    events = [datetime(2024, 3, 10, 14, tzinfo=UTC), datetime(2024, 1, 5, tzinfo=UTC), datetime(2024, 2, 1)]
    table = EventsTimetable(events, restrict_to_events=True)
    assert table.summary == "3 events"
    first = table.next_dagrun_info(last_automated_data_interval=None, restriction=_restriction())
    assert first is not None and first.data_interval.start == first.data_interval.end == datetime(
        2024, 1, 5, tzinfo=UTC
    )
    second = table.next_dagrun_info(last_automated_data_interval=first.data_interval, restriction=_restriction())
    assert second is not None and second.logical_date == datetime(2024, 2, 1, tzinfo=UTC)  # naive read as UTC
    no_catchup = _restriction(datetime(2024, 1, 1, tzinfo=UTC), catchup=False)
    upcoming = table.next_dagrun_info(
        last_automated_data_interval=None, restriction=no_catchup, now=datetime(2024, 2, 15, tzinfo=UTC)
    )
    assert upcoming is not None and upcoming.logical_date == datetime(2024, 3, 10, 14, tzinfo=UTC)
    capped = _restriction(latest=datetime(2024, 1, 31, tzinfo=UTC))
    assert table.next_dagrun_info(last_automated_data_interval=second.data_interval, restriction=capped) is None
    manual = table.infer_manual_data_interval(run_after=datetime(2024, 2, 20, tzinfo=UTC))
    assert manual.start == datetime(2024, 2, 1, tzinfo=UTC)  # restricted to events: the latest past one
    assert deserialize_timetable(json.loads(json.dumps(table.serialize()))) == table


def test_dataset_or_time_schedule_runs_on_both(compat: None) -> None:
    from airflow import DAG
    from airflow.datasets import Dataset
    from airflow.timetables.datasets import DatasetOrTimeSchedule
    from airflow.timetables.trigger import CronTriggerTimetable

    from tradewind.serialization import serialize_dag
    from tradewind.structure import DagStructure
    from tradewind.timetables.simple import DatasetTriggeredTimetable

    schedule = DatasetOrTimeSchedule(
        timetable=CronTriggerTimetable("0 1 * * 3", timezone="UTC"),
        datasets=(Dataset("s3://a") | Dataset("s3://b")),
    )
    dag = DAG("both", schedule=schedule, start_date=datetime(2024, 1, 1, tzinfo=UTC))
    structure = DagStructure.from_serialized(json.loads(json.dumps(serialize_dag(dag))))
    assert structure.schedule_uris == ["s3://a", "s3://b"]
    timetable = structure.timetable()
    assert isinstance(timetable, DatasetTriggeredTimetable)  # the scheduler's dataset path takes it
    assert timetable.is_ready({"s3://b"}) and not timetable.is_ready(set())
    info = timetable.next_dagrun_info(last_automated_data_interval=None, restriction=_restriction(dag.start_date))
    assert info is not None and info.logical_date == datetime(2024, 1, 3, 1, tzinfo=UTC)  # the first Wednesday


def test_dataset_alias_outlet_emits_events_for_the_datasets_added(tradewind_home: Path) -> None:
    from tradewind.datasets import Dataset, DatasetAlias, OutletEventAccessors
    from tradewind.scheduler.datasets import emit_outlet_events
    from tradewind.store import datasets as store_datasets
    from tradewind.store.migrate import migrate

    migrate()
    alias = DatasetAlias("daily-export")
    events = OutletEventAccessors()
    events[alias].add(Dataset("s3://bucket/2024-03-05.csv"), extra={"rows": 3})
    events["daily-export"].add("s3://bucket/2024-03-06.csv")  # Airflow 2.10 keys an alias by its name too
    events["not-an-outlet"].add(Dataset("s3://bucket/ignored.csv"))
    task = type("Task", (), {"task_id": "export", "outlets": [alias]})()
    run = type("Run", (), {"dag_id": "producer", "run_id": "r1"})()
    emit_outlet_events(task, run, -1, {"outlet_events": events})
    uris = ["s3://bucket/2024-03-05.csv", "s3://bucket/2024-03-06.csv", "s3://bucket/ignored.csv"]
    found = store_datasets.events_between(uris, since=None, until=datetime.now(UTC))
    assert sorted((e.uri, e.extra) for e, _, _ in found) == [
        ("s3://bucket/2024-03-05.csv", {"rows": 3}),
        ("s3://bucket/2024-03-06.csv", {}),
    ]


def test_scheduling_on_a_dataset_alias_gives_a_dataset_timetable() -> None:
    from tradewind.datasets import Dataset, DatasetAlias
    from tradewind.sdk.dag import DAG
    from tradewind.timetables.simple import DatasetTriggeredTimetable

    dag = DAG("on_alias", schedule=[DatasetAlias("x")], start_date=datetime(2024, 1, 1, tzinfo=UTC))
    assert isinstance(dag.timetable, DatasetTriggeredTimetable) and dag.timetable.alias_names == ["x"]
    mixed = DAG("mixed", schedule=DatasetAlias("x") | Dataset("s3://a"), start_date=datetime(2024, 1, 1, tzinfo=UTC))
    assert mixed.timetable.serialize()["condition"] == {"any": [{"alias": ["x"]}, "s3://a"]}


# --- DAG and BaseOperator arguments of Airflow 2.11 ------------------------------------------------------
AIRFLOW_DAG_ARGS = [
    "dag_id",
    "description",
    "schedule",
    "schedule_interval",
    "timetable",
    "start_date",
    "end_date",
    "full_filepath",
    "template_searchpath",
    "template_undefined",
    "user_defined_macros",
    "user_defined_filters",
    "default_args",
    "concurrency",
    "max_active_tasks",
    "max_active_runs",
    "max_consecutive_failed_dag_runs",
    "dagrun_timeout",
    "sla_miss_callback",
    "default_view",
    "orientation",
    "catchup",
    "on_success_callback",
    "on_failure_callback",
    "doc_md",
    "params",
    "access_control",
    "is_paused_upon_creation",
    "jinja_environment_kwargs",
    "render_template_as_native_obj",
    "tags",
    "owner_links",
    "auto_register",
    "fail_stop",
    "dag_display_name",
]
AIRFLOW_OPERATOR_ARGS = [
    "task_id",
    "owner",
    "email",
    "email_on_retry",
    "email_on_failure",
    "retries",
    "retry_delay",
    "retry_exponential_backoff",
    "max_retry_delay",
    "start_date",
    "end_date",
    "depends_on_past",
    "ignore_first_depends_on_past",
    "wait_for_past_depends_before_skipping",
    "wait_for_downstream",
    "dag",
    "params",
    "default_args",
    "priority_weight",
    "weight_rule",
    "queue",
    "pool",
    "pool_slots",
    "sla",
    "execution_timeout",
    "on_execute_callback",
    "on_failure_callback",
    "on_success_callback",
    "on_retry_callback",
    "on_skipped_callback",
    "pre_execute",
    "post_execute",
    "trigger_rule",
    "resources",
    "run_as_user",
    "task_concurrency",
    "max_active_tis_per_dag",
    "max_active_tis_per_dagrun",
    "executor",
    "executor_config",
    "do_xcom_push",
    "multiple_outputs",
    "inlets",
    "outlets",
    "task_group",
    "doc",
    "doc_md",
    "doc_json",
    "doc_yaml",
    "doc_rst",
    "task_display_name",
    "logger_name",
    "allow_nested_operators",
]


def test_every_airflow_dag_argument_is_accepted() -> None:
    import inspect

    from tradewind.sdk.dag import DAG

    accepted = set(inspect.signature(DAG.__init__).parameters)
    assert set(AIRFLOW_DAG_ARGS) - accepted == set()


def test_every_airflow_operator_argument_is_accepted() -> None:
    from tradewind.sdk.airflow_args import TASK_NAMES
    from tradewind.sdk.baseoperator import BaseOperator

    taken_by_the_metaclass = {"default_args"}
    assert set(AIRFLOW_OPERATOR_ARGS) - (BaseOperator._accepted_kwargs() | TASK_NAMES | taken_by_the_metaclass) == set()


def test_meaningless_arguments_warn_once_with_file_and_line(caplog: pytest.LogCaptureFixture) -> None:
    from tradewind.operators.empty import EmptyOperator
    from tradewind.sdk import airflow_args
    from tradewind.sdk.dag import DAG

    airflow_args._warned.clear()  # once per (file, argument) and process: start afresh
    caplog.set_level(logging.WARNING, logger="tradewind.parsing")
    with DAG(
        "warned",
        start_date=datetime(2024, 1, 1, tzinfo=UTC),
        sla_miss_callback=print,
        access_control={"Viewer": {"can_read"}},
        orientation="LR",  # Airflow's default: nothing to warn about
        default_args={"sla": timedelta(hours=1), "ignore_first_depends_on_past": True},
    ):
        EmptyOperator(task_id="a")
        EmptyOperator(task_id="b", run_as_user="etl")
    lines = [r.getMessage() for r in caplog.records]
    assert any(line.endswith("DAG argument 'sla_miss_callback' has no effect in Tradewind (no SLAs)") for line in lines)
    assert any("DAG argument 'access_control'" in line for line in lines)
    assert sum("task argument 'sla'" in line for line in lines) == 1  # once per file, not per task
    assert any("task argument 'run_as_user'" in line for line in lines)
    assert not any("orientation" in line or "ignore_first_depends_on_past" in line for line in lines)
    assert all(line.startswith(f"{__file__}:") for line in lines)


def test_arguments_with_a_tradewind_meaning_are_honoured() -> None:
    from tradewind.operators.bash import BashOperator
    from tradewind.sdk.dag import DAG

    calls: list[str] = []
    with DAG(
        "honoured",
        start_date=datetime(2024, 1, 1, tzinfo=UTC),
        concurrency=3,
        dag_display_name="Honoured DAG",
        template_undefined=jinja2.Undefined,
    ) as dag:
        op = BashOperator(
            task_id="b",
            bash_command="true",
            task_concurrency=2,
            task_display_name="Bee",
            doc_json='{"a": 1}',
            pre_execute=lambda context: calls.append("pre"),
            post_execute=lambda context, result: calls.append(f"post:{result}"),
        )
    assert dag.max_active_tasks == 3 and dag.dag_display_name == "Honoured DAG"
    assert op.max_active_tis_per_dag == 2 and op.task_display_name == "Bee" and op.doc_json == '{"a": 1}'
    op.pre_execute({})
    op.post_execute({}, "out")
    assert calls == ["pre", "post:out"]
    assert dag.get_template_env().undefined is jinja2.Undefined
    assert DAG("plain", start_date=datetime(2024, 1, 1, tzinfo=UTC)).dag_display_name == "plain"


def test_an_unsupported_name_is_a_one_line_import_error_with_file_and_line(tmp_path: Path) -> None:
    from tradewind.parsing.dagbag import DagBag

    uninstall()
    (tmp_path / "uses_subdag.py").write_text(
        textwrap.dedent("""\
        import pendulum
        from airflow import DAG
        from airflow.operators.subdag import SubDagOperator
        """)
    )
    bag = DagBag(tmp_path, include_examples=False)
    error = bag.import_errors[str(tmp_path / "uses_subdag.py")]
    uninstall()
    assert error.lineno == 3
    assert "airflow.operators.subdag' is not supported by Tradewind" in error.message
    assert "\n" not in error.message


def test_chain_linear_and_parsing_context(compat: None) -> None:
    from airflow.models.baseoperator import chain_linear
    from airflow.operators.empty import EmptyOperator
    from airflow.utils.dag_parsing_context import get_parsing_context

    from tradewind.exceptions import DagDefinitionError
    from tradewind.sdk.dag import DAG

    with DAG("linear", start_date=datetime(2024, 1, 1, tzinfo=UTC)) as dag:
        a, b, c, d, e = (EmptyOperator(task_id=t) for t in "abcde")
        chain_linear(a, [b, c], [d, e])
    assert dag.task_dict["a"].downstream_task_ids == {"b", "c"}
    assert dag.task_dict["b"].downstream_task_ids == dag.task_dict["c"].downstream_task_ids == {"d", "e"}
    with pytest.raises(DagDefinitionError, match="at least two"):
        chain_linear(a)
    assert get_parsing_context() == (None, None)
