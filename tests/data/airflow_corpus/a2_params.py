# expect: {"dag_id": "example_params_trigger_ui", "state": "success", "tasks": {"get_names": "success", "greet[0]": "success", "greet[1]": "success", "bash_params": "success"}, "xcom": {"greet[1]": "Hello Sam (morning)", "bash_params": "morning 2"}}
import datetime

from airflow.decorators import task
from airflow.models.dag import DAG
from airflow.models.param import Param
from airflow.operators.bash import BashOperator

with DAG(
    dag_id="example_params_trigger_ui",
    description=__doc__.partition(".")[0] if __doc__ else None,
    schedule=None,
    start_date=datetime.datetime(2022, 3, 4),
    catchup=False,
    tags=["example", "params"],
    params={
        "names": Param(
            ["Linda", "Sam"],
            type="array",
            description="Define the list of names for which greetings should be generated",
        ),
        "english": Param(True, type="boolean", title="English"),
        "time_of_day": Param("morning", enum=["morning", "evening"]),
        "count": Param(2, type="integer", minimum=1, maximum=10),
    },
) as dag:

    @task(task_id="get_names")
    def get_names(**kwargs) -> list[str]:
        params = kwargs["params"]
        return params["names"]

    @task
    def greet(name: str, **kwargs) -> str:
        return f"Hello {name} ({kwargs['params']['time_of_day']})"

    greet.expand(name=get_names())
    BashOperator(task_id="bash_params", bash_command="echo {{ params.time_of_day }} {{ params.count }}")
