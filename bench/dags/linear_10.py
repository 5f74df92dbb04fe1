"""Benchmark: 10 chained Bash `true` tasks (tradewind DAG)."""

from datetime import datetime

from tradewind import DAG, chain
from tradewind.operators.bash import BashOperator

with DAG("linear_10", schedule=None, start_date=datetime(2024, 1, 1), catchup=False) as dag:
    chain(*[BashOperator(task_id=f"t{i}", bash_command="true") for i in range(10)])
