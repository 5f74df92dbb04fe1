# expect: {"dag_id": "export_customers", "state": "success", "tasks": {"export": "success"}, "xcom": {"export": "exporting customers"}}
# expect: {"dag_id": "export_orders", "state": "success", "tasks": {"export": "success"}, "xcom": {"export": "exporting orders"}}
# Several DAGs from one file, registered through globals() as Airflow's docs show.
from datetime import datetime

from airflow import DAG
from airflow.operators.bash import BashOperator


def create_dag(dag_id, table):
    with DAG(dag_id, start_date=datetime(2023, 1, 1), schedule="@daily", catchup=False) as dag:
        BashOperator(task_id="export", bash_command=f"echo exporting {table}")
    return dag


for table in ["customers", "orders"]:
    globals()[f"export_{table}"] = create_dag(f"export_{table}", table)
