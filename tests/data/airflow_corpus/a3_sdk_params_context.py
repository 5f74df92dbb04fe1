# expect: {"dag_id": "sdk_params_context", "state": "success", "tasks": {"show": "success"}, "xcom": {"show": "eu sdk_params_context show"}}
import pendulum
from airflow.sdk import DAG, Param, get_current_context, task

with DAG(
    dag_id="sdk_params_context",
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    schedule=None,
    params={"region": Param("eu", type="string")},
):

    @task
    def show():
        context = get_current_context()
        return f"{context['params']['region']} {context['dag'].dag_id} {context['ti'].task_id}"

    show()
