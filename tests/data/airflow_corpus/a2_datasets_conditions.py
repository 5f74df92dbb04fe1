# expect: {"dag_id": "consume_any_or_all", "state": "success", "tasks": {"consume": "success"}}
from datetime import datetime

from airflow.datasets import Dataset
from airflow.decorators import dag, task

orders = Dataset("s3://warehouse/orders")
customers = Dataset("s3://warehouse/customers")
refunds = Dataset("s3://warehouse/refunds")


@dag(start_date=datetime(2023, 1, 1), schedule=(orders & customers) | refunds, catchup=False)
def consume_any_or_all():
    @task(inlets=[orders, customers])
    def consume():
        print("refresh reports")

    consume()


consume_any_or_all()
