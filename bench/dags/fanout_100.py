"""Benchmark: start → 100 no-op Python tasks → end (tradewind DAG)."""

from datetime import datetime

from tradewind import DAG
from tradewind.operators.empty import EmptyOperator
from tradewind.operators.python import PythonOperator


def noop() -> None:
    return None


with DAG("fanout_100", schedule=None, start_date=datetime(2024, 1, 1), catchup=False) as dag:
    start = EmptyOperator(task_id="start")
    end = EmptyOperator(task_id="end")
    start >> [PythonOperator(task_id=f"p{i}", python_callable=noop) for i in range(100)] >> end
