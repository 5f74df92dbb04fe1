# expect: {"dag_id": "templating_context", "state": "success", "tasks": {"dates": "success", "interval": "success", "names": "success", "macros_demo": "success"}, "xcom": {"dates": "2024-03-05 20240305 2024-03-05T00:00:00+00:00 20240305T000000", "interval": "2024-03-04 2024-03-05 2024-03-04 2024-03-05", "names": "templating_context.names manual__2024-03-05T00:00:00+00:00 1", "macros_demo": "05/03/2024 2024-03-02 2024"}, "data_interval": ["2024-03-04T00:00:00+00:00", "2024-03-05T00:00:00+00:00"]}
from datetime import datetime

from airflow import DAG
from airflow.operators.bash import BashOperator

with DAG(
    dag_id="templating_context",
    start_date=datetime(2024, 1, 1),
    schedule="@daily",
    catchup=False,
) as dag:
    BashOperator(task_id="dates", bash_command="echo {{ ds }} {{ ds_nodash }} {{ ts }} {{ ts_nodash }}")
    BashOperator(
        task_id="interval",
        bash_command="echo {{ data_interval_start | ds }} {{ data_interval_end | ds }} {{ prev_ds }} {{ next_ds }}",
    )
    BashOperator(
        task_id="names", bash_command="echo {{ dag.dag_id }}.{{ task.task_id }} {{ run_id }} {{ ti.try_number }}"
    )
    BashOperator(
        task_id="macros_demo",
        bash_command="echo {{ macros.ds_format(ds, '%Y-%m-%d', '%d/%m/%Y') }} {{ macros.ds_add(ds, -3) }} "
        "{{ macros.datetime.strptime(ds, '%Y-%m-%d').year }}",
    )
