# expect: {"dag_id": "trigger_rules_more", "state": "success", "tasks": {"skipper": "skipped", "ok": "success", "all_skipped": "skipped", "after_skip_all_skipped": "success", "one_done": "success", "none_failed_or_skipped": "success", "none_skipped": "skipped", "dummy": "success"}}
from datetime import datetime

from airflow import DAG
from airflow.operators.bash import BashOperator
from airflow.operators.empty import EmptyOperator
from airflow.utils.trigger_rule import TriggerRule

with DAG("trigger_rules_more", start_date=datetime(2023, 1, 1), schedule=None):
    skipper = BashOperator(task_id="skipper", bash_command="exit 99")
    ok = EmptyOperator(task_id="ok")
    all_skipped = EmptyOperator(task_id="all_skipped", trigger_rule=TriggerRule.ALL_SKIPPED)
    after = EmptyOperator(task_id="after_skip_all_skipped", trigger_rule=TriggerRule.ALL_SKIPPED)
    one_done = EmptyOperator(task_id="one_done", trigger_rule=TriggerRule.ONE_DONE)
    nfos = EmptyOperator(task_id="none_failed_or_skipped", trigger_rule="none_failed_or_skipped")
    none_skipped = EmptyOperator(task_id="none_skipped", trigger_rule=TriggerRule.NONE_SKIPPED)
    dummy = EmptyOperator(task_id="dummy", trigger_rule="dummy")  # Airflow 1's name of "always"
    [skipper, ok] >> all_skipped
    skipper >> after
    [skipper, ok] >> one_done
    [skipper, ok] >> nfos
    [skipper, ok] >> none_skipped
    [skipper, ok] >> dummy
