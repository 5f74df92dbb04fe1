# expect: {"dag_id": "xcom_value_types", "state": "success", "tasks": {"produce": "success", "check": "success"}, "xcom": {"check": "DateTime 2024-03-05 tuple set date Decimal"}}
# Airflow 2's XCom serializer keeps pendulum DateTimes (the context's dates), dates, tuples, sets and Decimals.
import datetime
from decimal import Decimal

import pendulum
from airflow.decorators import dag, task


@dag(start_date=pendulum.datetime(2023, 1, 1, tz="UTC"), schedule=None)
def xcom_value_types():
    @task(multiple_outputs=False)
    def produce(logical_date=None):
        return {
            "when": logical_date,
            "pair": (1, 2),
            "tags": {"a"},
            "day": datetime.date(2024, 3, 5),
            "amount": Decimal("1.50"),
        }

    @task
    def check(value):
        return " ".join(
            [
                type(value["when"]).__name__ if isinstance(value["when"], datetime.datetime) else "not-datetime",
                value["when"].strftime("%Y-%m-%d"),
                type(value["pair"]).__name__,
                type(value["tags"]).__name__,
                type(value["day"]).__name__,
                type(value["amount"]).__name__,
            ]
        )

    check(produce())


xcom_value_types()
