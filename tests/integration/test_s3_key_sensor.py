"""S3KeySensor's poke and S3KeyTrigger against a real S3 endpoint: exact keys, lists, wildcards, regexes,
check_fn and metadata_keys; the trigger fires when keys appear, and with check_fn only when objects change."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tradewind.providers.amazon.aws.sensors.s3 import S3KeySensor
from tradewind.providers.amazon.aws.triggers.s3 import S3KeyTrigger
from tradewind.triggers.base import TriggerEvent

from moto_s3 import MotoS3


@pytest.fixture
def bucket(aws_default: MotoS3) -> str:
    return aws_default.new_bucket()


def put(server: MotoS3, bucket: str, key: str, body: bytes = b"x") -> None:
    server.client().put_object(Bucket=bucket, Key=key, Body=body)


def poke(**kwargs: Any) -> bool:
    return S3KeySensor(task_id="s", **kwargs).poke({"ds": "2024-03-05"})


def test_exact_keys_and_lists(aws_default: MotoS3, bucket: str) -> None:
    assert not poke(bucket_key=f"s3://{bucket}/a.csv")
    put(aws_default, bucket, "a.csv")
    assert poke(bucket_key=f"s3://{bucket}/a.csv") and poke(bucket_key="a.csv", bucket_name=bucket)
    assert not poke(bucket_key=["a.csv", "b.csv"], bucket_name=bucket)  # every key must exist
    put(aws_default, bucket, "b.csv")
    assert poke(bucket_key=[f"s3://{bucket}/a.csv", f"s3://{bucket}/b.csv"])
    assert not poke(bucket_key="a.csv", bucket_name="tw-no-such-bucket")  # a missing bucket: not there yet
    with pytest.raises(TypeError, match="should be a relative path"):
        poke(bucket_key=f"s3://{bucket}/a.csv", bucket_name=bucket)


def test_wildcards_and_regexes(aws_default: MotoS3, bucket: str) -> None:
    put(aws_default, bucket, "in/2024-03-05/part-1.csv")
    assert poke(bucket_key=f"s3://{bucket}/in/*/part-?.csv", wildcard_match=True)
    assert not poke(bucket_key=f"s3://{bucket}/in/*.json", wildcard_match=True)
    assert poke(bucket_key=r"in/\d{4}-\d{2}-\d{2}/part-\d+\.csv", bucket_name=bucket, use_regex=True)
    assert not poke(bucket_key=r"\d{4}", bucket_name=bucket, use_regex=True)  # matched from the key's start


def test_check_fn_gets_the_metadata_of_each_keys_matches(aws_default: MotoS3, bucket: str) -> None:
    put(aws_default, bucket, "d/1.csv", b"12345")
    put(aws_default, bucket, "d/2.csv", b"1")
    seen: list[Any] = []

    def record(files: list[dict[str, Any]]) -> bool:
        seen.append(files)
        return all(f["Size"] >= 5 for f in files)

    assert not poke(bucket_key="d/*.csv", bucket_name=bucket, wildcard_match=True, check_fn=record)
    assert seen[-1] == [{"Size": 5, "Key": "d/1.csv"}, {"Size": 1, "Key": "d/2.csv"}]
    assert poke(bucket_key="d/1.csv", bucket_name=bucket, check_fn=record)
    assert seen[-1] == [{"Size": 5, "Key": "d/1.csv"}]  # an exact key: Size is HeadObject's ContentLength
    assert poke(
        bucket_key="d/1.csv",
        bucket_name=bucket,
        metadata_keys=["ContentType", "ETag", "NotAnAttribute"],
        check_fn=lambda files, **context: files[0]["ETag"].startswith('"') and context["ds"] == "2024-03-05",
    )
    everything: list[Any] = []
    poke(bucket_key="d/2.csv", bucket_name=bucket, metadata_keys=["*"], check_fn=lambda f: everything.extend(f) or True)
    assert everything[0]["ContentLength"] == 1 and "LastModified" in everything[0]


def first_event(trigger: S3KeyTrigger, timeout: float) -> TriggerEvent | None:
    async def wait() -> TriggerEvent | None:
        async def first() -> TriggerEvent:
            async for event in trigger.run():
                return event
            raise AssertionError("the trigger ended without an event")

        try:
            return await asyncio.wait_for(first(), timeout)
        except TimeoutError:
            return None

    return asyncio.run(wait())


def test_the_trigger_fires_when_the_keys_exist(aws_default: MotoS3, bucket: str) -> None:
    trigger = S3KeyTrigger(bucket_name=bucket, bucket_key=["x", "y*"], wildcard_match=True, poke_interval=0.2)
    put(aws_default, bucket, "x")
    assert first_event(trigger, 1.0) is None  # y* matches nothing yet
    put(aws_default, bucket, "y-1")
    assert first_event(trigger, 5.0) == TriggerEvent({"status": "success"})


def test_with_check_fn_the_trigger_fires_only_when_the_objects_change(aws_default: MotoS3, bucket: str) -> None:
    put(aws_default, bucket, "f/1.csv", b"1")
    sensor = S3KeySensor(
        task_id="s", bucket_key="f/*.csv", bucket_name=bucket, wildcard_match=True, check_fn=lambda files: False
    )
    assert not sensor.poke({})  # found, turned down by check_fn: remembered as seen
    trigger = sensor.trigger_for({})
    trigger.poke_interval = 0.2
    assert first_event(trigger, 1.0) is None  # nothing changed: no wake-up
    put(aws_default, bucket, "f/2.csv", b"22")
    assert first_event(trigger, 5.0) == TriggerEvent({"status": "running", "files": ["f/1.csv", "f/2.csv"]})


def test_the_trigger_reports_errors(aws_default: MotoS3, bucket: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRADEWIND_CONN_AWS_BAD", aws_default.connection_json(password="not-the-secret-key"))
    event = first_event(S3KeyTrigger(bucket_name=bucket, bucket_key="k", aws_conn_id="aws_bad"), 5.0)
    assert event is not None and event.payload["status"] == "error" and "403" in event.payload["message"]
