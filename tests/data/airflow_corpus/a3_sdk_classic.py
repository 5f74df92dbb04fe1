# expect: {"dag_id": "sdk_classic", "state": "success", "tasks": {"hello": "success", "py": "success", "done": "success"}, "xcom": {"hello": "hello 2024-03-05", "py": "from python"}}
import pendulum
from airflow.providers.standard.operators.bash import BashOperator
from airflow.providers.standard.operators.empty import EmptyOperator
from airflow.providers.standard.operators.python import PythonOperator
from airflow.sdk import DAG

with DAG(dag_id="sdk_classic", start_date=pendulum.datetime(2024, 1, 1, tz="UTC"), schedule=None) as dag:
    hello = BashOperator(task_id="hello", bash_command="echo hello {{ ds }}")
    py = PythonOperator(task_id="py", python_callable=lambda: "from python")
    hello >> py >> EmptyOperator(task_id="done")
