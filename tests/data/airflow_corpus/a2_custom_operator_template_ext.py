# expect: {"dag_id": "template_fields_renderers", "state": "success", "tasks": {"render": "success"}, "xcom": {"render": {"day": "2024-03-05", "nested": ["example_key", "template_fields_renderers"]}}}
from datetime import datetime

from airflow import DAG
from airflow.models.baseoperator import BaseOperator


class ConfigOperator(BaseOperator):
    template_fields = ("config",)
    template_fields_renderers = {"config": "json"}

    def __init__(self, config: dict, **kwargs):
        super().__init__(**kwargs)
        self.config = config

    def execute(self, context):
        return self.config


with DAG("template_fields_renderers", start_date=datetime(2023, 1, 1), schedule=None, params={"k": "example_key"}):
    ConfigOperator(task_id="render", config={"day": "{{ ds }}", "nested": ["{{ params.k }}", "{{ dag.dag_id }}"]})
