"""boto3 on demand: check it is installed without importing it, import it on first use."""

from __future__ import annotations

import importlib.util
from typing import Any

from tradewind.providers.extras import require

EXTRA = "amazon"


def ensure_installed() -> None:
    """ProviderExtraMissing naming the `amazon` extra if boto3 is absent; boto3 is not imported."""
    if importlib.util.find_spec("boto3") is None:
        require("boto3", EXTRA)  # raises the error that names the extra


def boto3() -> Any:
    """The boto3 module (imported once, on the first hook that needs it)."""
    return require("boto3", EXTRA)


def error_code(exc: BaseException) -> str:
    """The S3/AWS error code of a botocore ClientError ("404", "NoSuchKey", "AccessDenied"...); "" otherwise."""
    response = getattr(exc, "response", None)
    if not isinstance(response, dict):
        return ""
    return str(response.get("Error", {}).get("Code", ""))


def http_status(exc: BaseException) -> int | None:
    """The HTTP status of a botocore ClientError, None for other errors."""
    response = getattr(exc, "response", None)
    if not isinstance(response, dict):
        return None
    status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return int(status) if status is not None else None
