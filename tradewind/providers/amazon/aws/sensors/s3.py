"""`S3KeySensor`: wait for one or several keys (exact, shell wildcard or regex) to exist in S3, as Airflow's.

Poke and reschedule modes check in the task's process; `deferrable=True` pokes once and then hands
the wait to the triggerer (`S3KeyTrigger`), freeing the worker slot. A `check_fn` can only run in the
task's process: deferred, the trigger wakes the task each time the matching objects change, and the
task re-pokes (check_fn included) and defers again if it still says no.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from tradewind.exceptions import SkipTask, TriggerError
from tradewind.providers.amazon.aws.hooks.s3 import S3Hook
from tradewind.providers.amazon.aws.sensors.base_aws import AwsBaseSensor
from tradewind.providers.amazon.aws.utils.mixins import aws_template_fields
from tradewind.providers.amazon.aws.utils.s3_keys import fingerprint, objects_per_key, select_metadata
from tradewind.sdk.baseoperator import Context

if TYPE_CHECKING:
    from tradewind.providers.amazon.aws.triggers.s3 import S3KeyTrigger

__all__ = ["S3KeySensor"]


class S3KeySensor(AwsBaseSensor):
    """Done when every key of `bucket_key` (templated; a string or a list) matches an object.

    Each key is a full `s3://bucket/key` URL, or relative to `bucket_name`. `wildcard_match`: keys are
    shell wildcards (`*`, `?`, `[...]`); `use_regex`: regular expressions matched from the key's start.
    `check_fn(files)` (or `check_fn(files, **context)` if it takes `**kwargs`) decides on the matches of
    each key, given as dicts of their `metadata_keys` (default `["Size", "Key"]`; `"*"`: all of HeadObject).
    """

    template_fields = aws_template_fields("bucket_key", "bucket_name")
    aws_hook_class = S3Hook

    def __init__(
        self,
        *,
        bucket_key: str | list[str],
        bucket_name: str | None = None,
        wildcard_match: bool = False,
        check_fn: Callable[..., bool] | None = None,
        verify: bool | str | None = None,
        deferrable: bool = False,
        use_regex: bool = False,
        metadata_keys: list[str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(verify=verify, deferrable=deferrable, **kwargs)
        self.bucket_key = bucket_key
        self.bucket_name = bucket_name
        self.wildcard_match = wildcard_match
        self.check_fn = check_fn
        self.use_regex = use_regex
        self.metadata_keys = list(metadata_keys) if metadata_keys else ["Size", "Key"]
        self._seen: str | None = None  # fingerprint of the objects check_fn last turned down

    def poke(self, context: Context) -> bool:
        per_key = objects_per_key(
            self.hook,
            self.bucket_name,
            self.bucket_key,
            wildcard_match=self.wildcard_match,
            use_regex=self.use_regex,
            first_only=self.check_fn is None,
        )
        if per_key is None:
            return False
        if self.check_fn is None:
            return True
        self._seen = fingerprint([obj for _, objects in per_key for obj in objects])
        for bucket, objects in per_key:
            files = [select_metadata(self.hook, bucket, obj, self.metadata_keys) for obj in objects]
            if not self._call_check_fn(files, context):
                return False
        return True

    def _call_check_fn(self, files: list[dict[str, Any]], context: Context) -> bool:
        """`check_fn(files, **context)` when it takes `**kwargs`, else `check_fn(files)` (Airflow's rule)."""
        assert self.check_fn is not None
        parameters = inspect.signature(self.check_fn).parameters.values()
        if any(p.kind == inspect.Parameter.VAR_KEYWORD for p in parameters):
            return bool(self.check_fn(files, **context))
        return bool(self.check_fn(files))

    # --- deferral --------------------------------------------------------------------------
    def trigger_for(self, context: Context) -> S3KeyTrigger:
        from tradewind.providers.amazon.aws.triggers.s3 import S3KeyTrigger  # asyncio: only when deferring

        return S3KeyTrigger(
            bucket_name=self.bucket_name,
            bucket_key=self.bucket_key,
            wildcard_match=self.wildcard_match,
            aws_conn_id=self.aws_conn_id,
            poke_interval=self.poke_interval,
            should_check_fn=self.check_fn is not None,
            use_regex=self.use_regex,
            region_name=self.region_name,
            verify=self.verify,
            botocore_config=self.botocore_config,
            seen=self._seen,
        )

    def execute(self, context: Context) -> Any:
        if not self.deferrable:
            return super().execute(context)
        if not self._poke_once(context):
            self._defer(context)
        self.log.info("Success criteria met. Exiting.")
        return None

    def _defer(self, context: Context) -> None:
        self.defer(
            trigger=self.trigger_for(context),
            method_name="execute_complete",
            timeout=timedelta(seconds=self.timeout),
        )

    def execute_complete(self, context: Context, event: Any = None) -> None:
        """Resumed by the trigger: done; or objects changed and check_fn must judge again; or the check failed."""
        status = event.get("status") if isinstance(event, dict) else None
        if status == "error":
            message = f"S3KeySensor could not check S3: {event.get('message')}"
            if self.soft_fail:
                raise SkipTask(f"soft_fail: {message}")
            raise TriggerError(message)
        if status == "running" and not self._poke_once(context):
            self._defer(context)
        self.log.info("Success criteria met. Exiting.")
