# expect: {"dag_id": "example_trigger_controller_dag", "state": "success", "tasks": {"test_trigger_dagrun": "success"}, "xcom": {"test_trigger_dagrun:trigger_run_id": "triggered_by_corpus"}}
import pendulum
from airflow.models.dag import DAG
from airflow.operators.bash import BashOperator
from airflow.operators.trigger_dagrun import TriggerDagRunOperator

with DAG(
    dag_id="example_trigger_target_dag",
    start_date=pendulum.datetime(2021, 1, 1, tz="UTC"),
    catchup=False,
    schedule=None,
    tags=["example"],
) as target:
    BashOperator(
        task_id="bash_task",
        bash_command='echo "Here is the message: $message"',
        env={"message": '{{ dag_run.conf.get("message") }}'},
    )

with DAG(
    dag_id="example_trigger_controller_dag",
    start_date=pendulum.datetime(2021, 1, 1, tz="UTC"),
    catchup=False,
    schedule="@once",
    tags=["example"],
) as dag:
    trigger = TriggerDagRunOperator(
        task_id="test_trigger_dagrun",
        trigger_dag_id="example_trigger_controller_dag",  # the DAG `dags test` records; see README
        trigger_run_id="triggered_by_corpus",
        conf={"message": "Hello World"},
    )
