"""Bash tasks, a fan-out, a join with a trigger rule, and a templated command."""

from datetime import datetime, timedelta

from tradewind import DAG
from tradewind.operators.bash import BashOperator
from tradewind.operators.empty import EmptyOperator

with DAG(
    dag_id="example_bash_operator",
    schedule="0 0 * * *",
    start_date=datetime(2024, 1, 1),
    catchup=False,
    dagrun_timeout=timedelta(minutes=60),
    tags=["example"],
    params={"example_key": "example_value"},
) as dag:
    run_this_last = EmptyOperator(task_id="run_this_last")

    run_this = BashOperator(task_id="run_after_loop", bash_command="echo https://tradewind.example/")
    run_this >> run_this_last

    for i in range(3):
        (
            BashOperator(
                task_id=f"runme_{i}",
                bash_command='echo "{{ task_instance_key_str }}" && sleep 0.1',
            )
            >> run_this
        )

    also_run_this = BashOperator(
        task_id="also_run_this",
        bash_command='echo "ti_key={{ task_instance_key_str }} ds={{ ds }}"',
    )
    also_run_this >> run_this_last

    this_will_skip = BashOperator(task_id="this_will_skip", bash_command='echo "hello world"; exit 99;')
    this_will_skip >> run_this_last
    run_this_last.trigger_rule = "none_failed"
