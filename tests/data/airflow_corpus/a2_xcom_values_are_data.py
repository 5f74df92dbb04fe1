# expect: {"dag_id": "xcom_values_are_data", "state": "success", "tasks": {"make_sql": "success", "keep": "success", "queries": "success", "run_query[0]": "success", "run_query[1]": "success", "literal[0]": "success"}, "xcom": {"keep": "SELECT * FROM t WHERE day = '{{ ds }}'", "run_query[1]": "q2 {{ ds }}", "literal[0]": "q 2024-03-05"}}
# Values passed from XCom (task arguments, mapped values) are data: Airflow does not render them
# as templates; literal values given to expand() are rendered.
from datetime import datetime

from airflow.decorators import dag, task


@dag(start_date=datetime(2023, 1, 1), schedule=None)
def xcom_values_are_data():
    @task
    def make_sql():
        return "SELECT * FROM t WHERE day = '{{ ds }}'"

    @task
    def keep(sql):
        return sql

    @task
    def queries():
        return ["q1 {{ ds }}", "q2 {{ ds }}"]

    @task
    def run_query(q):
        return q

    @task(task_id="literal")
    def literal(q):
        return q

    keep(make_sql())
    run_query.expand(q=queries())
    literal.expand(q=["q {{ ds }}"])


xcom_values_are_data()
