"""Branching: follow one path, skip the others, and join with none_failed_min_one_success."""

from datetime import datetime

from tradewind import DAG, Label, task
from tradewind.operators.empty import EmptyOperator

with DAG(
    dag_id="example_branching",
    schedule="@daily",
    start_date=datetime(2024, 1, 1),
    catchup=False,
    tags=["example"],
) as dag:
    start = EmptyOperator(task_id="start")

    @task.branch
    def choose(ds=None) -> str:
        """Weekdays and weekends take different paths."""
        day = datetime.fromisoformat(ds).weekday()
        return "weekend" if day >= 5 else "weekday"

    weekday = EmptyOperator(task_id="weekday")
    weekend = EmptyOperator(task_id="weekend")
    join = EmptyOperator(task_id="join", trigger_rule="none_failed_min_one_success")

    branch = choose()
    start >> branch
    branch >> Label("Mon-Fri") >> weekday >> join
    branch >> Label("Sat-Sun") >> weekend >> join
