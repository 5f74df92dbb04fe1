# expect: {"dag_id": "custom_operator", "state": "success", "tasks": {"count": "success", "double": "success"}, "xcom": {"count": 7, "double:doubled": 14}}
from datetime import datetime

from airflow import DAG
from airflow.models.baseoperator import BaseOperator


class CountOperator(BaseOperator):
    template_fields = ("words",)

    def __init__(self, *, words: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.words = words

    def execute(self, context):
        return len(self.words.split())


class DoubleOperator(BaseOperator):
    def __init__(self, *, source_task: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.source_task = source_task

    def execute(self, context):
        value = context["ti"].xcom_pull(task_ids=self.source_task)
        context["ti"].xcom_push(key="doubled", value=value * 2)


with DAG("custom_operator", start_date=datetime(2023, 1, 1), schedule=None) as dag:
    CountOperator(task_id="count", words="one two three {{ ds }} four five six") >> DoubleOperator(
        task_id="double", source_task="count"
    )
