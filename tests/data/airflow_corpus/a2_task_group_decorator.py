# expect: {"dag_id": "example_task_group_decorator", "state": "success", "tasks": {"task_start": "success", "task_group_function.task_1": "success", "task_group_function.task_2": "success", "task_group_function.task_3": "success", "task_group_function__1.task_1": "success", "task_group_function__1.task_2": "success", "task_group_function__1.task_3": "success", "task_end": "success"}, "xcom": {"task_group_function.task_3": "[ Task3 [ Task2 [ Task1 1 ] ] ]", "task_group_function__1.task_3": "[ Task3 [ Task2 [ Task1 2 ] ] ]", "task_end": "[ Task End ]"}}
import pendulum
from airflow.decorators import task, task_group
from airflow.models.dag import DAG


@task
def task_start():
    """Empty Task which is First Task of Dag"""
    return "[Task_start]"


@task
def task_1(value: int) -> str:
    return f"[ Task1 {value} ]"


@task
def task_2(value: str) -> str:
    return f"[ Task2 {value} ]"


@task
def task_3(value: str) -> None:
    return f"[ Task3 {value} ]"


@task
def task_end() -> None:
    return "[ Task End ]"


@task_group
def task_group_function(value: int) -> None:
    """TaskGroup for grouping related Tasks"""
    task_3(task_2(task_1(value)))


with DAG(
    dag_id="example_task_group_decorator",
    start_date=pendulum.datetime(2021, 1, 1, tz="UTC"),
    catchup=False,
    tags=["example"],
) as dag:
    start_task = task_start()
    end_task = task_end()
    for i in range(1, 3):
        current_task_group = task_group_function(i)
        start_task >> current_task_group >> end_task
