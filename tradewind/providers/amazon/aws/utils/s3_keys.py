"""Which objects a key, wildcard or regex names: the one check behind S3KeySensor's poke and S3KeyTrigger."""

from __future__ import annotations

import fnmatch
import hashlib
import json
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tradewind.providers.amazon.aws.hooks.s3 import S3Hook


def find_objects(
    hook: S3Hook, bucket_name: str, key: str, *, wildcard_match: bool, use_regex: bool, first_only: bool
) -> list[dict[str, Any]]:
    """The objects `key` names in the bucket (empty: none yet), each a dict with at least Key, Size, ETag, LastModified.

    An exact key is one HeadObject (its answer, with Key and Size added); a wildcard lists from the part
    before its first `*`/`?`/`[`; a regex (`re.match` from the key's start) lists the whole bucket.
    `first_only` stops at the first match, when only existence matters.
    """
    from tradewind.providers.amazon.aws.hooks.s3 import wildcard_prefix

    if wildcard_match or use_regex:
        prefix = wildcard_prefix(key) if wildcard_match else ""
        pattern = re.compile(key) if use_regex and not wildcard_match else None
        found = []
        for obj in hook.iter_file_metadata(prefix, bucket_name):
            if pattern.match(obj["Key"]) if pattern else fnmatch.fnmatchcase(obj["Key"], key):
                found.append(obj)
                if first_only:
                    break
        return found
    head = hook.head_object(key, bucket_name)
    if head is None:
        return []
    head = {k: v for k, v in head.items() if k != "ResponseMetadata"}
    return [{**head, "Key": key, "Size": head.get("ContentLength")}]


def select_metadata(hook: S3Hook, bucket_name: str, obj: dict[str, Any], metadata_keys: list[str]) -> dict[str, Any]:
    """The attributes `metadata_keys` names of one found object (`*`: everything HeadObject says); an attribute
    the listing lacks is read with HeadObject, and is None if that lacks it too (Airflow's rule)."""
    if "*" in metadata_keys:
        head = hook.head_object(obj["Key"], bucket_name) or {}
        return {k: v for k, v in head.items() if k != "ResponseMetadata"}
    missing = [k for k in metadata_keys if k not in obj]
    head = (hook.head_object(obj["Key"], bucket_name) or {}) if missing else {}
    return {k: obj[k] if k in obj else head.get(k) for k in metadata_keys}


def fingerprint(objects: list[dict[str, Any]]) -> str:
    """A digest of the objects' keys, sizes, ETags and modification times: changes when any object does."""
    rows = sorted((o["Key"], o.get("Size"), o.get("ETag"), str(o.get("LastModified"))) for o in objects)
    return hashlib.sha256(json.dumps(rows).encode()).hexdigest()


def objects_per_key(
    hook: S3Hook,
    bucket_name: str | None,
    bucket_key: str | list[str],
    *,
    wildcard_match: bool,
    use_regex: bool,
    first_only: bool,
) -> list[tuple[str, list[dict[str, Any]]]] | None:
    """For each of the sensor's keys (a full s3:// URL, or relative to `bucket_name`): (its bucket, the objects
    it names); None as soon as one key names nothing, since the sensor waits for all of them."""
    keys = [bucket_key] if isinstance(bucket_key, str) else list(bucket_key)
    found = []
    for key in keys:
        bucket, relative = hook.get_s3_bucket_key(bucket_name, key, "bucket_name", "bucket_key")
        hook.log.info("Poking for key : s3://%s/%s", bucket, relative)
        objects = find_objects(
            hook, bucket, relative, wildcard_match=wildcard_match, use_regex=use_regex, first_only=first_only
        )
        if not objects:
            return None
        found.append((bucket, objects))
    return found
