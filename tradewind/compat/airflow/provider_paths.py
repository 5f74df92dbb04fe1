"""Airflow's `airflow.providers.*` module paths for the providers Tradewind ships (tradewind/providers/).

One table per provider family, merged into MODULES; same shape as modules.py: `{airflow module path:
{name: "tradewind.module:attribute"}}`.
"""

from __future__ import annotations

#: common.sql, postgres, sqlite, mysql
SQL: dict[str, dict[str, str]] = {}

_HTTP = "tradewind.providers.http"
_FTP = "tradewind.providers.ftp"
_SFTP = "tradewind.providers.sftp"
_SSH = "tradewind.providers.ssh"


def _names(module: str, *names: str) -> dict[str, str]:
    return {name: f"{module}:{name}" for name in names}


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
AMAZON: dict[str, dict[str, str]] = {}

MODULES: dict[str, dict[str, str]] = {**SQL, **NETWORK, **AMAZON}
