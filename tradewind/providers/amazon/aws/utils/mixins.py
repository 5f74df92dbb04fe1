"""What AWS operators and sensors share: the hook arguments (`aws_conn_id`, `region_name`, `verify`,
`botocore_config`) and a hook made from them once they are rendered."""

from __future__ import annotations

from functools import cached_property
from typing import Any, ClassVar

from tradewind.providers.amazon.aws.hooks.base_aws import AwsGenericHook

AWS_TEMPLATE_FIELDS = ("aws_conn_id", "region_name", "verify")


def aws_template_fields(*template_fields: str) -> tuple[str, ...]:
    """The operator's own template fields plus the AWS ones (Airflow's helper), sorted, each once."""
    return tuple(sorted({*AWS_TEMPLATE_FIELDS, *template_fields}))


class AwsHookMixin:
    """`self.hook`: an `aws_hook_class` on this task's (rendered) connection settings, made on first use."""

    aws_hook_class: ClassVar[type[AwsGenericHook]] = AwsGenericHook
    aws_conn_id: str | None
    region_name: str | None
    verify: bool | str | None
    botocore_config: dict[str, Any] | None

    def _keep_aws_args(
        self,
        aws_conn_id: str | None,
        region_name: str | None,
        verify: bool | str | None,
        botocore_config: dict[str, Any] | None,
    ) -> None:
        self.aws_conn_id = aws_conn_id
        self.region_name = region_name
        self.verify = verify
        self.botocore_config = botocore_config

    @property
    def _hook_parameters(self) -> dict[str, Any]:
        return {
            "aws_conn_id": self.aws_conn_id,
            "region_name": self.region_name,
            "verify": self.verify,
            "config": self.botocore_config,
        }

    @cached_property
    def hook(self) -> Any:
        return self.aws_hook_class(**self._hook_parameters)
