# expect: {"dag_id": "custom_operator_apply_defaults", "state": "success", "tasks": {"hello": "success"}, "xcom": {"hello": "Hello world on 2024-03-05"}}
from datetime import datetime

from airflow import DAG
from airflow.models import BaseOperator
from airflow.utils.decorators import apply_defaults


class HelloOperator(BaseOperator):
    template_fields = ("name", "day")
    ui_color = "#e8f7e4"

    @apply_defaults
    def __init__(self, name: str, day: str = "{{ ds }}", *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.name = name
        self.day = day

    def execute(self, context):
        message = f"Hello {self.name} on {self.day}"
        self.log.info(message)
        return message


with DAG("custom_operator_apply_defaults", start_date=datetime(2023, 1, 1), schedule_interval=None) as dag:
    HelloOperator(task_id="hello", name="world")
