# expect: {"dag_id": "dataset_s3_bucket_producer", "state": "success", "tasks": {"produce_dataset_events": "success"}}
# expect: {"dag_id": "dataset_alias_example_alias_producer", "state": "success", "tasks": {"produce_dataset_events_through_dataset_alias": "success"}}
# expect: {"dag_id": "dataset_s3_bucket_consumer", "state": "success", "tasks": {"consume_dataset_event": "success"}}
# expect: {"dag_id": "dataset_alias_example_alias_consumer", "state": "success", "tasks": {"consume_dataset_event_from_dataset_alias": "success"}}
"""Airflow 2.10's `example_dataset_alias`: a producer adds a dataset through an alias; a DAG is scheduled on the alias.

Scheduled for real (not by `dags test`), the alias consumer runs once the alias producer has added
`s3://bucket/my-task` through "example-alias", and on every later update of that dataset.
"""

from __future__ import annotations

import pendulum
from airflow import DAG
from airflow.datasets import Dataset, DatasetAlias
from airflow.decorators import task

with DAG(
    dag_id="dataset_s3_bucket_producer",
    start_date=pendulum.datetime(2021, 1, 1, tz="UTC"),
    schedule=None,
    catchup=False,
    tags=["producer", "dataset"],
):

    @task(outlets=[Dataset("s3://bucket/my-task")])
    def produce_dataset_events():
        pass

    produce_dataset_events()

with DAG(
    dag_id="dataset_alias_example_alias_producer",
    start_date=pendulum.datetime(2021, 1, 1, tz="UTC"),
    schedule=None,
    catchup=False,
    tags=["producer", "dataset-alias"],
):

    @task(outlets=[DatasetAlias("example-alias")])
    def produce_dataset_events_through_dataset_alias(*, outlet_events=None):
        bucket_name = "bucket"
        object_path = "my-task"
        outlet_events["example-alias"].add(Dataset(f"s3://{bucket_name}/{object_path}"))

    produce_dataset_events_through_dataset_alias()

with DAG(
    dag_id="dataset_s3_bucket_consumer",
    start_date=pendulum.datetime(2021, 1, 1, tz="UTC"),
    schedule=[Dataset("s3://bucket/my-task")],
    catchup=False,
    tags=["consumer", "dataset"],
):

    @task
    def consume_dataset_event():
        pass

    consume_dataset_event()

with DAG(
    dag_id="dataset_alias_example_alias_consumer",
    start_date=pendulum.datetime(2021, 1, 1, tz="UTC"),
    schedule=[DatasetAlias("example-alias")],
    catchup=False,
    tags=["consumer", "dataset-alias"],
):

    @task(inlets=[DatasetAlias("example-alias")])
    def consume_dataset_event_from_dataset_alias(*, inlet_events=None):
        for event in inlet_events[DatasetAlias("example-alias")]:
            print(event)

    consume_dataset_event_from_dataset_alias()
