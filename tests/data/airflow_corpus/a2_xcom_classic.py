# expect: {"dag_id": "example_xcom", "state": "success", "tasks": {"push": "success", "push_by_returning": "success", "puller": "success", "bash_push": "success", "bash_pull": "success", "python_pull_from_bash": "success"}, "xcom": {"push:value from pusher 1": [1, 2, 3], "push_by_returning": {"a": "b"}, "bash_push:manually_pushed_value": "manually_pushed_value", "bash_push": "value_by_return", "bash_pull": "bash pulled value_by_return and manually_pushed_value", "python_pull_from_bash": ["value_by_return", "manually_pushed_value"]}}
import pendulum
from airflow import DAG
from airflow.operators.bash import BashOperator
from airflow.operators.python import PythonOperator

value_1 = [1, 2, 3]
value_2 = {"a": "b"}


def push(ti=None):
    """Pushes an XCom without a specific target"""
    ti.xcom_push(key="value from pusher 1", value=value_1)


def push_by_returning():
    """Pushes an XCom without a specific target, just by returning it"""
    return value_2


def puller(pulled_value_2, ti=None):
    """Pull all previously pushed XComs and check if the pushed values match the pulled values."""
    pulled_value_1 = ti.xcom_pull(task_ids="push", key="value from pusher 1")
    if pulled_value_1 != value_1:
        raise ValueError(f"The two values differ {pulled_value_1} and {value_1}")
    if pulled_value_2 != value_2:
        raise ValueError(f"The two values differ {pulled_value_2} and {value_2}")


def pull_value_from_bash_push(ti=None):
    bash_pushed_via_return_value = ti.xcom_pull(key="return_value", task_ids="bash_push")
    bash_manually_pushed_value = ti.xcom_pull(key="manually_pushed_value", task_ids="bash_push")
    print(f"The xcom value pushed by task push via return value is {bash_pushed_via_return_value}")
    return [bash_pushed_via_return_value, bash_manually_pushed_value]


with DAG(
    "example_xcom",
    schedule="@once",
    start_date=pendulum.datetime(2021, 1, 1, tz="UTC"),
    catchup=False,
    tags=["example"],
) as dag:
    push1 = PythonOperator(task_id="push", python_callable=push)
    push2 = PythonOperator(task_id="push_by_returning", python_callable=push_by_returning)
    pull = PythonOperator(task_id="puller", python_callable=puller, op_kwargs={"pulled_value_2": push2.output})

    bash_push = BashOperator(
        task_id="bash_push",
        bash_command='echo "bash_push demo"  && '
        'echo "Manually set xcom value '
        '{{ ti.xcom_push(key="manually_pushed_value", value="manually_pushed_value") }}" && '
        'echo "value_by_return"',
    )
    bash_pull = BashOperator(
        task_id="bash_pull",
        bash_command='echo "bash pull demo" && '
        f'echo "The xcom pushed manually is {{{{ ti.xcom_pull(task_ids="{bash_push.task_id}", key="manually_pushed_value") }}}}" && '
        'echo "bash pulled {{ ti.xcom_pull(task_ids="bash_push") }} and '
        '{{ ti.xcom_pull(task_ids="bash_push", key="manually_pushed_value") }}"',
        do_xcom_push=True,
    )
    python_pull_from_bash = PythonOperator(task_id="python_pull_from_bash", python_callable=pull_value_from_bash_push)

    [push1, push2] >> pull
    bash_push >> bash_pull >> python_pull_from_bash
