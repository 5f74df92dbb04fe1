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
AMAZON: dict[str, dict[str, str]] = {}

MODULES: dict[str, dict[str, str]] = {**SQL, **NETWORK, **AMAZON}
