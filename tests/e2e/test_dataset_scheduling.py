"""End to end: data-aware scheduling with a real scheduler process and real DAG files."""

from __future__ import annotations

import json
import time

import pytest

from scheduler_process import finished, parsed, runs_of, wait_for

pytestmark = pytest.mark.timeout(120)

PRODUCER = """
    from tradewind import DAG, Dataset
    from tradewind.operators.bash import BashOperator
    with DAG("{dag_id}", schedule=None):
        BashOperator(task_id="make", bash_command="{command}", outlets=[Dataset("{uri}")])
"""

CONSUMER = """
    import json
    from tradewind import DAG, Dataset, task
    with DAG("{dag_id}", schedule=[{datasets}]):
        @task
        def read(**context):
            events = context["triggering_dataset_events"]
            run = context["dag_run"]
            return json.dumps({{
                "run_type": run.run_type, "conf": run.conf,
                "events": {{uri: [[e.source_dag_id, e.source_task_id, e.source_run_id] for e in evs]
                            for uri, evs in events.items()}},
            }})
        read()
"""


def trigger_and_wait(dag_id: str, count: int) -> None:
    from tradewind.scheduler.trigger import trigger_dag

    trigger_dag(dag_id)
    wait_for(finished(dag_id, count), what=f"run {count} of {dag_id}")


def consumer_output(run) -> dict:
    from tradewind.store import xcom

    return json.loads(xcom.pull(run.dag_id, run.run_id, ["read"])[("read", -1)])


def test_producer_success_triggers_consumer_with_events(scheduler, write_dag):
    write_dag("producer.py", PRODUCER.format(dag_id="producer", command="echo made", uri="file:///tmp/x"))
    write_dag("consumer.py", CONSUMER.format(dag_id="consumer", datasets='Dataset("file:///tmp/x")'))
    scheduler.start()
    wait_for(parsed("producer", "consumer"), what="both DAGs parsed")
    assert runs_of("consumer") == []  # a dataset schedule creates no run by itself

    trigger_and_wait("producer", 1)
    done = wait_for(finished("consumer"), what="the dataset-triggered run")
    run = done[0]
    assert run.state == "success" and run.run_type == "dataset_triggered"
    assert run.run_id.startswith("dataset_triggered__")
    producer_run = runs_of("producer")[0]
    assert consumer_output(run) == {
        "run_type": "dataset_triggered",
        "conf": {},
        "events": {"file:///tmp/x": [["producer", "make", producer_run.run_id]]},
    }
    from tradewind.store import datasets

    [summary] = datasets.list_datasets()
    assert (summary.uri, summary.consuming_dags, summary.producing_tasks, summary.event_count) == (
        "file:///tmp/x",
        ["consumer"],
        ["producer.make"],
        1,
    )
    time.sleep(1.0)
    assert len(runs_of("consumer")) == 1  # the queue was consumed: no second run

    trigger_and_wait("producer", 2)
    second = wait_for(finished("consumer", 2), what="a second dataset-triggered run")[1]
    events = consumer_output(second)["events"]["file:///tmp/x"]
    assert [e[2] for e in events] == [runs_of("producer")[1].run_id]  # only the event since the last run


def test_consumer_of_two_datasets_waits_for_both(scheduler, write_dag):
    write_dag("p1.py", PRODUCER.format(dag_id="p1", command="true", uri="s3://bucket/one"))
    write_dag("p2.py", PRODUCER.format(dag_id="p2", command="true", uri="s3://bucket/two"))
    write_dag(
        "both.py", CONSUMER.format(dag_id="both", datasets='Dataset("s3://bucket/one"), Dataset("s3://bucket/two")')
    )
    scheduler.start()
    wait_for(parsed("p1", "p2", "both"), what="the DAGs parsed")

    trigger_and_wait("p1", 1)
    trigger_and_wait("p1", 2)
    time.sleep(1.5)
    assert runs_of("both") == []  # only one of its two datasets has been updated

    trigger_and_wait("p2", 1)
    run = wait_for(finished("both"), what="the run after both datasets")[0]
    assert run.state == "success"
    events = consumer_output(run)["events"]
    assert sorted(events) == ["s3://bucket/one", "s3://bucket/two"]
    assert len(events["s3://bucket/one"]) == 2 and len(events["s3://bucket/two"]) == 1


def test_failed_producer_emits_nothing(scheduler, write_dag):
    write_dag("bad.py", PRODUCER.format(dag_id="bad", command="exit 1", uri="file:///tmp/never"))
    write_dag("waiter.py", CONSUMER.format(dag_id="waiter", datasets='Dataset("file:///tmp/never")'))
    scheduler.start()
    wait_for(parsed("bad", "waiter"), what="the DAGs parsed")
    trigger_and_wait("bad", 1)
    assert runs_of("bad")[0].state == "failed"
    time.sleep(1.5)
    assert runs_of("waiter") == []
    from tradewind.store import datasets

    assert datasets.list_events("file:///tmp/never") == []


def test_datasets_cli_lists_datasets_and_events(scheduler, write_dag, cli):
    write_dag("producer.py", PRODUCER.format(dag_id="producer", command="true", uri="file:///tmp/cli"))
    write_dag("consumer.py", CONSUMER.format(dag_id="consumer", datasets='Dataset("file:///tmp/cli")'))
    scheduler.start()
    wait_for(parsed("producer", "consumer"), what="both DAGs parsed")
    trigger_and_wait("producer", 1)
    result = cli("datasets", "list", "-o", "json")
    assert result.code == 0, result.err
    [row] = json.loads(result.out)
    assert row["uri"] == "file:///tmp/cli" and row["consuming_dags"] == ["consumer"] and row["events"] == 1
    result = cli("datasets", "events", "file:///tmp/cli", "-o", "json")
    assert result.code == 0, result.err
    [event] = json.loads(result.out)
    assert (event["source_dag_id"], event["source_task_id"]) == ("producer", "make")
    bad = cli("datasets", "events", "file:///tmp/unknown")
    assert bad.code != 0 and "file:///tmp/unknown" in bad.err and "Traceback" not in bad.err


def test_any_condition_taskflow_producer_and_event_extra(scheduler, write_dag):
    write_dag(
        "flow.py",
        """
        from tradewind import DAG, Dataset, task
        A, B = Dataset("s3://bucket/a"), Dataset("s3://bucket/b")
        with DAG("flow_producer", schedule=None):
            @task(outlets=[A])
            def make(*, outlet_events):
                outlet_events[A].extra["rows"] = 42
            make()
        with DAG("either", schedule=A | B):
            @task
            def read(*, triggering_dataset_events):
                return {uri: [e.extra for e in evs] for uri, evs in triggering_dataset_events.items()}
            read()
    """,
    )
    scheduler.start()
    wait_for(parsed("flow_producer", "either"), what="the DAGs parsed")
    trigger_and_wait("flow_producer", 1)
    run = wait_for(finished("either"), what="the run after one of two datasets")[0]
    assert run.state == "success" and run.run_type == "dataset_triggered"
    from tradewind.store import xcom

    assert xcom.pull("either", run.run_id, ["read"])[("read", -1)] == {"s3://bucket/a": [{"rows": 42}]}


def test_paused_consumer_is_not_queued(scheduler, write_dag):
    write_dag("producer.py", PRODUCER.format(dag_id="producer", command="true", uri="file:///tmp/p"))
    write_dag("consumer.py", CONSUMER.format(dag_id="consumer", datasets='Dataset("file:///tmp/p")'))
    scheduler.start()
    wait_for(parsed("producer", "consumer"), what="both DAGs parsed")
    from tradewind.store import dags

    dags.set_paused("consumer", True)
    trigger_and_wait("producer", 1)
    dags.set_paused("consumer", False)
    time.sleep(1.5)
    assert runs_of("consumer") == []  # as Airflow: updates while paused do not trigger it later


def test_changed_schedule_forgets_updates_queued_for_dropped_datasets(tradewind_home):
    """Store level, no scheduler: re-serializing a DAG rewrites its references and prunes its queue."""
    from datetime import datetime, timezone

    from tradewind import DAG, Dataset
    from tradewind.operators.empty import EmptyOperator
    from tradewind.scheduler.datasets import create_dataset_triggered_runs
    from tradewind.serialization import dag_hash, dag_row, serialize_dag
    from tradewind.store import dags, datasets
    from tradewind.store.migrate import migrate

    migrate()

    def sync(schedule, description):
        with DAG("c", schedule=schedule, description=description) as dag:
            EmptyOperator(task_id="t")
        data = serialize_dag(dag)
        dags.sync_dags([(dag_row(dag, data), data, dag_hash(data))], paused_at_creation=False)

    sync([Dataset("s3://a"), Dataset("s3://b")], "first")
    datasets.record_events(dag_id="p", run_id="r", task_id="t", map_index=-1, outlets={"s3://a": None, "s3://b": None})
    assert datasets.queued_uris_by_dag() == {"c": {"s3://a", "s3://b"}}
    sync([Dataset("s3://a")], "second")
    assert datasets.queued_uris_by_dag() == {"c": {"s3://a"}}
    [run] = create_dataset_triggered_runs(datetime.now(timezone.utc))
    assert datasets.queued_uris_by_dag() == {}
    assert list(datasets.triggering_events(run.id)) == ["s3://a"]
    dags.delete_dag("c")
    assert all(d.consuming_dags == [] for d in datasets.list_datasets())


def test_datasets_events_refuses_a_limit_below_one(cli):
    result = cli("datasets", "events", "file:///tmp/any", "--limit", "0")
    assert result.code == 1 and "--limit" in result.err and "Traceback" not in result.err


ALIAS_PRODUCER = """
    import pendulum
    from airflow.datasets import Dataset, DatasetAlias
    from airflow.decorators import dag, task

    @dag(schedule=None, start_date=pendulum.datetime(2021, 1, 1, tz="UTC"), catchup=False, tags=["example"])
    def alias_producer():
        @task(outlets=[DatasetAlias("daily-export")])
        def export(*, outlet_events=None):
            outlet_events[DatasetAlias("daily-export")].add(Dataset("s3://bucket/export.csv"), extra={"rows": 3})

        export()

    alias_producer()
"""

OR_TIME_CONSUMER = """
    import pendulum
    from airflow import DAG
    from airflow.datasets import Dataset
    from airflow.operators.empty import EmptyOperator
    from airflow.timetables.datasets import DatasetOrTimeSchedule
    from airflow.timetables.trigger import CronTriggerTimetable

    with DAG(
        dag_id="or_time_consumer",
        schedule=DatasetOrTimeSchedule(
            timetable=CronTriggerTimetable("0 0 1 1 *", timezone="UTC"), datasets=[Dataset("s3://bucket/export.csv")]
        ),
        start_date=pendulum.datetime(2021, 1, 1, tz="UTC"),
        catchup=False,
    ):
        EmptyOperator(task_id="consume")
"""


def test_alias_outlet_triggers_a_dataset_or_time_consumer(scheduler, write_dag):
    write_dag("alias_producer.py", ALIAS_PRODUCER)
    write_dag("or_time_consumer.py", OR_TIME_CONSUMER)
    scheduler.start()
    wait_for(parsed("alias_producer", "or_time_consumer"), what="both DAGs parsed")
    trigger_and_wait("alias_producer", 1)

    def dataset_run():
        return [r for r in runs_of("or_time_consumer") if r.run_type == "dataset_triggered" and r.state == "success"]

    wait_for(dataset_run, what="the dataset-triggered run of the DatasetOrTimeSchedule DAG")
    from tradewind.store import datasets

    uris = {s.uri: s for s in datasets.list_datasets()}
    assert uris["s3://bucket/export.csv"].event_count == 1


ALIAS_CONSUMER = """
    import json
    import pendulum
    from airflow import DAG
    from airflow.datasets import DatasetAlias
    from airflow.decorators import task

    with DAG(
        dag_id="alias_consumer",
        schedule=[DatasetAlias("daily-export")],
        start_date=pendulum.datetime(2021, 1, 1, tz="UTC"),
        catchup=False,
    ):
        @task(inlets=[DatasetAlias("daily-export")])
        def read(*, inlet_events=None, triggering_dataset_events=None):
            return json.dumps({
                "through_alias": [[e.uri, e.extra] for e in inlet_events[DatasetAlias("daily-export")]],
                "triggering": sorted(triggering_dataset_events),
            })

        read()
"""


def test_a_dag_scheduled_on_an_alias_runs_on_the_datasets_it_resolved_to(scheduler, write_dag):
    write_dag("alias_producer.py", ALIAS_PRODUCER)
    write_dag("alias_consumer.py", ALIAS_CONSUMER)
    scheduler.start()
    wait_for(parsed("alias_producer", "alias_consumer"), what="both DAGs parsed")
    assert runs_of("alias_consumer") == []  # unresolved: nothing to wait for yet

    trigger_and_wait("alias_producer", 1)  # adds s3://bucket/export.csv through the alias
    [run] = wait_for(finished("alias_consumer"), what="the run triggered through the alias")
    assert run.state == "success" and run.run_type == "dataset_triggered"
    assert consumer_output(run) == {
        "through_alias": [["s3://bucket/export.csv", {"rows": 3}]],
        "triggering": ["s3://bucket/export.csv"],
    }
    time.sleep(1.0)
    assert len(runs_of("alias_consumer")) == 1  # the queue was consumed

    trigger_and_wait("alias_producer", 2)  # a second update of the resolved dataset triggers it again
    done = wait_for(finished("alias_consumer", 2), what="the second run triggered through the alias")
    assert all(r.state == "success" and r.run_type == "dataset_triggered" for r in done)
    latest = max(done, key=lambda r: r.logical_date)
    assert [e[0] for e in consumer_output(latest)["through_alias"]] == ["s3://bucket/export.csv"] * 2
