"""Airflow's `airflow.providers.*` module paths for the providers Tradewind ships (tradewind/providers/).

One table per provider family, merged into MODULES; same shape as modules.py: `{airflow module path:
{name: "tradewind.module:attribute"}}`.
"""

from __future__ import annotations

#: common.sql, postgres, sqlite, mysql
SQL: dict[str, dict[str, str]] = {}

#: http, ftp, sftp, ssh
NETWORK: dict[str, dict[str, str]] = {}

#: amazon (S3)
_AWS = "airflow.providers.amazon.aws"
_TW_AWS = "tradewind.providers.amazon.aws"
_S3_OPERATORS = (
    "S3CopyObjectOperator",
    "S3CreateBucketOperator",
    "S3CreateObjectOperator",
    "S3DeleteBucketOperator",
    "S3DeleteObjectsOperator",
    "S3ListOperator",
    "S3ListPrefixesOperator",
)
AMAZON: dict[str, dict[str, str]] = {
    f"{_AWS}.hooks.base_aws": {name: f"{_TW_AWS}.hooks.base_aws:{name}" for name in ("AwsBaseHook", "AwsGenericHook")},
    f"{_AWS}.hooks.s3": {
        name: f"{_TW_AWS}.hooks.s3:{name}"
        for name in ("S3Hook", "provide_bucket_name", "unify_bucket_name_and_key", "NO_ACL")
    },
    f"{_AWS}.operators.base_aws": {"AwsBaseOperator": f"{_TW_AWS}.operators.base_aws:AwsBaseOperator"},
    f"{_AWS}.operators.s3": {name: f"{_TW_AWS}.operators.s3:{name}" for name in _S3_OPERATORS},
    f"{_AWS}.sensors.base_aws": {"AwsBaseSensor": f"{_TW_AWS}.sensors.base_aws:AwsBaseSensor"},
    f"{_AWS}.sensors.s3": {"S3KeySensor": f"{_TW_AWS}.sensors.s3:S3KeySensor"},
    f"{_AWS}.triggers.s3": {"S3KeyTrigger": f"{_TW_AWS}.triggers.s3:S3KeyTrigger"},
    f"{_AWS}.exceptions": {"S3HookUriParseFailure": f"{_TW_AWS}.exceptions:S3HookUriParseFailure"},
    f"{_AWS}.utils.mixins": {"aws_template_fields": f"{_TW_AWS}.utils.mixins:aws_template_fields"},
}

MODULES: dict[str, dict[str, str]] = {**SQL, **NETWORK, **AMAZON}
