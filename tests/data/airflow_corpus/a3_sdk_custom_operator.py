# expect: {"dag_id": "sdk_custom_operator", "state": "success", "tasks": {"greet": "success", "wait": "success"}, "xcom": {"greet": "Hello, sdk on 2024-03-05"}}
import pendulum
from airflow.sdk import DAG, BaseOperator, BaseSensorOperator


class GreetOperator(BaseOperator):
    template_fields = ("who",)

    def __init__(self, who: str, **kwargs):
        super().__init__(**kwargs)
        self.who = who

    def execute(self, context):
        return f"Hello, {self.who} on {context['ds']}"


class ReadySensor(BaseSensorOperator):
    def poke(self, context):
        return True


with DAG(dag_id="sdk_custom_operator", start_date=pendulum.datetime(2024, 1, 1, tz="UTC"), schedule=None):
    ReadySensor(task_id="wait", poke_interval=1) >> GreetOperator(task_id="greet", who="{{ 'sdk' }}")
