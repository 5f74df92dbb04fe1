"""The amazon provider without a server: S3 URLs, what an `aws` connection means, argument checks, import
paths and costs, and the error naming the extra when boto3 is missing."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tradewind.exceptions import DagDefinitionError, InvalidConnection, ProviderExtraMissing
from tradewind.models.connection import Connection
from tradewind.providers.amazon.aws.connection_config import AwsConnectionConfig
from tradewind.providers.amazon.aws.exceptions import S3HookUriParseFailure
from tradewind.providers.amazon.aws.hooks.s3 import S3Hook


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("s3://bucket/key/with/parts.csv", ("bucket", "key/with/parts.csv")),
        ("S3://bucket/k", ("bucket", "k")),
        ("s3a://bucket/k", ("bucket", "k")),
        ("s3n://bucket/", ("bucket", "")),
        ("s3://bucket/a key #1.txt", ("bucket", "a key #1.txt")),  # no fragment in S3 keys
        ("s3://bucket/in/*/part-?.csv", ("bucket", "in/*/part-?.csv")),  # nor a query: ? is a wildcard
        ("https://bucket.s3.eu-west-1.amazonaws.com/dir/k.txt", ("bucket", "dir/k.txt")),
        ("https://s3.eu-west-1.amazonaws.com/bucket/dir/k.txt", ("bucket", "dir/k.txt")),
    ],
)
def test_parse_s3_url(url: str, expected: tuple[str, str]) -> None:
    assert S3Hook.parse_s3_url(url) == expected


@pytest.mark.parametrize("url", ["just/a/key", "s3:///no-bucket", "https://example.com/x", "ftp://host/file"])
def test_parse_s3_url_refuses_what_names_no_bucket(url: str) -> None:
    with pytest.raises(S3HookUriParseFailure, match="valid format"):
        S3Hook.parse_s3_url(url)


def test_get_s3_bucket_key() -> None:
    assert S3Hook.get_s3_bucket_key(None, "s3://b-1/k", "bucket_name", "bucket_key") == ("b-1", "k")
    assert S3Hook.get_s3_bucket_key("b-1", "dir/k", "bucket_name", "bucket_key") == ("b-1", "dir/k")
    assert S3Hook.get_s3_bucket_key("b-1", "logs/12:00.txt", "bucket_name", "bucket_key") == ("b-1", "logs/12:00.txt")
    with pytest.raises(TypeError, match="If `bucket_name` is provided, bucket_key should be a relative path"):
        S3Hook.get_s3_bucket_key("b-1", "s3://b-2/k", "bucket_name", "bucket_key")


def _aws(**fields: object) -> Connection:
    extra = fields.pop("extra", None)
    return Connection(conn_id="aws_x", conn_type="aws", extra=json.dumps(extra) if extra else None, **fields)  # type: ignore[arg-type]


def test_connection_login_and_password_are_the_key_pair_and_extra_sets_the_rest() -> None:
    conn = _aws(
        login="AKIA1",
        password="secret/1",
        extra={
            "region_name": "eu-west-1",
            "aws_session_token": "tok",
            "endpoint_url": "http://all:1",
            "service_config": {"s3": {"endpoint_url": "http://s3only:2", "bucket_name": "dflt"}},
            "verify": False,
            "config_kwargs": {"retries": {"max_attempts": 2}},
        },
    )
    cfg = AwsConnectionConfig.from_connection(conn)
    assert cfg.session_kwargs() == {
        "aws_access_key_id": "AKIA1",
        "aws_secret_access_key": "secret/1",
        "aws_session_token": "tok",
        "region_name": "eu-west-1",
    }
    assert cfg.endpoint_for("s3") == "http://s3only:2"
    assert cfg.endpoint_for("sts") == "http://all:1"
    assert cfg.service("s3")["bucket_name"] == "dflt"
    assert cfg.verify is False and cfg.config_kwargs == {"retries": {"max_attempts": 2}}
    # the hook's own arguments win over the connection's
    override = AwsConnectionConfig.from_connection(conn, region_name="us-west-2", verify="/ca.pem")
    assert override.region_name == "us-west-2" and override.verify == "/ca.pem"


def test_verify_from_a_uri_is_a_bool_and_a_path_stays_a_path() -> None:
    uri = Connection(conn_id="u", uri="aws://AKIA1:s@/?verify=false&region_name=eu-west-1")
    assert AwsConnectionConfig.from_connection(uri).verify is False
    assert AwsConnectionConfig.from_connection(_aws(extra={"verify": "/etc/ca.pem"})).verify == "/etc/ca.pem"


def test_connection_keys_in_extra_and_none_at_all() -> None:
    cfg = AwsConnectionConfig.from_connection(_aws(extra={"aws_access_key_id": "AKIA2", "aws_secret_access_key": "s2"}))
    assert cfg.session_kwargs() == {"aws_access_key_id": "AKIA2", "aws_secret_access_key": "s2"}
    assert AwsConnectionConfig.from_connection(_aws()).session_kwargs() == {}  # boto3's own chain
    assert AwsConnectionConfig.from_connection(None, region_name="eu-north-1").session_kwargs() == {
        "region_name": "eu-north-1"
    }


def test_connection_mistakes_are_clear_errors() -> None:
    with pytest.raises(InvalidConnection, match="'aws_x' has no secret access key"):
        AwsConnectionConfig.from_connection(_aws(login="AKIA1"))
    with pytest.raises(InvalidConnection, match="role_arn: assuming an IAM role is not supported"):
        AwsConnectionConfig.from_connection(_aws(extra={"role_arn": "arn:aws:iam::1:role/x"}))
    with pytest.raises(InvalidConnection, match="service_config' must be a JSON object"):
        AwsConnectionConfig.from_connection(_aws(extra={"service_config": "s3"}))


def test_s3_delete_objects_needs_keys_or_a_selection_not_both() -> None:
    from tradewind.providers.amazon.aws.operators.s3 import S3DeleteObjectsOperator

    with pytest.raises(DagDefinitionError, match="Either keys or at least one of prefix"):
        S3DeleteObjectsOperator(task_id="d", bucket="b-1")
    with pytest.raises(DagDefinitionError, match="Either keys or at least one of prefix"):
        S3DeleteObjectsOperator(task_id="d", bucket="b-1", keys=["a"], prefix="x/")
    S3DeleteObjectsOperator(task_id="d", bucket="b-1", from_datetime="2024-01-01")


def test_template_fields_include_the_connection_arguments() -> None:
    from tradewind.providers.amazon.aws.operators.s3 import S3CopyObjectOperator, S3ListOperator
    from tradewind.providers.amazon.aws.sensors.s3 import S3KeySensor

    assert set(S3KeySensor.template_fields) == {"bucket_key", "bucket_name", "aws_conn_id", "region_name", "verify"}
    assert {"bucket", "prefix", "delimiter", "aws_conn_id"} <= set(S3ListOperator.template_fields)
    assert {"source_bucket_key", "dest_bucket_key"} <= set(S3CopyObjectOperator.template_fields)


def test_aws_conn_id_comes_from_default_args() -> None:
    from tradewind import DAG
    from tradewind.providers.amazon.aws.operators.s3 import S3ListOperator

    with DAG("d", schedule=None, default_args={"aws_conn_id": "team_aws", "region_name": "eu-west-3"}):
        op = S3ListOperator(task_id="ls", bucket="b-1")
    assert op.aws_conn_id == "team_aws" and op.region_name == "eu-west-3"


def test_airflow_paths_give_the_provider_classes() -> None:
    code = """
from airflow.providers.amazon.aws.hooks.s3 import S3Hook
from airflow.providers.amazon.aws.hooks.base_aws import AwsBaseHook
from airflow.providers.amazon.aws.operators.s3 import (
    S3CopyObjectOperator, S3CreateObjectOperator, S3DeleteObjectsOperator, S3ListOperator, S3ListPrefixesOperator,
    S3CreateBucketOperator, S3DeleteBucketOperator,
)
from airflow.providers.amazon.aws.sensors.s3 import S3KeySensor
from airflow.providers.amazon.aws.triggers.s3 import S3KeyTrigger
import tradewind.providers.amazon.aws.sensors.s3 as native
assert S3KeySensor is native.S3KeySensor and issubclass(S3Hook, AwsBaseHook)
import sys
assert "boto3" not in sys.modules and "botocore" not in sys.modules, "parsing a DAG file must not import boto3"
"""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_import_tradewind_loads_no_provider() -> None:
    code = "import sys, tradewind; print(sorted(m for m in sys.modules if 'amazon' in m or m.startswith(('boto', 'moto'))))"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_missing_boto3_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    from tradewind.providers.amazon.aws.boto import ensure_installed

    monkeypatch.setitem(sys.modules, "boto3", None)  # as if not installed
    with pytest.raises(ProviderExtraMissing, match=r'pip install "tradewind\[amazon\]"'):
        ensure_installed()


def test_a_dag_file_importing_the_provider_without_boto3_gets_an_error_naming_the_extra() -> None:
    code = "import sys; sys.modules['boto3'] = None\nfrom airflow.providers.amazon.aws.sensors.s3 import S3KeySensor"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 1
    assert (
        "ProviderExtraMissing: this needs the Python package 'boto3', which is not installed: pip install \"tradewind[amazon]\""
        in proc.stderr
    )


def test_the_aws_connection_type_is_registered() -> None:
    from tradewind.providers.registry import connection_types

    aws = connection_types()["aws"]
    assert aws.tester == "tradewind.providers.amazon.tester:test_aws_connection"
    assert [f.name for f in aws.fields][:3] == ["login", "password", "extra__region_name"]


def test_a_trigger_error_fails_the_sensor_or_skips_it_with_soft_fail() -> None:
    from tradewind.exceptions import SkipTask, TriggerError
    from tradewind.providers.amazon.aws.sensors.s3 import S3KeySensor

    event = {"status": "error", "message": "ClientError: An error occurred (403) when calling the HeadObject operation"}
    with pytest.raises(TriggerError, match=r"S3KeySensor could not check S3: ClientError: .*\(403\)"):
        S3KeySensor(task_id="s", bucket_key="s3://b-1/k").execute_complete({}, event)
    with pytest.raises(SkipTask, match="soft_fail"):
        S3KeySensor(task_id="s", bucket_key="s3://b-1/k", soft_fail=True).execute_complete({}, event)
    S3KeySensor(task_id="s", bucket_key="s3://b-1/k").execute_complete({}, {"status": "success"})


def test_the_trigger_survives_its_serialize_round_trip() -> None:
    from tradewind.providers.amazon.aws.triggers.s3 import S3KeyTrigger
    from tradewind.triggers.base import load_trigger

    trigger = S3KeyTrigger(
        bucket_name="b-1", bucket_key=["a", "b*"], wildcard_match=True, poke_interval=2, should_check_fn=True, seen="x"
    )
    classpath, kwargs = trigger.serialize()
    json.dumps(kwargs)  # stored in the database as JSON
    again = load_trigger(classpath, kwargs)
    assert isinstance(again, S3KeyTrigger) and again.serialize() == (classpath, kwargs)
