"""`AwsBaseSensor`: the base of AWS sensors — connection arguments, and `self.hook` built from them."""

from __future__ import annotations

from typing import Any

from tradewind.providers.amazon.aws.utils.mixins import AwsHookMixin, aws_template_fields
from tradewind.sensors.base import BaseSensorOperator

__all__ = ["AwsBaseSensor"]


class AwsBaseSensor(AwsHookMixin, BaseSensorOperator):
    """Subclass with `aws_hook_class` and implement `poke`; the AWS arguments are AwsBaseOperator's."""

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
