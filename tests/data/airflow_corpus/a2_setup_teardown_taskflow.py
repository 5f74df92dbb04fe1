# expect: {"dag_id": "example_setup_teardown_taskflow", "state": "failed", "tasks": {"create_cluster": "success", "run_query": "failed", "delete_cluster": "success", "after_query": "upstream_failed"}}
# The work fails: the teardown still runs, and the run fails because a leaf (after_query) did not succeed.
import pendulum
from airflow.decorators import setup, task, teardown
from airflow.models.dag import DAG

with DAG(
    dag_id="example_setup_teardown_taskflow",
    start_date=pendulum.datetime(2021, 1, 1, tz="UTC"),
    catchup=False,
    tags=["example"],
) as dag:

    @setup
    def create_cluster():
        return "cluster-1"

    @task(retries=0)
    def run_query(cluster):
        raise RuntimeError(f"query failed on {cluster}")

    @task
    def after_query():
        print("never")

    @teardown
    def delete_cluster(cluster):
        print(f"deleting {cluster}")

    cluster = create_cluster()
    query = run_query(cluster)
    query >> after_query()
    query >> delete_cluster(cluster)
