"""`AwsBaseOperator`: the base of AWS operators — connection arguments, and `self.hook` built from them."""

from __future__ import annotations

from typing import Any

from tradewind.providers.amazon.aws.utils.mixins import AwsHookMixin, aws_template_fields
from tradewind.sdk.baseoperator import BaseOperator

__all__ = ["AwsBaseOperator"]


class AwsBaseOperator(AwsHookMixin, BaseOperator):
    """Subclass with `aws_hook_class`; `aws_conn_id` (default `aws_default`; None: boto3's own credentials),
    `region_name`, `verify` and `botocore_config` (a dict of botocore Config arguments) reach the hook."""

    template_fields = aws_template_fields()

    def __init__(
        self,
        *,
        aws_conn_id: str | None = "aws_default",
        region_name: str | None = None,
        verify: bool | str | None = None,
        botocore_config: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self._keep_aws_args(aws_conn_id, region_name, verify, botocore_config)
