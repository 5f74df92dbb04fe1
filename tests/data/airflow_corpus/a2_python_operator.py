# expect: {"dag_id": "example_python_operator", "state": "success", "tasks": {"print_the_context": "success", "log_sql_query": "success", "sleep_for_0": "success", "sleep_for_1": "success", "sleep_for_2": "success"}, "xcom": {"print_the_context": "Whatever you return gets printed in the logs", "log_sql_query": "SELECT * FROM orders WHERE day = '2024-03-05'", "sleep_for_2": 0.02}}
import time
from pprint import pprint

import pendulum
from airflow.models.dag import DAG
from airflow.operators.python import PythonOperator

with DAG(
    dag_id="example_python_operator",
    schedule=None,
    start_date=pendulum.datetime(2021, 1, 1, tz="UTC"),
    catchup=False,
    tags=["example"],
):

    def print_context(ds=None, **kwargs):
        """Print the Airflow context and ds variable from the context."""
        pprint(kwargs)
        print(ds)
        assert kwargs["dag"].dag_id == "example_python_operator"
        return "Whatever you return gets printed in the logs"

    run_this = PythonOperator(task_id="print_the_context", python_callable=print_context)

    def log_sql(**kwargs):
        query = kwargs["templates_dict"]["query"]
        print("Python task decorator query: %s", query)
        return query

    log_the_sql = PythonOperator(
        task_id="log_sql_query",
        python_callable=log_sql,
        templates_dict={"query": "SELECT * FROM orders WHERE day = '{{ ds }}'"},
    )

    def my_sleeping_function(random_base):
        """This is a function that will run within the DAG execution"""
        time.sleep(random_base)
        return random_base

    for i in range(3):
        sleeping_task = PythonOperator(
            task_id=f"sleep_for_{i}",
            python_callable=my_sleeping_function,
            op_kwargs={"random_base": i / 100},
        )
        run_this >> log_the_sql >> sleeping_task
