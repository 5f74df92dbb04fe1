# expect: {"dag_id": "mapped_group_branch", "state": "success", "tasks": {"numbers": "success", "grp.choose[0]": "success", "grp.choose[1]": "success", "grp.choose[2]": "success", "grp.even[0]": "skipped", "grp.even[1]": "success", "grp.even[2]": "skipped", "grp.odd[0]": "success", "grp.odd[1]": "skipped", "grp.odd[2]": "success", "grp.done[0]": "success", "grp.done[1]": "success", "grp.done[2]": "success", "report": "success"}, "xcom": {"grp.even[1]": "2 is even", "grp.odd[2]": "3 is odd", "report": ["1 is odd", "2 is even", "3 is odd"]}}
# Branching inside a mapped task group: each group instance follows its own branch, and skips only
# its own instance of the branch it did not take (Airflow 2.5+).
from datetime import datetime

from airflow.decorators import dag, task, task_group


@dag(start_date=datetime(2023, 1, 1), schedule=None, catchup=False)
def mapped_group_branch():
    @task
    def numbers():
        return [1, 2, 3]

    @task_group
    def grp(n):
        @task.branch
        def choose(n):
            return "grp.even" if n % 2 == 0 else "grp.odd"

        @task
        def even(n):
            return f"{n} is even"

        @task
        def odd(n):
            return f"{n} is odd"

        @task(trigger_rule="none_failed_min_one_success")
        def done():
            return None

        choose(n) >> [even(n), odd(n)] >> done()

    @task
    def report(ti=None):
        labels = ti.xcom_pull(task_ids="grp.even") + ti.xcom_pull(task_ids="grp.odd")
        return sorted(v for v in labels if v is not None)

    grp.expand(n=numbers()) >> report()


mapped_group_branch()
