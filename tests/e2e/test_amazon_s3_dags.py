"""Airflow DAG files using the amazon provider, unchanged, against a real S3 endpoint (moto's server):
`tradewind dags test` through the CLI (every S3 operator and the sensor, templated, and their failures with
clear errors and no secret in the logs), and deferrable S3KeySensors under the scheduler and a real triggerer."""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path

import pytest

from moto_s3 import MotoS3
from scheduler_process import SchedulerProcess, finished, wait_for

pytestmark = pytest.mark.timeout(180)

PIPELINE = """
import pendulum

from airflow import DAG
from airflow.operators.python import PythonOperator
from airflow.providers.amazon.aws.hooks.s3 import S3Hook
from airflow.providers.amazon.aws.operators.s3 import (
    S3CopyObjectOperator,
    S3CreateBucketOperator,
    S3CreateObjectOperator,
    S3DeleteObjectsOperator,
    S3ListOperator,
    S3ListPrefixesOperator,
)
from airflow.providers.amazon.aws.sensors.s3 import S3KeySensor

BUCKET = "{{ params.bucket }}"


def verify(ti, params, ds):
    listed = ti.xcom_pull(task_ids="list_processed")
    assert listed == [f"processed/{ds}/data.csv"], listed
    assert ti.xcom_pull(task_ids="list_days") == [f"raw/{ds}/"], ti.xcom_pull(task_ids="list_days")
    assert S3Hook(aws_conn_id="aws_default").read_key(listed[0], params["bucket"]) == f"day,value\\n{ds},42"  # Jinja drops one trailing newline, as on Airflow


with DAG(
    "s3_pipeline",
    schedule="@daily",
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,
    params={"bucket": "BUCKET_NAME"},
    default_args={"aws_conn_id": "aws_default", "retries": 0},
):
    make = S3CreateBucketOperator(task_id="make_bucket", bucket_name=BUCKET)
    write = S3CreateObjectOperator(
        task_id="write",
        s3_key="s3://{{ params.bucket }}/raw/{{ ds }}/data.csv",
        data="day,value\\n{{ ds }},42\\n",
        replace=True,
    )
    wait = S3KeySensor(
        task_id="wait",
        bucket_name=BUCKET,
        bucket_key="raw/{{ ds }}/*.csv",
        wildcard_match=True,
        check_fn=lambda files: all(f["Size"] > 0 for f in files),
        poke_interval=1,
        timeout=30,
    )
    wait_deferred = S3KeySensor(
        task_id="wait_deferred", bucket_key="s3://{{ params.bucket }}/raw/{{ ds }}/data.csv", deferrable=True
    )
    copy = S3CopyObjectOperator(
        task_id="copy",
        source_bucket_key="raw/{{ ds }}/data.csv",
        source_bucket_name=BUCKET,
        dest_bucket_key="s3://{{ params.bucket }}/processed/{{ ds }}/data.csv",
    )
    list_processed = S3ListOperator(task_id="list_processed", bucket=BUCKET, prefix="processed/{{ ds }}/", delimiter="/")
    list_days = S3ListPrefixesOperator(task_id="list_days", bucket=BUCKET, prefix="raw/", delimiter="/")
    check = PythonOperator(task_id="verify", python_callable=verify)
    cleanup = S3DeleteObjectsOperator(task_id="cleanup", bucket=BUCKET, prefix="raw/")
    make >> write >> [wait, wait_deferred] >> copy >> [list_processed, list_days] >> check >> cleanup
"""

FAILURES = """
import pendulum

from airflow import DAG
from airflow.providers.amazon.aws.operators.s3 import S3CopyObjectOperator, S3CreateObjectOperator
from airflow.providers.amazon.aws.sensors.s3 import S3KeySensor

with DAG("s3_failures", schedule=None, start_date=pendulum.datetime(2024, 1, 1, tz="UTC"), default_args={"retries": 0}):
    S3CreateObjectOperator(task_id="no_bucket", s3_bucket="tw-no-such-bucket-here", s3_key="a.txt", data="x")
    S3KeySensor(task_id="bad_secret", aws_conn_id="aws_bad", bucket_key="s3://BUCKET_NAME/k", poke_interval=1, timeout=5)
    S3CopyObjectOperator(task_id="missing_key", source_bucket_key="s3://BUCKET_NAME/nope", dest_bucket_key="s3://BUCKET_NAME/x")
    S3KeySensor(task_id="times_out", bucket_key="s3://BUCKET_NAME/never", poke_interval=0.5, timeout=1)
"""

BAD_SECRET = "wrong-secret-value-0123456789"


def test_an_airflow_dag_file_using_s3_runs_under_dags_test(cli_process, write_dag, aws_default: MotoS3) -> None:
    bucket = f"tw-{uuid.uuid4().hex[:12]}"  # made by the DAG's first task
    write_dag("s3_pipeline.py", PIPELINE.replace("BUCKET_NAME", bucket))
    r = cli_process("dags", "test", "s3_pipeline", "2024-03-05", "-o", "json")
    assert r.code == 0, r.err + r.out
    report = json.loads(r.out)
    states = {ti["task_id"]: ti["state"] for ti in report["task_instances"]}
    assert report["state"] == "success", states
    assert set(states.values()) == {"success"} and len(states) == 9
    assert sorted(o["Key"] for o in aws_default.client().list_objects_v2(Bucket=bucket)["Contents"]) == [
        "processed/2024-03-05/data.csv"  # raw/ deleted by the last task
    ]
    deferred_log = Path(next(ti["log_path"] for ti in report["task_instances"] if ti["task_id"] == "wait_deferred"))
    assert "Success criteria met" in deferred_log.read_text(encoding="utf-8")


def test_s3_failures_are_clear_task_errors_without_the_secret(
    cli_process, write_dag, aws_default: MotoS3, monkeypatch: pytest.MonkeyPatch
) -> None:
    bucket = aws_default.new_bucket()
    monkeypatch.setenv("TRADEWIND_CONN_AWS_BAD", aws_default.connection_json(password=BAD_SECRET))
    write_dag("s3_failures.py", FAILURES.replace("BUCKET_NAME", bucket))
    r = cli_process("dags", "test", "s3_failures", "2024-03-05", "-o", "json")
    assert r.code != 0
    report = json.loads(r.out)
    assert report["state"] == "failed"
    logs = {}
    for ti in report["task_instances"]:
        assert ti["state"] == "failed", ti
        logs[ti["task_id"]] = Path(ti["log_path"]).read_text(encoding="utf-8")
    assert "NoSuchBucket" in logs["no_bucket"] and "The specified bucket does not exist" in logs["no_bucket"]
    assert "credentials of connection 'aws_bad' are wrong" in logs["bad_secret"] and "403" in logs["bad_secret"]
    assert "NoSuchKey" in logs["missing_key"]
    assert "SensorTimeout" in logs["times_out"] or "Sensor has timed out" in logs["times_out"]
    for text in (*logs.values(), r.out, r.err):
        assert BAD_SECRET not in text and aws_default.secret_key not in text


DEFERRED = """
import pendulum

from airflow import DAG
from airflow.providers.amazon.aws.sensors.s3 import S3KeySensor

with DAG("s3_deferred", schedule=None, start_date=pendulum.datetime(2024, 1, 1, tz="UTC")):
    S3KeySensor(task_id="wait_flag", bucket_key="s3://BUCKET_NAME/in/ready.flag", deferrable=True, poke_interval=0.5, timeout=120)
    S3KeySensor(
        task_id="wait_big",
        bucket_name="BUCKET_NAME",
        bucket_key="in/data-*.csv",
        wildcard_match=True,
        check_fn=lambda files: sum(f["Size"] for f in files) >= 10,
        deferrable=True,
        poke_interval=0.5,
        timeout=120,
    )
"""


@pytest.fixture
def triggerer(tradewind_home: Path):
    proc = SchedulerProcess(tradewind_home, tradewind_home / "triggerer.out", "triggerer").start()
    yield proc
    proc.stop()


def _ti(run_id: str, task_id: str):
    from tradewind.store import task_instances

    return task_instances.get_task_instance("s3_deferred", run_id, task_id)


def test_deferrable_s3_key_sensors_wait_in_the_triggerer(aws_default: MotoS3, scheduler, triggerer, write_dag) -> None:
    """aws_default comes first: the triggerer process must start with the connection in its environment."""
    from tradewind.scheduler.trigger import trigger_dag
    from tradewind.store import dags

    bucket = aws_default.new_bucket()
    client = aws_default.client()
    client.put_object(Bucket=bucket, Key="in/data-1.csv", Body=b"a,b")  # matches, but check_fn wants 10 bytes
    write_dag("s3_deferred.py", DEFERRED.replace("BUCKET_NAME", bucket))
    scheduler.start()
    wait_for(lambda: dags.get_dag("s3_deferred") is not None, what="the DAG to be parsed")
    run = trigger_dag("s3_deferred")
    for task_id in ("wait_flag", "wait_big"):
        wait_for(lambda t=task_id: _ti(run.run_id, t).state == "deferred", what=f"{task_id} to defer")
    time.sleep(2)  # several trigger polls: an unchanged bucket wakes neither task
    assert _ti(run.run_id, "wait_flag").state == "deferred" and _ti(run.run_id, "wait_big").state == "deferred"

    client.put_object(Bucket=bucket, Key="in/ready.flag", Body=b"")
    wait_for(lambda: _ti(run.run_id, "wait_flag").state == "success", what="the flag sensor")
    assert _ti(run.run_id, "wait_big").state == "deferred"

    client.put_object(Bucket=bucket, Key="in/data-2.csv", Body=b"0123456789")  # now 13 bytes in all
    (done,) = wait_for(finished("s3_deferred"), timeout=60, what="the run")
    assert done.state == "success", scheduler.output()
    for task_id in ("wait_flag", "wait_big"):
        ti = _ti(run.run_id, task_id)
        assert ti.try_number == 1 and ti.next_method is None, ti
        log = Path(ti.log_path).read_text(encoding="utf-8")
        assert "Pausing task as DEFERRED" in log and "Success criteria met" in log
    # wait_big deferred once, was woken once (a new object), and check_fn said yes: one pause in its log
    assert Path(_ti(run.run_id, "wait_big").log_path).read_text(encoding="utf-8").count("Pausing task as DEFERRED") == 1


NO_BOTO3 = """
import sys

sys.modules["boto3"] = None  # as on a machine where the amazon extra is not installed
from airflow import DAG
from airflow.providers.amazon.aws.sensors.s3 import S3KeySensor
"""


def test_a_dag_file_without_the_extra_is_an_import_error_naming_it(cli_process, write_dag) -> None:
    """Parsed in a child process: the file's sys.modules trick must not hide boto3 from this test process."""
    write_dag("needs_boto3.py", NO_BOTO3)
    cli_process("dags", "list")
    r = cli_process("dags", "list-import-errors", "-o", "json")
    [error] = json.loads(r.out)
    assert error["filepath"].endswith("needs_boto3.py") and error["lineno"] == 5, error
    assert 'pip install "tradewind[amazon]"' in error["error"], error
