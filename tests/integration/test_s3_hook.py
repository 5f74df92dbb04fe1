"""S3Hook against a real S3 endpoint (moto's server, checking signatures): buckets, listing and its pages,
uploads, downloads, copies, deletes, full s3:// keys, bad credentials, and the connection test."""

from __future__ import annotations

import gzip
import json
import logging
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from tradewind.exceptions import NotFound
from tradewind.providers.amazon.aws.hooks.s3 import S3Hook

from moto_s3 import REGION, MotoS3


@pytest.fixture
def hook(aws_default: MotoS3) -> S3Hook:
    return S3Hook()


@pytest.fixture
def bucket(aws_default: MotoS3) -> str:
    return aws_default.new_bucket()


def put(server: MotoS3, bucket: str, *keys: str, body: bytes = b"x") -> None:
    client = server.client()
    for key in keys:
        client.put_object(Bucket=bucket, Key=key, Body=body)


def test_buckets(hook: S3Hook, aws_default: MotoS3) -> None:
    assert not hook.check_for_bucket("tw-not-there-at-all")
    hook.create_bucket("tw-made-by-hook")
    assert hook.check_for_bucket("tw-made-by-hook")
    put(aws_default, "tw-made-by-hook", "a", "b/c")
    with pytest.raises(Exception, match="BucketNotEmpty"):
        hook.delete_bucket("tw-made-by-hook")  # S3 deletes only empty buckets
    hook.delete_bucket("tw-made-by-hook", force_delete=True)
    assert not hook.check_for_bucket("tw-made-by-hook")
    hook.create_bucket("tw-in-eu", region_name="eu-west-1")
    assert aws_default.client().get_bucket_location(Bucket="tw-in-eu")["LocationConstraint"] == "eu-west-1"


def test_list_keys_prefixes_and_pages(hook: S3Hook, aws_default: MotoS3, bucket: str) -> None:
    keys = ["a.txt", "dir/1.csv", "dir/2.csv", "dir/sub/3.csv", "dir/sub/deeper/4.csv", "dirt.txt", "z/ü.txt"]
    put(aws_default, bucket, *keys)
    assert hook.list_keys(bucket) == keys  # S3's order: UTF-8 binary
    assert hook.list_keys(bucket, prefix="dir/") == keys[1:5]
    assert hook.list_keys(bucket, prefix="dir/", delimiter="/") == ["dir/1.csv", "dir/2.csv"]
    assert hook.list_keys(bucket, start_after_key="dir/sub/3.csv") == keys[4:]
    assert hook.list_keys(bucket, prefix="dir/", page_size=1) == keys[1:5]  # four pages, one key each
    assert hook.list_keys(bucket, page_size=2, max_items=3) == keys[:3]
    assert hook.list_keys(bucket, prefix="dir/*.csv", apply_wildcard=True) == keys[1:5]  # fnmatch's * spans /
    assert hook.list_keys(bucket, prefix="dir/*.csv") == []  # without apply_wildcard, * is a character
    assert hook.list_prefixes(bucket, delimiter="/") == ["dir/", "z/"]
    assert hook.list_prefixes(bucket, prefix="dir/", delimiter="/") == ["dir/sub/"]
    assert hook.list_prefixes(bucket, prefix="dir/", delimiter="/", page_size=1) == ["dir/sub/"]
    assert hook.check_for_prefix("dir/sub", "/", bucket) and hook.check_for_prefix("dir/", "/", bucket)
    assert not hook.check_for_prefix("dir/nope", "/", bucket)
    assert [m["Key"] for m in hook.iter_file_metadata("dir/sub/", bucket)] == keys[3:5]


def test_list_keys_by_modification_time(hook: S3Hook, aws_default: MotoS3, bucket: str) -> None:
    put(aws_default, bucket, "old")
    time.sleep(1.1)  # S3 keeps LastModified to the second
    middle = datetime.now(timezone.utc).replace(microsecond=0)
    time.sleep(1.1)
    put(aws_default, bucket, "new")
    assert hook.list_keys(bucket, from_datetime=middle) == ["new"]
    assert hook.list_keys(bucket, to_datetime=middle) == ["old"]
    assert hook.list_keys(bucket, from_datetime=middle.replace(tzinfo=None)) == ["new"]  # naive is UTC
    assert hook.list_keys(bucket, from_datetime=middle - timedelta(days=1), to_datetime=middle + timedelta(days=1)) == [
        "new",
        "old",
    ]
    newest = hook.list_keys(
        bucket, object_filter=lambda objs, lo, hi: [max(objs, key=lambda o: o["LastModified"])["Key"]]
    )
    assert newest == ["new"]


def test_keys_and_full_urls(hook: S3Hook, aws_default: MotoS3, bucket: str) -> None:
    hook.load_string("héllo", f"s3://{bucket}/t/a.txt")
    assert hook.check_for_key("t/a.txt", bucket) and hook.check_for_key(f"s3://{bucket}/t/a.txt")
    assert not hook.check_for_key("t/missing.txt", bucket)
    assert not hook.check_for_key("t/a.txt", "tw-no-such-bucket")  # S3 answers HeadObject 404 for both
    assert hook.head_object(f"s3://{bucket}/t/a.txt")["ContentLength"] == len("héllo".encode())
    assert hook.read_key("t/a.txt", bucket) == "héllo"
    assert hook.get_key(f"s3://{bucket}/t/a.txt").content_length == 6
    with pytest.raises(Exception, match="404"):
        hook.get_key("t/missing.txt", bucket)
    put(aws_default, bucket, "t/2024/x.csv", "t/2024/y.json", "t/[x].csv")
    assert hook.check_for_wildcard_key("t/*/*.csv", bucket)
    assert hook.get_wildcard_key(f"s3://{bucket}/t/2024/*.json").key == "t/2024/y.json"
    assert hook.check_for_wildcard_key("t/[[]x].csv", bucket)  # [ ] are a class; [[] is a literal [
    assert not hook.check_for_wildcard_key("t/*.parquet", bucket)
    assert hook.get_wildcard_key("t/*.parquet", bucket) is None


def test_uploads(hook: S3Hook, aws_default: MotoS3, bucket: str, tmp_path: Path) -> None:
    client = aws_default.client()
    hook.load_string("one", "k", bucket)
    with pytest.raises(ValueError, match="The key k already exists"):
        hook.load_string("two", "k", bucket)
    hook.load_string("two", "k", bucket, replace=True)
    assert client.get_object(Bucket=bucket, Key="k")["Body"].read() == b"two"
    hook.load_string("ça", "latin1", bucket, encoding="latin-1")
    assert client.get_object(Bucket=bucket, Key="latin1")["Body"].read() == "ça".encode("latin-1")
    hook.load_string("zipped text", "z.gz", bucket, compression="gzip")
    assert gzip.decompress(client.get_object(Bucket=bucket, Key="z.gz")["Body"].read()) == b"zipped text"
    with pytest.raises(NotImplementedError, match="bz2"):
        hook.load_string("x", "bz", bucket, compression="bz2")
    hook.load_bytes(b"\x00\x01", "bytes", bucket, encrypt=True)
    assert client.head_object(Bucket=bucket, Key="bytes")["ServerSideEncryption"] == "AES256"
    (tmp_path / "up").mkdir()
    local = tmp_path / "up" / "data.csv"
    local.write_text("a,b\n1,2\n")
    hook.load_file(local, f"s3://{bucket}/files/data.csv")
    hook.load_file(str(local), "files/data.csv.gz", bucket, gzip=True)
    assert client.get_object(Bucket=bucket, Key="files/data.csv")["Body"].read() == b"a,b\n1,2\n"
    assert gzip.decompress(client.get_object(Bucket=bucket, Key="files/data.csv.gz")["Body"].read()) == b"a,b\n1,2\n"
    assert sorted(p.name for p in (tmp_path / "up").iterdir()) == ["data.csv"]  # gzip left nothing beside the file
    with pytest.raises(Exception, match="NoSuchBucket"):
        hook.load_string("x", "k", "tw-no-such-bucket")


def test_extra_args_go_with_uploads(aws_default: MotoS3, bucket: str) -> None:
    S3Hook(extra_args={"ContentType": "text/csv"}).load_string("a,b", "typed.csv", bucket)
    assert aws_default.client().head_object(Bucket=bucket, Key="typed.csv")["ContentType"] == "text/csv"


def test_downloads(hook: S3Hook, aws_default: MotoS3, bucket: str, tmp_path: Path) -> None:
    put(aws_default, bucket, "in/report.txt", body=b"content")
    random_name = Path(hook.download_file("in/report.txt", bucket, local_path=str(tmp_path)))
    assert random_name.parent == tmp_path and random_name.name.startswith("tradewind_tmp_")
    assert random_name.read_bytes() == b"content"
    kept = Path(hook.download_file(f"s3://{bucket}/in/report.txt", local_path=str(tmp_path), preserve_file_name=True))
    assert kept.name == "report.txt" and kept.parent.parent == tmp_path and kept.read_bytes() == b"content"
    fixed = Path(
        hook.download_file(
            "in/report.txt", bucket, local_path=str(tmp_path), preserve_file_name=True, use_autogenerated_subdir=False
        )
    )
    assert fixed == tmp_path / "report.txt"
    with pytest.raises(FileExistsError):
        hook.download_file(
            "in/report.txt", bucket, local_path=str(tmp_path), preserve_file_name=True, use_autogenerated_subdir=False
        )
    with pytest.raises(NotFound, match=f"The source file in Bucket {bucket} with path in/nope.txt does not exist"):
        hook.download_file("in/nope.txt", bucket, local_path=str(tmp_path))


def test_copy_and_delete(hook: S3Hook, aws_default: MotoS3, bucket: str, monkeypatch: pytest.MonkeyPatch) -> None:
    other = aws_default.new_bucket()
    put(aws_default, bucket, "src/a", body=b"A")
    hook.copy_object(f"s3://{bucket}/src/a", f"s3://{other}/dst/a")
    hook.copy_object("src/a", "src/b", source_bucket_name=bucket, dest_bucket_name=bucket)
    assert aws_default.client().get_object(Bucket=other, Key="dst/a")["Body"].read() == b"A"
    with pytest.raises(TypeError, match="should be a relative path"):
        hook.copy_object(f"s3://{bucket}/src/a", "x", source_bucket_name=bucket, dest_bucket_name=bucket)
    with pytest.raises(Exception, match="NoSuchKey"):
        hook.copy_object(f"s3://{bucket}/src/missing", f"s3://{bucket}/x")
    # batches of DELETE_BATCH keys (S3's limit is 1,000 a request); a missing key counts as deleted, as in S3
    monkeypatch.setattr("tradewind.providers.amazon.aws.hooks.s3.DELETE_BATCH", 2)
    put(aws_default, bucket, "d/1", "d/2", "d/3", "d/4", "d/5")
    hook.delete_objects(bucket, [f"d/{i}" for i in range(1, 6)] + ["d/never-existed"])
    hook.delete_objects(bucket, "src/b")
    assert hook.list_keys(bucket) == ["src/a"]
    with pytest.raises(Exception, match="NoSuchBucket"):
        hook.delete_objects("tw-no-such-bucket", ["a"])


def test_bucket_name_from_the_connection_or_a_clear_error(
    aws_default: MotoS3, bucket: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(ValueError, match="list_keys: no bucket given"):
        S3Hook().list_keys()
    monkeypatch.setenv(
        "TRADEWIND_CONN_AWS_DEFAULT", aws_default.connection_json(service_config={"s3": {"bucket_name": bucket}})
    )
    hook = S3Hook()
    hook.load_string("d", "default-bucket.txt")
    assert hook.list_keys() == ["default-bucket.txt"] and hook.check_for_bucket()


def test_service_endpoint_and_no_connection_at_all(
    aws_default: MotoS3, bucket: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(
        "TRADEWIND_CONN_S3_ONLY",
        aws_default.connection_json(endpoint_url=None, service_config={"s3": {"endpoint_url": aws_default.url}}),
    )
    assert S3Hook(aws_conn_id="s3_only").check_for_bucket(bucket)
    # aws_conn_id=None: boto3's own chain (here the environment, endpoint included), as in Airflow
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", aws_default.access_key)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", aws_default.secret_key)
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_ENDPOINT_URL", aws_default.url)
    assert S3Hook(aws_conn_id=None).check_for_bucket(bucket)


def test_a_connection_that_does_not_exist_falls_back_to_boto3s_chain(
    aws_default: MotoS3, bucket: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", aws_default.access_key)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", aws_default.secret_key)
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_ENDPOINT_URL", aws_default.url)
    with caplog.at_level(logging.WARNING):
        assert S3Hook(aws_conn_id="not_defined").check_for_bucket(bucket)
    assert "Unable to find AWS Connection ID 'not_defined'" in caplog.text


def test_wrong_credentials_fail_clearly(
    aws_default: MotoS3, bucket: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    put(aws_default, bucket, "k")
    monkeypatch.setenv("TRADEWIND_CONN_AWS_BAD", aws_default.connection_json(password="wrong-secret-value"))
    hook = S3Hook(aws_conn_id="aws_bad")
    with pytest.raises(Exception, match="403"), caplog.at_level(logging.ERROR):
        hook.check_for_key("k", bucket)
    assert "credentials of connection 'aws_bad' are wrong" in caplog.text
    with pytest.raises(Exception, match="SignatureDoesNotMatch"):
        hook.list_keys(bucket)
    assert not hook.check_for_bucket(bucket)  # HeadBucket 403: logged and False, as Airflow's
    ok, message = hook.test_connection()
    assert not ok and "SignatureDoesNotMatch" in message and "wrong-secret-value" not in message


def test_connection_test_through_the_registry(aws_default: MotoS3, monkeypatch: pytest.MonkeyPatch) -> None:
    from tradewind.models.connection import Connection
    from tradewind.providers.registry import test_connection

    good = Connection.from_json(aws_default.connection_json(), conn_id="aws_t")
    ok, message = test_connection(good)
    assert ok and message.startswith("Connection successfully tested:") and aws_default.url in message
    unknown = Connection.from_json(aws_default.connection_json(login="AKIANOTAKEY"), "x")
    ok, message = test_connection(unknown)
    assert not ok and "InvalidAccessKeyId" in message
    # without an S3 endpoint: STS GetCallerIdentity (here at the emulator, through sts's own endpoint)
    sts_only = Connection.from_json(
        aws_default.connection_json(endpoint_url=None, service_config={"sts": {"endpoint_url": aws_default.url}}),
        conn_id="aws_sts",
    )
    ok, message = test_connection(sts_only)
    assert ok and "authenticated as arn:aws:iam::" in message


def test_the_secrets_a_hook_reads_are_masked_in_logs(
    aws_default: MotoS3, bucket: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tradewind.secrets.masker import redact_text, reset_masker

    reset_masker()
    token = "session-token-value-123"
    monkeypatch.setenv(
        "TRADEWIND_CONN_AWS_IN_EXTRA",
        json.dumps(
            {
                "conn_type": "aws",
                "extra": {
                    "aws_access_key_id": aws_default.access_key,
                    "aws_secret_access_key": aws_default.secret_key,
                    "aws_session_token": token,
                    "endpoint_url": aws_default.url,
                    "region_name": REGION,
                },
            }
        ),
    )
    hook = S3Hook(aws_conn_id="aws_in_extra")
    assert hook.conn_config.aws_session_token == token  # read, so registered with the masker
    line = f"boto3 said: key {aws_default.access_key} secret {aws_default.secret_key} token {token}"
    assert redact_text(line) == f"boto3 said: key {aws_default.access_key} secret *** token ***"
