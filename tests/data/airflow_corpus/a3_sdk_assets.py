# expect: {"dag_id": "asset_producer", "state": "success", "tasks": {"produce": "success"}}
# expect: {"dag_id": "asset_consumer", "state": "success", "tasks": {"consume": "success"}}
import pendulum
from airflow.sdk import DAG, Asset, task

orders = Asset("s3://warehouse/orders")
customers = Asset("s3://warehouse/customers")

with DAG(dag_id="asset_producer", start_date=pendulum.datetime(2024, 1, 1, tz="UTC"), schedule="@daily"):

    @task(outlets=[orders, customers])
    def produce():
        print("wrote orders")

    produce()

with DAG(dag_id="asset_consumer", start_date=pendulum.datetime(2024, 1, 1, tz="UTC"), schedule=(orders & customers)):

    @task
    def consume():
        print("read orders")

    consume()
