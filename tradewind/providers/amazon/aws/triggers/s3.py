"""`S3KeyTrigger`: the triggerer's side of a deferred S3KeySensor — poll S3 until the keys exist.

boto3 is blocking, so each check runs in a worker thread (`asyncio.to_thread`) and the triggerer's
event loop keeps serving its other triggers. The trigger makes the same check as the sensor's poke
(tradewind/providers/amazon/aws/utils/s3_keys.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from tradewind.providers.amazon.aws.utils.s3_keys import fingerprint, objects_per_key
from tradewind.triggers.base import BaseTrigger, TriggerEvent

__all__ = ["S3KeyTrigger"]


class S3KeyTrigger(BaseTrigger):
    """Fires `{"status": "success"}` once every key in `bucket_key` matches an object.

    With `should_check_fn` (the sensor has a `check_fn`, which only the task's process can run), it fires
    `{"status": "running", "files": [keys]}` instead, and only when the matching objects differ from the
    ones the sensor last judged (`seen`, their fingerprint), so an unchanged bucket wakes no task. An error
    while checking fires `{"status": "error", "message": ...}`.
    """

    def __init__(
        self,
        bucket_name: str | None,
        bucket_key: str | list[str],
        wildcard_match: bool = False,
        aws_conn_id: str | None = "aws_default",
        poke_interval: float = 5.0,
        should_check_fn: bool = False,
        use_regex: bool = False,
        region_name: str | None = None,
        verify: bool | str | None = None,
        botocore_config: dict[str, Any] | None = None,
        seen: str | None = None,
        **hook_params: Any,
    ) -> None:
        super().__init__()
        self.bucket_name = bucket_name
        self.bucket_key = bucket_key
        self.wildcard_match = wildcard_match
        self.aws_conn_id = aws_conn_id
        self.poke_interval = float(poke_interval)
        self.should_check_fn = should_check_fn
        self.use_regex = use_regex
        self.region_name = region_name
        self.verify = verify
        self.botocore_config = botocore_config
        self.seen = seen
        self.hook_params = hook_params

    def serialize(self) -> tuple[str, dict[str, Any]]:
        return (
            "tradewind.providers.amazon.aws.triggers.s3.S3KeyTrigger",
            {
                "bucket_name": self.bucket_name,
                "bucket_key": self.bucket_key,
                "wildcard_match": self.wildcard_match,
                "aws_conn_id": self.aws_conn_id,
                "poke_interval": self.poke_interval,
                "should_check_fn": self.should_check_fn,
                "use_regex": self.use_regex,
                "region_name": self.region_name,
                "verify": self.verify,
                "botocore_config": self.botocore_config,
                "seen": self.seen,
                **self.hook_params,
            },
        )

    def _check(self, hook: Any) -> list[dict[str, Any]] | None:
        """Every object the keys match, or None while some key matches nothing."""
        per_key = objects_per_key(
            hook,
            self.bucket_name,
            self.bucket_key,
            wildcard_match=self.wildcard_match,
            use_regex=self.use_regex,
            first_only=not self.should_check_fn,
        )
        return None if per_key is None else [obj for _, objects in per_key for obj in objects]

    async def run(self) -> AsyncIterator[TriggerEvent]:
        from tradewind.providers.amazon.aws.hooks.s3 import S3Hook

        try:
            hook = S3Hook(
                aws_conn_id=self.aws_conn_id,
                region_name=self.region_name,
                verify=self.verify,
                config=self.botocore_config,
            )
            while True:
                found = await asyncio.to_thread(self._check, hook)
                if found is not None and not self.should_check_fn:
                    yield TriggerEvent({"status": "success"})
                    return
                if found is not None and fingerprint(found) != self.seen:
                    yield TriggerEvent({"status": "running", "files": [obj["Key"] for obj in found]})
                    return
                self.log.info("Sleeping for %s seconds", self.poke_interval)
                await asyncio.sleep(self.poke_interval)
        except Exception as exc:  # reported to the task, which fails with it
            yield TriggerEvent({"status": "error", "message": f"{type(exc).__name__}: {exc}"})
