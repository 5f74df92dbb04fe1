# expect: {"dag_id": "sdk_setup_teardown", "state": "success", "tasks": {"create": "success", "use": "success", "delete": "success"}, "xcom": {"use": "using tmp-bucket"}}
import pendulum
from airflow.sdk import dag, setup, task, teardown


@dag(start_date=pendulum.datetime(2024, 1, 1, tz="UTC"), schedule=None)
def sdk_setup_teardown():
    @setup
    def create():
        return "tmp-bucket"

    @task
    def use(bucket):
        return f"using {bucket}"

    @teardown
    def delete(bucket):
        print(f"deleting {bucket}")

    bucket = create()
    use(bucket) >> delete(bucket)


sdk_setup_teardown()
