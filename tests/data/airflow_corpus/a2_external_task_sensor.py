# expect: {"dag_id": "example_external_task_marker_child", "state": "success", "tasks": {"child_task1": "skipped", "child_task2": "skipped"}}
# The parent has no run at the child's logical date, so the sensor times out; soft_fail skips it.
import pendulum
from airflow.models.dag import DAG
from airflow.operators.empty import EmptyOperator
from airflow.sensors.external_task import ExternalTaskMarker, ExternalTaskSensor

start_date = pendulum.datetime(2021, 1, 1, tz="UTC")

with DAG(
    dag_id="example_external_task_marker_parent",
    start_date=start_date,
    catchup=False,
    schedule=None,
    tags=["example2"],
) as parent_dag:
    parent_task = ExternalTaskMarker(
        task_id="parent_task",
        external_dag_id="example_external_task_marker_child",
        external_task_id="child_task1",
    )

with DAG(
    dag_id="example_external_task_marker_child",
    start_date=start_date,
    schedule=None,
    catchup=False,
    tags=["example2"],
) as child_dag:
    child_task1 = ExternalTaskSensor(
        task_id="child_task1",
        external_dag_id=parent_dag.dag_id,
        external_task_id=parent_task.task_id,
        timeout=1,
        poke_interval=0.5,
        allowed_states=["success"],
        failed_states=["failed", "skipped"],
        mode="reschedule",
        soft_fail=True,
    )
    child_task2 = EmptyOperator(task_id="child_task2")
    child_task1 >> child_task2
