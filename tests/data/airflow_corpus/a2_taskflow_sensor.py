# expect: {"dag_id": "example_sensor_decorator", "state": "success", "tasks": {"wait_for_upstream": "success", "dummy_operator": "success"}, "xcom": {"wait_for_upstream": "xcom_value_for_sensor"}}
import pendulum
from airflow.decorators import dag, task
from airflow.sensors.base import PokeReturnValue


@dag(
    schedule_interval=None,
    start_date=pendulum.datetime(2021, 1, 1, tz="UTC"),
    catchup=False,
    tags=["example"],
)
def example_sensor_decorator():
    @task.sensor(poke_interval=1, timeout=60, mode="reschedule")
    def wait_for_upstream() -> PokeReturnValue:
        return PokeReturnValue(is_done=True, xcom_value="xcom_value_for_sensor")

    @task
    def dummy_operator() -> None:
        pass

    wait_for_upstream() >> dummy_operator()


tutorial_etl_dag = example_sensor_decorator()
