"""The Airflow shapes the REST API gives values that Airflow's client deserializes: schedules, deltas, file tokens."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from tradewind.serialization import airflow_schedule, time_delta


def _data(dag: Any) -> dict[str, Any]:
    from tradewind.serialization import serialize_dag

    return serialize_dag(dag)


@pytest.mark.parametrize(
    ("schedule", "expected"),
    [
        ("@daily", {"__type": "CronExpression", "value": "@daily"}),
        ("@once", {"__type": "CronExpression", "value": "@once"}),
        ("*/5 * * * *", {"__type": "CronExpression", "value": "*/5 * * * *"}),
        (None, None),
        (timedelta(days=1, seconds=30), {"__type": "TimeDelta", "days": 1, "seconds": 30, "microseconds": 0}),
    ],
)
def test_schedules_in_airflows_shape(schedule: Any, expected: Any) -> None:
    from tradewind import DAG

    dag = DAG("d", start_date=datetime(2024, 1, 1), schedule=schedule)
    assert airflow_schedule(_data(dag), dag.schedule_summary) == expected


def test_a_relativedelta_and_a_dataset_schedule() -> None:
    from dateutil.relativedelta import relativedelta

    from tradewind import DAG, Dataset

    monthly = DAG("m", start_date=datetime(2024, 1, 1), schedule=relativedelta(months=1, day=3))
    shape = airflow_schedule(_data(monthly), monthly.schedule_summary)
    assert shape is not None and shape["__type"] == "RelativeDelta"
    assert (shape["months"], shape["day"], shape["years"]) == (1, 3, 0) and len(shape) == 16
    on_data = DAG("c", start_date=datetime(2024, 1, 1), schedule=[Dataset("s3://b/k")])
    assert airflow_schedule(_data(on_data), on_data.schedule_summary) == {
        "__type": "CronExpression",
        "value": "Dataset",
    }


def test_time_delta_splits_like_pythons_timedelta() -> None:
    assert time_delta(None) is None
    assert time_delta(90061.5) == {"__type": "TimeDelta", "days": 1, "seconds": 3661, "microseconds": 500000}


def test_a_file_token_names_its_file_and_cannot_be_forged(tradewind_home: Any) -> None:
    from tradewind.api.serialize import file_token, read_file_token

    token = file_token("/dags/etl.py")
    assert read_file_token(token) == "/dags/etl.py"
    forged = file_token("/dags/etl.py").split(".")[0].replace("ZXRs", "Zm9v") + "." + token.split(".")[1]
    assert read_file_token(forged) is None
    assert read_file_token("not a token") is None and read_file_token("") is None
