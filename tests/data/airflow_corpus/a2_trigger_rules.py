# expect: {"dag_id": "trigger_rules_demo", "state": "success", "tasks": {"start": "success", "fails": "failed", "passes": "success", "after_fail": "upstream_failed", "cleanup_all_done": "success", "alert_one_failed": "success", "all_failed": "skipped", "none_skipped": "success", "always": "success", "one_success": "success", "none_failed": "upstream_failed", "finish": "success"}}
from datetime import datetime

from airflow import DAG
from airflow.operators.bash import BashOperator
from airflow.operators.empty import EmptyOperator
from airflow.utils.trigger_rule import TriggerRule

with DAG("trigger_rules_demo", start_date=datetime(2023, 1, 1), schedule=None, catchup=False) as dag:
    start = EmptyOperator(task_id="start")
    fails = BashOperator(task_id="fails", bash_command="exit 1")
    passes = BashOperator(task_id="passes", bash_command="echo ok")
    after_fail = EmptyOperator(task_id="after_fail")
    cleanup = EmptyOperator(task_id="cleanup_all_done", trigger_rule=TriggerRule.ALL_DONE)
    alert = EmptyOperator(task_id="alert_one_failed", trigger_rule=TriggerRule.ONE_FAILED)
    all_failed = EmptyOperator(task_id="all_failed", trigger_rule="all_failed")
    none_skipped = EmptyOperator(task_id="none_skipped", trigger_rule="none_skipped")
    always = EmptyOperator(task_id="always", trigger_rule=TriggerRule.ALWAYS)
    one_success = EmptyOperator(task_id="one_success", trigger_rule=TriggerRule.ONE_SUCCESS)
    none_failed = EmptyOperator(task_id="none_failed", trigger_rule=TriggerRule.NONE_FAILED)
    finish = EmptyOperator(task_id="finish", trigger_rule=TriggerRule.ALL_DONE)

    start >> [fails, passes]
    fails >> after_fail
    [fails, passes] >> cleanup
    [fails, passes] >> alert
    [fails, passes] >> all_failed
    [fails, passes] >> none_skipped
    [fails, passes] >> always
    [fails, passes] >> one_success
    [fails, passes] >> none_failed
    [after_fail, cleanup, alert, all_failed, none_skipped, always, one_success, none_failed] >> finish
