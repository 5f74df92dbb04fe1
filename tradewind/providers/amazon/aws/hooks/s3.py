"""`S3Hook`: Amazon S3 (or any S3-compatible store) through boto3, with Airflow's S3Hook methods and arguments.

Two decorators give Airflow's argument conveniences: `unify_bucket_name_and_key` splits a full
`s3://bucket/key` passed as the key when no `bucket_name` is passed, and `provide_bucket_name`
falls back to the connection's `service_config.s3.bucket_name`. Listing pages through
ListObjectsV2 (1,000 keys a page); deleting sends at most 1,000 keys a request, S3's limits.
"""

from __future__ import annotations

import fnmatch
import inspect
import re
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from functools import cached_property, wraps
from pathlib import Path
from typing import IO, Any, TypeVar, cast

from tradewind.exceptions import NotFound
from tradewind.providers.amazon.aws.boto import http_status
from tradewind.providers.amazon.aws.exceptions import S3HookUriParseFailure, S3OperationFailed
from tradewind.providers.amazon.aws.hooks.base_aws import AwsBaseHook

__all__ = ["NO_ACL", "S3Hook", "provide_bucket_name", "unify_bucket_name_and_key"]

F = TypeVar("F", bound=Callable[..., Any])

#: `acl_policy` value that sends no ACL with a copy (buckets with ACLs disabled refuse any ACL header).
NO_ACL = "no-acl"
#: S3's cap on keys per DeleteObjects request.
DELETE_BATCH = 1000
_WILDCARD = re.compile(r"[\[*?]")
#: A full URL (`s3://…`, `https://…`) rather than a key, which may hold `:` (`logs/12:00.txt`).
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")


def wildcard_prefix(pattern: str) -> str:
    """The literal start of a shell wildcard (before its first `*`, `?` or `[`): the prefix to list from."""
    return _WILDCARD.split(pattern, 1)[0]


def provide_bucket_name(func: F) -> F:
    """A missing `bucket_name` is the connection's `service_config.s3.bucket_name`; neither is a clear error."""
    signature = inspect.signature(func)
    if "bucket_name" not in signature.parameters:
        raise TypeError(f"provide_bucket_name wraps functions with a bucket_name parameter, not {func.__name__}")

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        bound = signature.bind(*args, **kwargs)
        if not bound.arguments.get("bucket_name"):
            hook = args[0]
            default = hook.service_config.get("bucket_name")
            if not default:
                raise ValueError(
                    f"{func.__name__}: no bucket given — pass bucket_name, a full s3://bucket/key, or set "
                    "service_config.s3.bucket_name in the connection's extra"
                )
            bound.arguments["bucket_name"] = default
        return func(*bound.args, **bound.kwargs)

    return cast(F, wrapper)


def unify_bucket_name_and_key(func: F) -> F:
    """With no `bucket_name` (or None), a full URL given as `key` (or `wildcard_key`) is split into both."""
    signature = inspect.signature(func)
    key_name = "wildcard_key" if "wildcard_key" in signature.parameters else "key"
    if key_name not in signature.parameters:
        raise TypeError(f"unify_bucket_name_and_key wraps functions with a key parameter, not {func.__name__}")

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        bound = signature.bind(*args, **kwargs)
        key = bound.arguments.get(key_name)
        if not bound.arguments.get("bucket_name") and isinstance(key, str):
            try:
                bound.arguments["bucket_name"], bound.arguments[key_name] = S3Hook.parse_s3_url(key)
            except S3HookUriParseFailure:
                pass  # a relative key: the bucket comes from provide_bucket_name
        return func(*bound.args, **bound.kwargs)

    return cast(F, wrapper)


def _utc(moment: datetime | None) -> datetime | None:
    """S3's LastModified is timezone-aware; a naive bound is read as UTC rather than failing to compare."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=timezone.utc)


class S3Hook(AwsBaseHook):
    """Amazon S3: buckets, keys, uploads, downloads, copies and deletes, as Airflow's `S3Hook`.

    `transfer_config_args` are boto3 `TransferConfig` arguments (multipart sizes, threads) for uploads
    and downloads; `extra_args` go with every upload/download (e.g. `{"ContentType": "text/csv"}`).
    """

    def __init__(
        self,
        aws_conn_id: str | None = AwsBaseHook.default_conn_name,
        transfer_config_args: dict[str, Any] | None = None,
        extra_args: dict[str, Any] | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> None:
        kwargs["client_type"] = "s3"
        kwargs["aws_conn_id"] = aws_conn_id
        self._requester_pays = bool(kwargs.pop("requester_pays", False))
        if transfer_config_args is not None and not isinstance(transfer_config_args, dict):
            raise TypeError(f"transfer_config_args expected dict, got {type(transfer_config_args).__name__}.")
        if extra_args is not None and not isinstance(extra_args, dict):
            raise TypeError(f"extra_args expected dict, got {type(extra_args).__name__}.")
        self._transfer_config_args = dict(transfer_config_args or {})
        self._extra_args = dict(extra_args or {})
        super().__init__(*args, **kwargs)

    @property
    def extra_args(self) -> dict[str, Any]:
        """A copy of the upload/download extra arguments (callers add to it freely)."""
        return dict(self._extra_args)

    @cached_property
    def transfer_config(self) -> Any:
        from boto3.s3.transfer import TransferConfig

        return TransferConfig(**self._transfer_config_args)

    @cached_property
    def resource(self) -> Any:
        """The boto3 S3 service resource (objects with `.get()`, `.download_fileobj()`...)."""
        return self.get_resource_type()

    def get_resource_type(self, region_name: str | None = None) -> Any:
        return self.get_session(region_name).resource("s3", **self._client_kwargs("s3"))

    def _payer(self) -> dict[str, str]:
        return {"RequestPayer": "requester"} if self._requester_pays else {}

    # --- URLs ------------------------------------------------------------------------------
    @staticmethod
    def parse_s3_url(s3url: str) -> tuple[str, str]:
        """(bucket, key) of `s3://bucket/key` (also s3a://, s3n://) or of an https S3 URL
        (`https://bucket.s3.region.amazonaws.com/key`, `https://s3.region.amazonaws.com/bucket/key`).

        Everything after the bucket is the key, `?` and `#` included: both are legal in S3 keys (and `?`
        is a wildcard for S3KeySensor), so the URL is split by hand, not as an HTTP URL.
        """
        expected = "s3://bucket-name/key-name or https://bucket-name.s3.region-code.amazonaws.com/key-name"
        failure = S3HookUriParseFailure(f'Please provide a bucket name using a valid format: {expected}, not "{s3url}"')
        scheme, sep, rest = s3url.partition("://")
        if not sep:
            raise failure
        host, _, path = rest.partition("/")
        if re.fullmatch(r"s3[an]?", scheme, re.IGNORECASE):
            if not host:
                raise failure
            return host, path
        if scheme.lower() == "https":
            labels = host.split(".")
            if labels[0] == "s3" and "/" in path:  # path style: s3.region.amazonaws.com/bucket/key
                bucket, _, key = path.partition("/")
                return bucket, key
            if len(labels) > 1 and labels[1] == "s3":  # virtual-hosted style: bucket.s3.region.amazonaws.com/key
                return labels[0], path
        raise failure

    @staticmethod
    def get_s3_bucket_key(bucket: str | None, key: str, bucket_param_name: str, key_param_name: str) -> tuple[str, str]:
        """(bucket, key) from a bucket and a relative key, or from a full URL key when `bucket` is None."""
        if bucket is None:
            return S3Hook.parse_s3_url(key)
        if _URL.match(key):
            raise TypeError(
                f"If `{bucket_param_name}` is provided, {key_param_name} should be a relative path "
                "from root level, rather than a full s3:// url"
            )
        return bucket, key

    # --- buckets ---------------------------------------------------------------------------
    @provide_bucket_name
    def check_for_bucket(self, bucket_name: str | None = None) -> bool:
        """Whether the bucket exists (and these credentials may see it: a 403 is logged and answers False)."""
        from botocore.exceptions import ClientError

        try:
            self.get_conn().head_bucket(Bucket=bucket_name)
            return True
        except ClientError as exc:
            status = http_status(exc)
            if status == 404:
                self.log.info('Bucket "%s" does not exist', bucket_name)
            elif status == 403:
                self.log.error('Access to bucket "%s" is forbidden: %s', bucket_name, exc)
            else:
                raise
            return False

    @provide_bucket_name
    def get_bucket(self, bucket_name: str | None = None) -> Any:
        """The boto3 `Bucket` resource."""
        return self.resource.Bucket(bucket_name)

    @provide_bucket_name
    def create_bucket(self, bucket_name: str | None = None, region_name: str | None = None) -> None:
        """Create the bucket in `region_name` (default: the connection's region)."""
        region = region_name or self.conn_region_name
        if region == "aws-global":
            raise ValueError("Unable to create bucket if `region_name` not set and boto3 uses S3's global endpoint.")
        kwargs: dict[str, Any] = {"Bucket": bucket_name}
        if region != "us-east-1":  # us-east-1 is S3's default and refuses to be named as a constraint
            kwargs["CreateBucketConfiguration"] = {"LocationConstraint": region}
        self.get_conn().create_bucket(**kwargs)

    @provide_bucket_name
    def delete_bucket(self, bucket_name: str | None = None, force_delete: bool = False, max_retries: int = 5) -> None:
        """Delete the bucket; with `force_delete`, its keys first (S3 deletes only empty buckets)."""
        if force_delete:
            for attempt in range(max_retries):
                keys = self.list_keys(bucket_name=bucket_name)
                if not keys:
                    break
                if attempt:
                    time.sleep(1)  # keys written while we deleted: give the writers a moment
                self.delete_objects(bucket=cast(str, bucket_name), keys=keys)
        self.get_conn().delete_bucket(Bucket=bucket_name)

    # --- listing ---------------------------------------------------------------------------
    def _pages(self, **params: Any) -> Iterator[dict[str, Any]]:
        """The ListObjectsV2 pages for `params` (Bucket, Prefix, Delimiter, StartAfter, PaginationConfig)."""
        paginator = self.get_conn().get_paginator("list_objects_v2")
        yield from paginator.paginate(**{k: v for k, v in params.items() if v not in (None, "")}, **self._payer())

    @provide_bucket_name
    def check_for_prefix(self, prefix: str, delimiter: str, bucket_name: str | None = None) -> bool:
        """Whether `prefix` (one level, ending in `delimiter`) exists in the bucket."""
        if not prefix.endswith(delimiter):
            prefix += delimiter
        above = prefix[: -len(delimiter)].rfind(delimiter)
        parent = prefix[: above + len(delimiter)] if above >= 0 else ""
        return prefix in self.list_prefixes(bucket_name, parent, delimiter)

    @provide_bucket_name
    def list_prefixes(
        self,
        bucket_name: str | None = None,
        prefix: str | None = None,
        delimiter: str | None = None,
        page_size: int | None = None,
        max_items: int | None = None,
    ) -> list[str]:
        """The common prefixes ("subfolders") under `prefix`, one level down by `delimiter`."""
        pages = self._pages(
            Bucket=bucket_name,
            Prefix=prefix,
            Delimiter=delimiter,
            PaginationConfig={"PageSize": page_size, "MaxItems": max_items},
        )
        return [common["Prefix"] for page in pages for common in page.get("CommonPrefixes", [])]

    @provide_bucket_name
    def list_keys(
        self,
        bucket_name: str | None = None,
        prefix: str | None = None,
        delimiter: str | None = None,
        page_size: int | None = None,
        max_items: int | None = None,
        start_after_key: str | None = None,
        from_datetime: datetime | None = None,
        to_datetime: datetime | None = None,
        object_filter: Callable[..., list[Any]] | None = None,
        apply_wildcard: bool = False,
    ) -> list[str]:
        """Keys under `prefix` (not past `delimiter`), after `start_after_key`, in S3's (UTF-8 binary) order.

        `from_datetime < LastModified <= to_datetime` filters by modification time (naive bounds are UTC),
        as Airflow's default filter; `object_filter(objects, from_datetime, to_datetime)` replaces that filter
        and gets the listed objects (dicts with Key, Size, LastModified, ETag). `apply_wildcard`: `*` in
        `prefix` is a shell wildcard.
        """
        wildcard = prefix if apply_wildcard and prefix and "*" in prefix else None
        pages = self._pages(
            Bucket=bucket_name,
            Prefix=wildcard.split("*", 1)[0] if wildcard else prefix,
            Delimiter=delimiter,
            StartAfter=start_after_key,
            PaginationConfig={"PageSize": page_size, "MaxItems": max_items},
        )
        objects = [obj for page in pages for obj in page.get("Contents", [])]
        if wildcard:
            objects = [obj for obj in objects if fnmatch.fnmatchcase(obj["Key"], wildcard)]
        if object_filter is not None:
            return object_filter(objects, from_datetime, to_datetime)
        low, high = _utc(from_datetime), _utc(to_datetime)
        return [
            obj["Key"]
            for obj in objects
            if (low is None or obj["LastModified"] > low) and (high is None or obj["LastModified"] <= high)
        ]

    @provide_bucket_name
    def iter_file_metadata(
        self, prefix: str, bucket_name: str | None = None, page_size: int | None = None, max_items: int | None = None
    ) -> Iterator[dict[str, Any]]:
        """The listed objects under `prefix` (Key, Size, LastModified, ETag, StorageClass), page by page."""
        pages = self._pages(
            Bucket=bucket_name, Prefix=prefix, PaginationConfig={"PageSize": page_size, "MaxItems": max_items}
        )
        for page in pages:
            yield from page.get("Contents", [])

    @provide_bucket_name
    def get_file_metadata(
        self, prefix: str, bucket_name: str | None = None, page_size: int | None = None, max_items: int | None = None
    ) -> list[dict[str, Any]]:
        """iter_file_metadata as a list."""
        return list(self.iter_file_metadata(prefix, bucket_name, page_size, max_items))

    # --- keys ------------------------------------------------------------------------------
    @unify_bucket_name_and_key
    @provide_bucket_name
    def head_object(self, key: str, bucket_name: str | None = None) -> dict[str, Any] | None:
        """The object's metadata (HeadObject: ContentLength, ETag, LastModified, Metadata...), None if it does not exist."""
        from botocore.exceptions import ClientError

        try:
            return cast(dict[str, Any], self.get_conn().head_object(Bucket=bucket_name, Key=key, **self._payer()))
        except ClientError as exc:
            if http_status(exc) == 404:
                return None
            if http_status(exc) == 403:
                self.log.error(
                    "S3 refused access to s3://%s/%s (403): the credentials of connection %r are wrong, or lack "
                    "s3:GetObject/s3:ListBucket on it",
                    bucket_name,
                    key,
                    self.aws_conn_id,
                )
            raise

    @unify_bucket_name_and_key
    @provide_bucket_name
    def check_for_key(self, key: str, bucket_name: str | None = None) -> bool:
        """Whether the key exists (a missing bucket is a missing key too; S3 answers 404 for both)."""
        return self.head_object(key, bucket_name) is not None

    @unify_bucket_name_and_key
    @provide_bucket_name
    def get_key(self, key: str, bucket_name: str | None = None) -> Any:
        """The boto3 `Object` resource, loaded (a missing key raises botocore's ClientError 404)."""
        from boto3.s3.transfer import S3Transfer

        obj = self.resource.Object(bucket_name, key)
        params = {k: v for k, v in self._extra_args.items() if k in S3Transfer.ALLOWED_DOWNLOAD_ARGS}
        obj.load(**params, **self._payer())
        return obj

    @unify_bucket_name_and_key
    @provide_bucket_name
    def read_key(self, key: str, bucket_name: str | None = None) -> str:
        """The object's content as UTF-8 text."""
        return cast(str, self.get_key(key, bucket_name).get(**self._payer())["Body"].read().decode("utf-8"))

    @unify_bucket_name_and_key
    @provide_bucket_name
    def check_for_wildcard_key(self, wildcard_key: str, bucket_name: str | None = None, delimiter: str = "") -> bool:
        """Whether some key matches the shell wildcard (`*`, `?`, `[...]`)."""
        return (
            self.get_wildcard_key(wildcard_key=wildcard_key, bucket_name=bucket_name, delimiter=delimiter) is not None
        )

    @unify_bucket_name_and_key
    @provide_bucket_name
    def get_wildcard_key(self, wildcard_key: str, bucket_name: str | None = None, delimiter: str = "") -> Any:
        """The `Object` of the first key (in S3's order) matching the wildcard, or None."""
        prefix = wildcard_prefix(wildcard_key)
        for key in self.list_keys(bucket_name, prefix=prefix, delimiter=delimiter):
            if fnmatch.fnmatchcase(key, wildcard_key):
                return self.get_key(key, bucket_name)
        return None

    # --- uploads ---------------------------------------------------------------------------
    @unify_bucket_name_and_key
    @provide_bucket_name
    def load_file(
        self,
        filename: Path | str,
        key: str,
        bucket_name: str | None = None,
        replace: bool = False,
        encrypt: bool = False,
        gzip: bool = False,
        acl_policy: str | None = None,
    ) -> None:
        """Upload a local file (multipart when large); `gzip` compresses it on the way, the local file untouched."""
        import gzip as gz
        import shutil
        import tempfile

        self._refuse_existing(key, bucket_name, replace)
        extra_args = self._upload_args(encrypt, acl_policy)
        if not gzip:
            self.get_conn().upload_file(
                str(filename), bucket_name, key, ExtraArgs=extra_args, Config=self.transfer_config
            )
            return
        with tempfile.TemporaryFile() as compressed:
            with open(filename, "rb") as source, gz.GzipFile(fileobj=compressed, mode="wb") as sink:
                shutil.copyfileobj(source, sink)
            compressed.seek(0)
            self.get_conn().upload_fileobj(
                compressed, bucket_name, key, ExtraArgs=extra_args, Config=self.transfer_config
            )

    @unify_bucket_name_and_key
    @provide_bucket_name
    def load_string(
        self,
        string_data: str,
        key: str,
        bucket_name: str | None = None,
        replace: bool = False,
        encrypt: bool = False,
        encoding: str | None = None,
        acl_policy: str | None = None,
        compression: str | None = None,
    ) -> None:
        """Upload text (encoded with `encoding`, default UTF-8; `compression="gzip"` compresses it)."""
        import gzip as gz
        from io import BytesIO

        data = string_data.encode(encoding or "utf-8")
        if compression not in (None, "gzip"):
            raise NotImplementedError(
                f"Received {compression} compression type. String can currently be compressed in ['gzip'] only."
            )
        if compression == "gzip":
            data = gz.compress(data)
        self.load_file_obj(BytesIO(data), key, bucket_name, replace, encrypt, acl_policy)

    @unify_bucket_name_and_key
    @provide_bucket_name
    def load_bytes(
        self,
        bytes_data: bytes,
        key: str,
        bucket_name: str | None = None,
        replace: bool = False,
        encrypt: bool = False,
        acl_policy: str | None = None,
    ) -> None:
        """Upload bytes."""
        from io import BytesIO

        self.load_file_obj(BytesIO(bytes_data), key, bucket_name, replace, encrypt, acl_policy)

    @unify_bucket_name_and_key
    @provide_bucket_name
    def load_file_obj(
        self,
        file_obj: IO[bytes],
        key: str,
        bucket_name: str | None = None,
        replace: bool = False,
        encrypt: bool = False,
        acl_policy: str | None = None,
    ) -> None:
        """Upload a binary file object from its current position."""
        self._refuse_existing(key, cast(str, bucket_name), replace)
        extra_args = self._upload_args(encrypt, acl_policy)
        self.get_conn().upload_fileobj(file_obj, bucket_name, key, ExtraArgs=extra_args, Config=self.transfer_config)

    def _refuse_existing(self, key: str, bucket_name: str | None, replace: bool) -> None:
        if not replace and self.check_for_key(key, bucket_name):
            raise ValueError(f"The key {key} already exists.")

    def _upload_args(self, encrypt: bool, acl_policy: str | None) -> dict[str, Any]:
        extra_args = self.extra_args
        if encrypt:
            extra_args["ServerSideEncryption"] = "AES256"
        if acl_policy:
            extra_args["ACL"] = acl_policy
        return {**extra_args, **self._payer()}

    # --- copies, deletes, downloads ----------------------------------------------------------
    def copy_object(
        self,
        source_bucket_key: str,
        dest_bucket_key: str,
        source_bucket_name: str | None = None,
        dest_bucket_name: str | None = None,
        source_version_id: str | None = None,
        acl_policy: str | None = None,
        meta_data_directive: str | None = None,
        **kwargs: Any,
    ) -> Any:
        """Server-side copy (up to 5 GB, S3's CopyObject limit); each key a full s3:// URL or relative to its bucket.

        `acl_policy` defaults to `private`, as Airflow's; `NO_ACL` sends none. Other keyword arguments go
        to CopyObject as they are (e.g. `ContentType`).
        """
        acl = acl_policy or "private"
        if acl != NO_ACL:
            kwargs["ACL"] = acl
        if meta_data_directive:
            kwargs["MetadataDirective"] = meta_data_directive
        dest_bucket_name, dest_bucket_key = self.get_s3_bucket_key(
            dest_bucket_name, dest_bucket_key, "dest_bucket_name", "dest_bucket_key"
        )
        source_bucket_name, source_bucket_key = self.get_s3_bucket_key(
            source_bucket_name, source_bucket_key, "source_bucket_name", "source_bucket_key"
        )
        source: dict[str, str] = {"Bucket": source_bucket_name, "Key": source_bucket_key}
        if source_version_id:
            source["VersionId"] = source_version_id
        return self.get_conn().copy_object(
            Bucket=dest_bucket_name, Key=dest_bucket_key, CopySource=source, **kwargs, **self._payer()
        )

    def delete_objects(self, bucket: str, keys: str | list[str]) -> None:
        """Delete one key or a list of keys (1,000 a request); keys that do not exist count as deleted, as in S3."""
        key_list = [keys] if isinstance(keys, str) else list(keys)
        for start in range(0, len(key_list), DELETE_BATCH):
            chunk = key_list[start : start + DELETE_BATCH]
            response = self.get_conn().delete_objects(
                Bucket=bucket, Delete={"Objects": [{"Key": k} for k in chunk]}, **self._payer()
            )
            self.log.info("Deleted: %s", [d["Key"] for d in response.get("Deleted", [])])
            errors = response.get("Errors", [])
            if errors:
                detail = ", ".join(f"{e.get('Key')} ({e.get('Code')}: {e.get('Message')})" for e in errors)
                raise S3OperationFailed(f"Errors when deleting: {detail}")

    @unify_bucket_name_and_key
    @provide_bucket_name
    def download_file(
        self,
        key: str,
        bucket_name: str | None = None,
        local_path: str | None = None,
        preserve_file_name: bool = False,
        use_autogenerated_subdir: bool = True,
    ) -> str:
        """Download to `local_path` (a directory; default the temp dir) and return the file's path.

        The file gets a random name, or with `preserve_file_name` the key's last part (inside a random
        subdirectory unless `use_autogenerated_subdir=False`; an existing file is not overwritten).
        """
        import tempfile
        from uuid import uuid4

        from botocore.exceptions import ClientError

        self.log.info("Downloading source S3 file from Bucket %s with path %s", bucket_name, key)
        try:
            s3_obj = self.get_key(key, bucket_name)
        except ClientError as exc:
            if http_status(exc) == 404:
                raise NotFound(f"The source file in Bucket {bucket_name} with path {key} does not exist") from None
            raise
        if preserve_file_name:
            subdir = f"tradewind_tmp_dir_{uuid4().hex[:8]}" if use_autogenerated_subdir else ""
            path = Path(local_path or tempfile.gettempdir(), subdir, key.rsplit("/", 1)[-1])
            if path.is_file():
                raise FileExistsError(f"file '{path}' already exists; not overwriting it")
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "wb") as file:
                self._download_into(s3_obj, file)
            return str(path)
        with tempfile.NamedTemporaryFile(dir=local_path, prefix="tradewind_tmp_", delete=False) as tmp:
            self._download_into(s3_obj, tmp)
        return tmp.name

    def _download_into(self, s3_obj: Any, file: IO[bytes]) -> None:
        s3_obj.download_fileobj(file, ExtraArgs={**self.extra_args, **self._payer()}, Config=self.transfer_config)

    def generate_presigned_url(
        self,
        client_method: str,
        params: dict[str, Any] | None = None,
        expires_in: int = 3600,
        http_method: str | None = None,
    ) -> str | None:
        """A URL that lets anyone run `client_method` (e.g. "get_object") with `params` for `expires_in` seconds."""
        from botocore.exceptions import ClientError

        try:
            return cast(
                str,
                self.get_conn().generate_presigned_url(
                    ClientMethod=client_method, Params=params, ExpiresIn=expires_in, HttpMethod=http_method
                ),
            )
        except ClientError as exc:
            self.log.error("%s", exc)
            return None
