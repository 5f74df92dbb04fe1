"""S3 operators with Airflow's names and arguments: create, copy, delete and list objects; create/delete buckets.

Each is a thin task around one S3Hook call, so the hook's rules (full s3:// keys, 1,000-key batches,
`replace`) hold here too. The list operators return their list, pushed as the `return_value` XCom.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tradewind.exceptions import DagDefinitionError
from tradewind.providers.amazon.aws.hooks.s3 import S3Hook
from tradewind.providers.amazon.aws.operators.base_aws import AwsBaseOperator
from tradewind.providers.amazon.aws.utils.mixins import aws_template_fields
from tradewind.sdk.baseoperator import Context

__all__ = [
    "S3CopyObjectOperator",
    "S3CreateBucketOperator",
    "S3CreateObjectOperator",
    "S3DeleteBucketOperator",
    "S3DeleteObjectsOperator",
    "S3ListOperator",
    "S3ListPrefixesOperator",
]


class S3CreateBucketOperator(AwsBaseOperator):
    """Create `bucket_name` (templated) in `region_name`, unless it already exists."""

    template_fields = aws_template_fields("bucket_name")
    aws_hook_class = S3Hook

    def __init__(self, *, bucket_name: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.bucket_name = bucket_name

    def execute(self, context: Context) -> None:
        if self.hook.check_for_bucket(self.bucket_name):
            self.log.info("Bucket with name: %s already exists", self.bucket_name)
            return
        self.hook.create_bucket(bucket_name=self.bucket_name, region_name=self.region_name)
        self.log.info("Created bucket with name: %s", self.bucket_name)


class S3DeleteBucketOperator(AwsBaseOperator):
    """Delete `bucket_name` (templated) if it exists; `force_delete` empties it first."""

    template_fields = aws_template_fields("bucket_name")
    aws_hook_class = S3Hook

    def __init__(self, *, bucket_name: str, force_delete: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.bucket_name = bucket_name
        self.force_delete = force_delete

    def execute(self, context: Context) -> None:
        if not self.hook.check_for_bucket(self.bucket_name):
            self.log.info("Bucket with name: %s doesn't exist", self.bucket_name)
            return
        self.hook.delete_bucket(bucket_name=self.bucket_name, force_delete=self.force_delete)
        self.log.info("Deleted bucket with name: %s", self.bucket_name)


class S3CreateObjectOperator(AwsBaseOperator):
    """Write `data` (str or bytes, templated) to `s3_key` (a full s3:// URL, or relative to `s3_bucket`).

    `replace=False` (the default) fails if the key exists; `encoding` and `compression="gzip"` apply to
    text; `encrypt` asks for SSE-S3; `acl_policy` is a canned ACL.
    """

    template_fields = aws_template_fields("s3_bucket", "s3_key", "data")
    aws_hook_class = S3Hook

    def __init__(
        self,
        *,
        s3_bucket: str | None = None,
        s3_key: str,
        data: str | bytes,
        replace: bool = False,
        encrypt: bool = False,
        acl_policy: str | None = None,
        encoding: str | None = None,
        compression: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.s3_bucket = s3_bucket
        self.s3_key = s3_key
        self.data = data
        self.replace = replace
        self.encrypt = encrypt
        self.acl_policy = acl_policy
        self.encoding = encoding
        self.compression = compression

    def execute(self, context: Context) -> None:
        bucket, key = self.hook.get_s3_bucket_key(self.s3_bucket, self.s3_key, "dest_bucket", "dest_key")
        if isinstance(self.data, str):
            self.hook.load_string(
                self.data,
                key,
                bucket,
                replace=self.replace,
                encrypt=self.encrypt,
                encoding=self.encoding,
                acl_policy=self.acl_policy,
                compression=self.compression,
            )
        else:
            self.hook.load_bytes(
                self.data, key, bucket, replace=self.replace, encrypt=self.encrypt, acl_policy=self.acl_policy
            )
        self.log.info("Wrote s3://%s/%s", bucket, key)


class S3CopyObjectOperator(AwsBaseOperator):
    """Copy an object within S3 (templated keys and buckets; each key a full s3:// URL or relative to its bucket)."""

    template_fields = aws_template_fields(
        "source_bucket_key", "dest_bucket_key", "source_bucket_name", "dest_bucket_name"
    )
    aws_hook_class = S3Hook

    def __init__(
        self,
        *,
        source_bucket_key: str,
        dest_bucket_key: str,
        source_bucket_name: str | None = None,
        dest_bucket_name: str | None = None,
        source_version_id: str | None = None,
        acl_policy: str | None = None,
        meta_data_directive: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.source_bucket_key = source_bucket_key
        self.dest_bucket_key = dest_bucket_key
        self.source_bucket_name = source_bucket_name
        self.dest_bucket_name = dest_bucket_name
        self.source_version_id = source_version_id
        self.acl_policy = acl_policy
        self.meta_data_directive = meta_data_directive

    def execute(self, context: Context) -> None:
        self.hook.copy_object(
            self.source_bucket_key,
            self.dest_bucket_key,
            self.source_bucket_name,
            self.dest_bucket_name,
            self.source_version_id,
            self.acl_policy,
            self.meta_data_directive,
        )


def _one_way_given(keys: Any, prefix: Any, from_datetime: Any, to_datetime: Any) -> bool:
    """S3DeleteObjectsOperator takes keys, or a selection (prefix and/or a LastModified window): exactly one."""
    return (keys is None) != all(v is None for v in (prefix, from_datetime, to_datetime))


def _as_datetime(value: datetime | str | None) -> datetime | None:
    """A bound given as text (a rendered template, `"{{ data_interval_start }}"`) is parsed; naive means UTC."""
    if value is None or isinstance(value, datetime):
        return value
    import pendulum

    return pendulum.parse(value, tz="UTC")  # type: ignore[return-value]


class S3DeleteObjectsOperator(AwsBaseOperator):
    """Delete `keys` (one or a list) from `bucket`, or every key under `prefix` and/or modified in
    (`from_datetime`, `to_datetime`]; all templated. An empty `keys` deletes nothing."""

    template_fields = aws_template_fields("keys", "bucket", "prefix", "from_datetime", "to_datetime")
    aws_hook_class = S3Hook

    def __init__(
        self,
        *,
        bucket: str,
        keys: str | list[str] | None = None,
        prefix: str | None = None,
        from_datetime: datetime | str | None = None,
        to_datetime: datetime | str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.bucket = bucket
        self.keys = keys
        self.prefix = prefix
        self.from_datetime = from_datetime
        self.to_datetime = to_datetime
        if not _one_way_given(keys, prefix, from_datetime, to_datetime):
            raise DagDefinitionError(
                f"{self.task_id}: Either keys or at least one of prefix, from_datetime, to_datetime should be set."
            )

    def execute(self, context: Context) -> None:
        if not _one_way_given(self.keys, self.prefix, self.from_datetime, self.to_datetime):
            raise ValueError("Either keys or at least one of prefix, from_datetime, to_datetime should be set.")
        if isinstance(self.keys, (list, str)) and not self.keys:
            self.log.info("No keys given: nothing to delete")
            return None
        keys = self.keys or self.hook.list_keys(
            bucket_name=self.bucket,
            prefix=self.prefix,
            from_datetime=_as_datetime(self.from_datetime),
            to_datetime=_as_datetime(self.to_datetime),
        )
        if not keys:
            self.log.info("No keys under prefix %r in the time window: nothing to delete", self.prefix)
            return None
        self.hook.delete_objects(bucket=self.bucket, keys=keys)
        return None


class S3ListOperator(AwsBaseOperator):
    """The keys of `bucket` under `prefix` (not past `delimiter`), as a list pushed to XCom; all templated."""

    template_fields = aws_template_fields("bucket", "prefix", "delimiter")
    ui_color = "#ffd700"
    aws_hook_class = S3Hook

    def __init__(
        self, *, bucket: str, prefix: str = "", delimiter: str = "", apply_wildcard: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.bucket = bucket
        self.prefix = prefix
        self.delimiter = delimiter
        self.apply_wildcard = apply_wildcard

    def execute(self, context: Context) -> list[str]:
        self.log.info(
            "Getting the list of files from bucket: %s in prefix: %s (Delimiter %s)",
            self.bucket,
            self.prefix,
            self.delimiter,
        )
        return self.hook.list_keys(
            bucket_name=self.bucket, prefix=self.prefix, delimiter=self.delimiter, apply_wildcard=self.apply_wildcard
        )


class S3ListPrefixesOperator(AwsBaseOperator):
    """The common prefixes ("subfolders") of `bucket` under `prefix`, one `delimiter` level down, pushed to XCom."""

    template_fields = aws_template_fields("bucket", "prefix", "delimiter")
    ui_color = "#ffd700"
    aws_hook_class = S3Hook

    def __init__(self, *, bucket: str, prefix: str, delimiter: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.bucket = bucket
        self.prefix = prefix
        self.delimiter = delimiter

    def execute(self, context: Context) -> list[str]:
        self.log.info(
            "Getting the list of subfolders from bucket: %s in prefix: %s (Delimiter %s)",
            self.bucket,
            self.prefix,
            self.delimiter,
        )
        return self.hook.list_prefixes(bucket_name=self.bucket, prefix=self.prefix, delimiter=self.delimiter)
