# expect: {"dag_id": "taskflow_outlets", "state": "success", "tasks": {"write_orders": "success", "write_alias": "success"}, "xcom": {"write_orders": "s3://warehouse/orders/2024-03-05"}}
from datetime import datetime

from airflow.datasets import Dataset, DatasetAlias
from airflow.decorators import dag, task


@dag(start_date=datetime(2023, 1, 1), schedule="@daily", catchup=False)
def taskflow_outlets():
    @task(outlets=[Dataset("s3://warehouse/orders")])
    def write_orders(ds=None):
        return f"s3://warehouse/orders/{ds}"

    @task(outlets=[DatasetAlias("daily-export")])
    def write_alias(*, outlet_events, ds=None):
        outlet_events[DatasetAlias("daily-export")].add(Dataset(f"s3://exports/{ds}"), extra={"rows": 10})

    write_orders() >> write_alias()


taskflow_outlets()
