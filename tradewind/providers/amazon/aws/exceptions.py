"""Errors of the AWS provider, under Tradewind's root exception (Airflow's `...amazon.aws.exceptions` names)."""

from __future__ import annotations

from tradewind.exceptions import TradewindException, UsageError


class S3HookUriParseFailure(UsageError):
    """A key was expected to be a full S3 URL (`s3://bucket/key`, or an https S3 URL) and is not."""


class S3OperationFailed(TradewindException):
    """S3 answered a batch request (delete_objects) with errors for some of its keys."""
