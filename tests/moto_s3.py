"""A real S3 endpoint for the amazon provider's tests: moto's standalone server, in its own process.

It checks signatures: the first few requests (unauthenticated) create an IAM user with an access
key, and from then on every request must be signed with that key's secret, so wrong credentials
fail as they do on AWS (403 / SignatureDoesNotMatch / InvalidAccessKeyId).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

REGION = "us-east-1"
#: create_user, put_user_policy, create_access_key: the requests allowed before signatures are checked
_SETUP_REQUESTS = 3
_ALLOW_ALL = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})


@dataclass(frozen=True)
class MotoS3:
    url: str
    access_key: str
    secret_key: str

    def connection_json(self, login: str | None = None, password: str | None = None, **extra: Any) -> str:
        """The `aws` connection (TRADEWIND_CONN_<ID> JSON form) for this server; an extra key given None is left out."""
        extras = {"endpoint_url": self.url, "region_name": REGION, **extra}
        return json.dumps(
            {
                "conn_type": "aws",
                "login": login or self.access_key,
                "password": password or self.secret_key,
                "extra": {key: value for key, value in extras.items() if value is not None},
            }
        )

    def client(self) -> Any:
        """A plain boto3 client, to set up and inspect buckets independently of the code under test."""
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.url,
            region_name=REGION,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
        )

    def new_bucket(self) -> str:
        name = f"tw-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(Bucket=name)
        return name


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def moto_s3() -> Iterator[MotoS3]:
    import boto3

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "INITIAL_NO_AUTH_ACTION_COUNT": str(_SETUP_REQUESTS)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{url}/moto-api/", timeout=1).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"moto's S3 server did not start on {url} (is moto[server] installed?)"
                    ) from None
                time.sleep(0.05)
        iam = boto3.client(
            "iam", endpoint_url=url, region_name=REGION, aws_access_key_id="setup", aws_secret_access_key="setup"
        )
        iam.create_user(UserName="tradewind")
        iam.put_user_policy(UserName="tradewind", PolicyName="all", PolicyDocument=_ALLOW_ALL)
        key = iam.create_access_key(UserName="tradewind")["AccessKey"]
        yield MotoS3(url, key["AccessKeyId"], key["SecretAccessKey"])
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def aws_default(moto_s3: MotoS3, monkeypatch: pytest.MonkeyPatch) -> MotoS3:
    """Connection `aws_default` pointing at the server, for this test (and the processes it starts)."""
    monkeypatch.setenv("TRADEWIND_CONN_AWS_DEFAULT", moto_s3.connection_json())
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    return moto_s3
