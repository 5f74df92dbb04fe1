"""The amazon provider's entry in the provider registry: the `aws` connection type, its form and its test.

Imports nothing from boto3 (nor from the hooks) so the connections form and CLI stay cheap.
"""

from __future__ import annotations

from tradewind.providers.registry import ConnectionField, ConnectionType, ProviderInfo

AWS = ConnectionType(
    conn_type="aws",
    label="Amazon Web Services",
    fields=(
        ConnectionField("login", "AWS Access Key ID", placeholder="AKIA… (empty: boto3's own credentials)"),
        ConnectionField("password", "AWS Secret Access Key"),
        ConnectionField("extra__region_name", "Region", placeholder="eu-west-1"),
        ConnectionField(
            "extra__endpoint_url", "Endpoint URL", placeholder="https://minio.example.com:9000 (S3-compatible stores)"
        ),
        ConnectionField("extra__aws_session_token", "Session token", placeholder="for temporary credentials"),
        ConnectionField(
            "extra",
            "Extra (JSON)",
            placeholder='{"service_config": {"s3": {"bucket_name": "my-bucket"}}, "verify": false}',
        ),
    ),
    tester="tradewind.providers.amazon.tester:test_aws_connection",
)

PROVIDER = ProviderInfo(
    name="amazon",
    extra="amazon",
    package="tradewind.providers.amazon",
    connection_types=(AWS,),
)
