# expect: {"dag_id": "mapped_task_group_failure", "state": "failed", "tasks": {"numbers": "success", "grp.check[0]": "success", "grp.check[1]": "failed", "grp.check[2]": "success", "grp.label[0]": "success", "grp.label[1]": "upstream_failed", "grp.label[2]": "success", "grp.cleanup[0]": "success", "grp.cleanup[1]": "success", "grp.cleanup[2]": "success", "summarize": "upstream_failed", "report": "success"}, "xcom": {"grp.label[2]": "ok 3", "report": ["ok 1", "ok 3"]}}
from airflow.sdk import dag, task, task_group


@dag
def mapped_task_group_failure():
    @task
    def numbers():
        return [1, 2, 3]

    @task_group
    def grp(n):
        @task
        def check(n):
            if n == 2:
                raise ValueError("two is not allowed")
            return n

        @task
        def label(v):
            return f"ok {v}"

        @task(trigger_rule="all_done")
        def cleanup():
            return None

        checked = check(n)
        labelled = label(checked)
        checked >> cleanup()
        return labelled

    @task
    def summarize(labels):
        return list(labels)

    @task(trigger_rule="all_done")
    def report(ti=None):
        return [v for v in ti.xcom_pull(task_ids="grp.label") if v is not None]

    labels = grp.expand(n=numbers())
    summarize(labels)
    labels >> report()


mapped_task_group_failure()
