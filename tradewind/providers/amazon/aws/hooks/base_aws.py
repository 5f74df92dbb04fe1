"""`AwsBaseHook`: a boto3 session and client built from an `aws` connection, as Airflow's `AwsBaseHook`.

The connection is read once per hook (`conn_config`); the client is made on first use and kept
(`conn`), so one hook makes one client. boto3 is imported only then.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

from tradewind.hooks.base import BaseHook
from tradewind.providers.amazon.aws.boto import boto3
from tradewind.providers.amazon.aws.connection_config import AwsConnectionConfig, load_connection

if TYPE_CHECKING:
    from tradewind.models.connection import Connection

__all__ = ["AwsBaseHook", "AwsGenericHook"]


class AwsGenericHook(BaseHook):
    """A client (`client_type`) or resource (`resource_type`) of one AWS service, from connection `aws_conn_id`.

    `aws_conn_id=None` (or a connection that does not exist) uses boto3's own credential chain;
    `region_name` and `verify` override the connection's; `config` is a botocore `Config` or a dict of its
    arguments, merged over the connection's `config_kwargs`.
    """

    conn_name_attr = "aws_conn_id"
    default_conn_name = "aws_default"
    conn_type = "aws"
    hook_name = "Amazon Web Services"

    def __init__(
        self,
        aws_conn_id: str | None = default_conn_name,
        verify: bool | str | None = None,
        region_name: str | None = None,
        client_type: str | None = None,
        resource_type: str | None = None,
        config: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if client_type and resource_type:
            raise ValueError("Either client_type or resource_type should be provided, not both")
        self.aws_conn_id = aws_conn_id
        self.client_type = client_type
        self.resource_type = resource_type
        self._region_name = region_name
        self._verify = verify
        self._config = config

    # --- what the connection says ----------------------------------------------------------
    @cached_property
    def conn_config(self) -> AwsConnectionConfig:
        """The connection's settings with this hook's overrides (read once)."""
        return AwsConnectionConfig.from_connection(
            load_connection(self.aws_conn_id), region_name=self._region_name, verify=self._verify
        )

    @property
    def region_name(self) -> str | None:
        return self.conn_config.region_name

    @property
    def conn_region_name(self) -> str:
        """The region the client really uses (boto3's default when neither hook nor connection names one)."""
        return str(self.conn.meta.region_name)

    @property
    def verify(self) -> bool | str | None:
        return self.conn_config.verify

    @property
    def service_name(self) -> str:
        name = self.client_type or self.resource_type
        if not name:
            raise ValueError("this hook was given neither client_type nor resource_type")
        return name

    @property
    def service_config(self) -> dict[str, Any]:
        """`service_config.<service>` of the connection's extra."""
        return self.conn_config.service(self.service_name)

    @property
    def config(self) -> Any:
        """The botocore `Config` for clients: connection's `config_kwargs`, then the hook's `config`."""
        from botocore.config import Config

        merged = Config(**self.conn_config.config_kwargs)
        if isinstance(self._config, dict):
            return merged.merge(Config(**self._config))
        if self._config is not None:
            return merged.merge(self._config)
        return merged

    # --- boto3 objects ---------------------------------------------------------------------
    def get_session(self, region_name: str | None = None) -> Any:
        """A boto3 Session with the connection's credentials (or boto3's chain without them)."""
        kwargs = self.conn_config.session_kwargs()
        if region_name:
            kwargs["region_name"] = region_name
        return boto3().session.Session(**kwargs)

    def _client_kwargs(self, service_name: str) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"config": self.config}
        endpoint_url = self.conn_config.endpoint_for(service_name)
        if endpoint_url:
            kwargs["endpoint_url"] = endpoint_url
        if self.verify is not None:
            kwargs["verify"] = self.verify
        return kwargs

    def get_client_type(self, region_name: str | None = None) -> Any:
        """A boto3 client of `client_type`."""
        service = self.client_type or self.service_name
        return self.get_session(region_name).client(service, **self._client_kwargs(service))

    def get_resource_type(self, region_name: str | None = None) -> Any:
        """A boto3 resource of `resource_type`."""
        service = self.resource_type or self.service_name
        return self.get_session(region_name).resource(service, **self._client_kwargs(service))

    @cached_property
    def conn(self) -> Any:
        """The client (or resource) this hook talks through, made on first use."""
        return self.get_client_type() if self.client_type else self.get_resource_type()

    def get_conn(self) -> Any:
        return self.conn

    def test_connection(self) -> tuple[bool, str]:
        """(ok, message), as Airflow's: STS says whom the credentials belong to; against a custom S3 endpoint
        (MinIO, Ceph, a local emulator: often without STS), S3 lists the buckets there instead."""
        try:
            session = self.get_session()
            endpoint = self.conn_config.endpoint_for("s3")
            if endpoint:
                buckets = session.client("s3", **self._client_kwargs("s3")).list_buckets().get("Buckets", [])
                return True, f"Connection successfully tested: {len(buckets)} bucket(s) at {endpoint}"
            identity = session.client("sts", **self._client_kwargs("sts")).get_caller_identity()
            return True, f"Connection successfully tested: authenticated as {identity.get('Arn', 'unknown')}"
        except Exception as exc:  # a test reports what went wrong, it does not raise
            return False, f"{type(exc).__name__}: {exc}"

    @classmethod
    def for_connection(cls, conn: Connection, **kwargs: Any) -> AwsGenericHook:
        """A hook on `conn` itself (a connection being tested or not stored), not one looked up by id."""
        hook = cls(aws_conn_id=conn.conn_id, **kwargs)
        hook.conn_config = AwsConnectionConfig.from_connection(conn)
        return hook


class AwsBaseHook(AwsGenericHook):
    """Airflow's name for the generic AWS hook; service hooks (`S3Hook`) subclass it."""
