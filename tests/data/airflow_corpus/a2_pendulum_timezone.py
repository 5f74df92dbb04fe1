# expect: {"dag_id": "amsterdam_morning", "state": "success", "tasks": {"local_times": "success"}, "xcom": {"local_times": "Europe/Amsterdam 2024-03-03T05:00:00+00:00 2024-03-04 06:00 01"}, "data_interval": ["2024-03-03T05:00:00+00:00", "2024-03-04T05:00:00+00:00"]}
# A cron schedule in the start date's timezone: the manual run at 2024-03-05 00:00 UTC (01:00 in
# Amsterdam) gets the last whole interval before it, 06:00 to 06:00 Amsterdam time.
import pendulum
from airflow import DAG
from airflow.operators.bash import BashOperator

with DAG(
    "amsterdam_morning",
    start_date=pendulum.datetime(2024, 1, 1, tz="Europe/Amsterdam"),
    schedule="0 6 * * *",
    catchup=False,
) as dag:
    BashOperator(
        task_id="local_times",
        bash_command="echo {{ dag.timezone.name }} {{ data_interval_start.isoformat() }} "
        "{{ data_interval_end.in_timezone('Europe/Amsterdam').strftime('%Y-%m-%d %H:%M') }} "
        "{{ logical_date.in_timezone(dag.timezone).strftime('%H') }}",
    )
