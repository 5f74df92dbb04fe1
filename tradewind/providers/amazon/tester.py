"""`connections test` for `aws` connections; a separate module so that a missing boto3 is a failed test
("… pip install "tradewind[amazon]"") rather than an error importing the tester."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tradewind.models.connection import Connection


def test_aws_connection(conn: Connection) -> tuple[bool, str]:
    """STS GetCallerIdentity, or S3 ListBuckets against a custom endpoint (AwsGenericHook.test_connection)."""
    from tradewind.providers.amazon.aws.hooks.base_aws import AwsBaseHook

    return AwsBaseHook.for_connection(conn, client_type="sts").test_connection()
