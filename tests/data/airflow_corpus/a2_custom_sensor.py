# expect: {"dag_id": "custom_sensor", "state": "success", "tasks": {"wait_for_partition": "success", "load_partition": "success"}, "xcom": {"wait_for_partition": "partition=2024-03-05", "load_partition": "loading partition=2024-03-05"}}
from datetime import datetime

from airflow import DAG
from airflow.operators.python import PythonOperator
from airflow.sensors.base import BaseSensorOperator, PokeReturnValue


class PartitionSensor(BaseSensorOperator):
    template_fields = ("partition",)

    def __init__(self, partition: str, **kwargs):
        super().__init__(**kwargs)
        self.partition = partition

    def poke(self, context):
        self.log.info("Poking for %s", self.partition)
        return PokeReturnValue(is_done=True, xcom_value=self.partition)


def load(ti):
    return "loading " + ti.xcom_pull(task_ids="wait_for_partition")


with DAG("custom_sensor", start_date=datetime(2023, 1, 1), schedule="@daily", catchup=False):
    wait = PartitionSensor(
        task_id="wait_for_partition", partition="partition={{ ds }}", poke_interval=5, mode="reschedule"
    )
    wait >> PythonOperator(task_id="load_partition", python_callable=load)
