"""Airflow's `airflow.providers.*` module paths for the providers Tradewind ships (tradewind/providers/).

One table per provider family, merged into MODULES; same shape as modules.py: `{airflow module path:
{name: "tradewind.module:attribute"}}`.
"""

from __future__ import annotations


def _names(module: str, *names: str) -> dict[str, str]:
    return {name: f"{module}:{name}" for name in names}


_SQL = "tradewind.providers.common.sql"
_HANDLERS = _names(f"{_SQL}.handlers", "fetch_all_handler", "fetch_one_handler", "return_single_query_results")
_DBAPI = {**_names(f"{_SQL}.hooks", "DbApiHook"), **_HANDLERS}
_SQL_OPERATORS = {
    **_names(f"{_SQL}.operators", "BaseSQLOperator", "SQLExecuteQueryOperator", "default_output_processor"),
    **_names(
        f"{_SQL}.checks",
        "SQLCheckOperator",
        "SQLValueCheckOperator",
        "SQLThresholdCheckOperator",
        "SQLColumnCheckOperator",
        "SQLTableCheckOperator",
        "SQLIntervalCheckOperator",
        "parse_boolean",
    ),
    "_parse_boolean": f"{_SQL}.checks:parse_boolean",
    "BranchSQLOperator": f"{_SQL}.branch:BranchSQLOperator",
}
_SQL_SENSOR = _names(f"{_SQL}.sensors", "SqlSensor")
_POSTGRES_HOOK = _names("tradewind.providers.postgres.hooks", "PostgresHook")
_POSTGRES_OPERATOR = _names("tradewind.providers.postgres.operators", "PostgresOperator")
_MYSQL_HOOK = _names("tradewind.providers.mysql.hooks", "MySqlHook")
_MYSQL_OPERATOR = _names("tradewind.providers.mysql.operators", "MySqlOperator")
_SQLITE_HOOK = _names("tradewind.providers.sqlite.hooks", "SqliteHook")
_SQLITE_OPERATOR = _names("tradewind.providers.sqlite.operators", "SqliteOperator")

#: common.sql, postgres, sqlite, mysql — with the Airflow 1 and early Airflow 2 (core) homes of the same classes
SQL: dict[str, dict[str, str]] = {
    "airflow.providers.common.sql.operators.sql": _SQL_OPERATORS,
    "airflow.providers.common.sql.sensors.sql": _SQL_SENSOR,
    "airflow.providers.common.sql.hooks.sql": _DBAPI,
    "airflow.providers.common.sql.hooks.handlers": _HANDLERS,
    "airflow.providers.postgres.hooks.postgres": _POSTGRES_HOOK,
    "airflow.providers.postgres.operators.postgres": _POSTGRES_OPERATOR,
    "airflow.providers.mysql.hooks.mysql": _MYSQL_HOOK,
    "airflow.providers.mysql.operators.mysql": _MYSQL_OPERATOR,
    "airflow.providers.sqlite.hooks.sqlite": _SQLITE_HOOK,
    "airflow.providers.sqlite.operators.sqlite": _SQLITE_OPERATOR,
    "airflow.operators.sql": _SQL_OPERATORS,
    "airflow.sensors.sql": _SQL_SENSOR,
    "airflow.sensors.sql_sensor": _SQL_SENSOR,
    "airflow.hooks.dbapi": _DBAPI,
    "airflow.hooks.dbapi_hook": _DBAPI,
    "airflow.hooks.postgres_hook": _POSTGRES_HOOK,
    "airflow.operators.postgres_operator": _POSTGRES_OPERATOR,
    "airflow.hooks.mysql_hook": _MYSQL_HOOK,
    "airflow.operators.mysql_operator": _MYSQL_OPERATOR,
    "airflow.hooks.sqlite_hook": _SQLITE_HOOK,
    "airflow.operators.sqlite_operator": _SQLITE_OPERATOR,
}

_HTTP = "tradewind.providers.http"
_FTP = "tradewind.providers.ftp"
_SFTP = "tradewind.providers.sftp"
_SSH = "tradewind.providers.ssh"


_HTTP_HOOK = _names(f"{_HTTP}.hooks.http", "HttpHook")
_HTTP_OPERATORS = _names(f"{_HTTP}.operators.http", "HttpOperator", "SimpleHttpOperator")
_HTTP_SENSOR = _names(f"{_HTTP}.sensors.http", "HttpSensor")
_SSH_HOOK = _names(f"{_SSH}.hooks.ssh", "SSHHook")
_SSH_OPERATOR = _names(f"{_SSH}.operators.ssh", "SSHOperator")
_SFTP_HOOK = _names(f"{_SFTP}.hooks.sftp", "SFTPHook")
_SFTP_OPERATOR = _names(f"{_SFTP}.operators.sftp", "SFTPOperator", "SFTPOperation")
_SFTP_SENSOR = _names(f"{_SFTP}.sensors.sftp", "SFTPSensor")

#: http, ftp, sftp, ssh — Airflow 2/3 provider paths, and Airflow 1's module names for the same classes
NETWORK: dict[str, dict[str, str]] = {
    "airflow.providers.http.hooks.http": _HTTP_HOOK,
    "airflow.providers.http.operators.http": _HTTP_OPERATORS,
    "airflow.providers.http.sensors.http": _HTTP_SENSOR,
    "airflow.hooks.http_hook": _HTTP_HOOK,
    "airflow.operators.http_operator": _names(f"{_HTTP}.operators.http", "SimpleHttpOperator"),
    "airflow.sensors.http_sensor": _HTTP_SENSOR,
    "airflow.providers.ftp.hooks.ftp": _names(f"{_FTP}.hooks.ftp", "FTPHook", "FTPSHook"),
    "airflow.providers.ftp.sensors.ftp": _names(f"{_FTP}.sensors.ftp", "FTPSensor", "FTPSSensor"),
    "airflow.providers.ftp.operators.ftp": _names(
        f"{_FTP}.operators.ftp", "FTPFileTransmitOperator", "FTPSFileTransmitOperator", "FTPOperation"
    ),
    "airflow.contrib.hooks.ftp_hook": _names(f"{_FTP}.hooks.ftp", "FTPHook", "FTPSHook"),
    "airflow.contrib.sensors.ftp_sensor": _names(f"{_FTP}.sensors.ftp", "FTPSensor", "FTPSSensor"),
    "airflow.providers.ssh.hooks.ssh": _SSH_HOOK,
    "airflow.providers.ssh.operators.ssh": _SSH_OPERATOR,
    "airflow.contrib.hooks.ssh_hook": _SSH_HOOK,
    "airflow.contrib.operators.ssh_operator": _SSH_OPERATOR,
    "airflow.providers.sftp.hooks.sftp": _SFTP_HOOK,
    "airflow.providers.sftp.operators.sftp": _SFTP_OPERATOR,
    "airflow.providers.sftp.sensors.sftp": _SFTP_SENSOR,
    "airflow.contrib.hooks.sftp_hook": _SFTP_HOOK,
    "airflow.contrib.operators.sftp_operator": _SFTP_OPERATOR,
    "airflow.contrib.sensors.sftp_sensor": _SFTP_SENSOR,
}

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
