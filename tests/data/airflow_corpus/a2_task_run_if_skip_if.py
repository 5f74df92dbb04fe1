# expect: {"dag_id": "example_skip_if_run_if", "state": "success", "tasks": {"skip_if_false": "success", "skip_if_true": "skipped", "run_if_do_run": "success", "run_if_skipped": "skipped", "echo_if": "success", "after": "success"}, "xcom": {"skip_if_false": "ran", "run_if_do_run": "ran", "echo_if": "run"}}
# Airflow 2.10's @task.run_if / @task.skip_if, stacked over @task and @task.bash as in its docs.
from datetime import datetime

from airflow.decorators import dag, task


@dag(start_date=datetime(2024, 1, 1), schedule=None, catchup=False)
def example_skip_if_run_if():
    @task.skip_if(lambda context: context["params"].get("skip", False))
    @task
    def skip_if_false():
        return "ran"

    @task.skip_if(lambda context: True, skip_message="always skipped")
    @task
    def skip_if_true():
        return "ran"

    @task.run_if(lambda context: context["task_instance"].task_id.endswith("_do_run"))
    @task
    def run_if_do_run():
        return "ran"

    @task.run_if(lambda context: context["task_instance"].task_id.endswith("_do_run"))
    @task
    def run_if_skipped():
        return "ran"

    @task.run_if(lambda context: True)
    @task.bash()
    def echo_if():
        return "echo run"

    @task(trigger_rule="none_failed")
    def after():
        return None

    [skip_if_false(), skip_if_true(), run_if_do_run(), run_if_skipped(), echo_if()] >> after()


example_skip_if_run_if()
