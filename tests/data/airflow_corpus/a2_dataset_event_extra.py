# expect: {"dag_id": "dataset_with_extra_by_yield", "state": "success", "tasks": {"dataset_with_extra_by_yield": "success"}}
# expect: {"dag_id": "dataset_with_extra_by_context", "state": "success", "tasks": {"dataset_with_extra_by_context": "success"}}
# expect: {"dag_id": "dataset_with_extra_from_classic_operator", "state": "success", "tasks": {"dataset_with_extra_from_classic_operator": "success"}}
# expect: {"dag_id": "read_dataset_event", "state": "success", "tasks": {"read_dataset_event": "success"}, "xcom": {"read_dataset_event": [{"hi": "yield"}, {"hi": "context"}, {"hi": "classic"}, "dataset_with_extra_by_yield"]}}
# expect: {"dag_id": "read_dataset_event_from_classic", "state": "success", "tasks": {"read_dataset_event_from_classic": "success"}, "xcom": {"read_dataset_event_from_classic": "{\"hi\": \"classic\"}"}}
# Airflow 2.10's example_outlet_event_extra.py and example_inlet_event_extra.py (datetime.min start dates
# included), with one extra per producer so that the order of the events shows.
import datetime

from airflow import DAG
from airflow.datasets import Dataset
from airflow.datasets.metadata import Metadata
from airflow.decorators import task
from airflow.operators.bash import BashOperator

ds = Dataset("s3://corpus-inlet/1.txt")

with DAG(
    dag_id="dataset_with_extra_by_yield",
    catchup=False,
    start_date=datetime.datetime.min,
    schedule="@daily",
    tags=["produces"],
):

    @task(outlets=[ds])
    def dataset_with_extra_by_yield():
        yield Metadata(ds, {"hi": "yield"})

    dataset_with_extra_by_yield()

with DAG(
    dag_id="dataset_with_extra_by_context",
    catchup=False,
    start_date=datetime.datetime.min,
    schedule="@daily",
    tags=["produces"],
):

    @task(outlets=[ds])
    def dataset_with_extra_by_context(*, outlet_events=None):
        outlet_events[ds].extra = {"hi": "context"}

    dataset_with_extra_by_context()

with DAG(
    dag_id="dataset_with_extra_from_classic_operator",
    catchup=False,
    start_date=datetime.datetime.min,
    schedule="@daily",
    tags=["produces"],
):

    def _dataset_with_extra_from_classic_operator_post_execute(context, result):
        context["outlet_events"][ds].extra = {"hi": "classic"}

    BashOperator(
        task_id="dataset_with_extra_from_classic_operator",
        outlets=[ds],
        bash_command=":",
        post_execute=_dataset_with_extra_from_classic_operator_post_execute,
    )

with DAG(
    dag_id="read_dataset_event",
    catchup=False,
    start_date=datetime.datetime.min,
    schedule="@daily",
    tags=["consumes"],
):

    @task(inlets=[ds])
    def read_dataset_event(*, inlet_events=None):
        for event in inlet_events[ds][:-2]:
            print(event.extra["hi"])
        return [e.extra for e in inlet_events[0]] + [inlet_events[ds][0].source_dag_id]

    read_dataset_event()

with DAG(
    dag_id="read_dataset_event_from_classic",
    catchup=False,
    start_date=datetime.datetime.min,
    schedule="@daily",
    tags=["consumes"],
):
    BashOperator(
        task_id="read_dataset_event_from_classic",
        inlets=[ds],
        bash_command="echo '{{ inlet_events['s3://corpus-inlet/1.txt'][-1].extra | tojson }}'",
    )
