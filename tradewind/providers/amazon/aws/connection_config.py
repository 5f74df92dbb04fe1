"""What an `aws` connection says about reaching AWS, read as Airflow's `AwsConnectionWrapper` reads it.

Credentials: the connection's login/password (access key id / secret), else `aws_access_key_id` /
`aws_secret_access_key` in extra, else boto3's own chain (environment, ~/.aws, instance role).
Extra keys: `region_name`, `aws_session_token`, `endpoint_url` (every service) or
`service_config.<service>.endpoint_url` (one service), `verify`, `config_kwargs` (botocore Config),
`profile_name`; `service_config.s3.bucket_name` is S3Hook's default bucket. Nothing here imports boto3.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tradewind.exceptions import ConnectionNotFound, InvalidConnection

if TYPE_CHECKING:
    from tradewind.models.connection import Connection

log = logging.getLogger(__name__)

#: Extra keys of Airflow's aws connection that Tradewind does not act on: refused rather than
#: silently ignored, since ignoring them would talk to AWS with other credentials than intended.
UNSUPPORTED_EXTRA = ("role_arn", "assume_role_method", "assume_role_kwargs", "external_id")


@dataclass(frozen=True)
class AwsConnectionConfig:
    """The session and client settings for one hook: its connection's, overridden by the hook's arguments."""

    conn_id: str | None
    aws_access_key_id: str | None = None
    aws_secret_access_key: str | None = None
    aws_session_token: str | None = None
    region_name: str | None = None
    profile_name: str | None = None
    endpoint_url: str | None = None
    verify: bool | str | None = None
    config_kwargs: dict[str, Any] = field(default_factory=dict)
    service_config: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_connection(
        cls, conn: Connection | None, *, region_name: str | None = None, verify: Any = None
    ) -> AwsConnectionConfig:
        """The settings of `conn` (None: boto3's defaults), with the hook's `region_name`/`verify` winning."""
        if conn is None:
            return cls(conn_id=None, region_name=region_name, verify=verify)
        extra = conn.extra_dejson
        unsupported = [key for key in UNSUPPORTED_EXTRA if extra.get(key)]
        if unsupported:
            raise InvalidConnection(
                f"AWS connection '{conn.conn_id}' sets {', '.join(unsupported)}: assuming an IAM role is not "
                "supported by Tradewind; give the role's credentials (login/password, aws_session_token) instead"
            )
        service_config = extra.get("service_config") or {}
        if not isinstance(service_config, dict):
            raise InvalidConnection(f"AWS connection '{conn.conn_id}': extra 'service_config' must be a JSON object")
        config_kwargs = extra.get("config_kwargs") or {}
        if not isinstance(config_kwargs, dict):
            raise InvalidConnection(f"AWS connection '{conn.conn_id}': extra 'config_kwargs' must be a JSON object")
        key_id: str | None
        secret: str | None
        if conn.login:
            key_id, secret = conn.login, conn.password
        else:
            key_id, secret = extra.get("aws_access_key_id"), extra.get("aws_secret_access_key")
        if bool(key_id) != bool(secret):
            missing = "secret access key (password)" if key_id else "access key id (login)"
            raise InvalidConnection(f"AWS connection '{conn.conn_id}' has no {missing}")
        if verify is None:
            verify = _verify(extra.get("verify"))
        return cls(
            conn_id=conn.conn_id,
            aws_access_key_id=key_id or None,
            aws_secret_access_key=secret or None,
            aws_session_token=extra.get("aws_session_token") or None,
            region_name=region_name or extra.get("region_name") or None,
            profile_name=extra.get("profile_name") or None,
            endpoint_url=extra.get("endpoint_url") or extra.get("host") or None,  # `host`: Airflow's old name
            verify=verify,
            config_kwargs=dict(config_kwargs),
            service_config=service_config,
        )

    def service(self, name: str) -> dict[str, Any]:
        """`service_config.<name>` of extra (e.g. `{"endpoint_url": ..., "bucket_name": ...}` for s3)."""
        value = self.service_config.get(name) or {}
        return value if isinstance(value, dict) else {}

    def endpoint_for(self, service_name: str) -> str | None:
        """The endpoint URL for one service: its own in service_config, else the connection-wide one."""
        return self.service(service_name).get("endpoint_url") or self.endpoint_url

    def session_kwargs(self) -> dict[str, Any]:
        """Keyword arguments of `boto3.session.Session` (only those set, so boto3's chain fills the rest)."""
        kwargs = {
            "aws_access_key_id": self.aws_access_key_id,
            "aws_secret_access_key": self.aws_secret_access_key,
            "aws_session_token": self.aws_session_token,
            "region_name": self.region_name,
            "profile_name": self.profile_name,
        }
        return {key: value for key, value in kwargs.items() if value}


def _verify(value: Any) -> bool | str | None:
    """extra `verify`: a bool, a CA bundle path, or "true"/"false" as text (what a URI's `?verify=false` gives)."""
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return value


def load_connection(conn_id: str | None) -> Connection | None:
    """The connection named `conn_id`; None when no id is given, or (Airflow's rule) when it is not defined."""
    if not conn_id:
        return None
    from tradewind.hooks.base import BaseHook

    try:
        return BaseHook.get_connection(conn_id)
    except ConnectionNotFound:
        log.warning("Unable to find AWS Connection ID '%s', switching to boto3's default credentials.", conn_id)
        return None
