"""`tradewind version` and `tradewind info`."""

from __future__ import annotations

import argparse
import platform
import sys


def version(args: argparse.Namespace) -> int:
    from tradewind import __version__

    print(__version__)
    return 0


def info(args: argparse.Namespace) -> int:
    from importlib import metadata

    from tradewind import __version__
    from tradewind.cli.output import print_records
    from tradewind.config import conf, tradewind_home

    def ver(pkg: str) -> str:
        try:
            return metadata.version(pkg)
        except metadata.PackageNotFoundError:
            return "not installed"

    url = str(conf.get("database", "sql_alchemy_conn"))
    records = [
        {"key": "tradewind_version", "value": __version__},
        {"key": "python_version", "value": sys.version.split()[0]},
        {"key": "platform", "value": platform.platform()},
        {"key": "tradewind_home", "value": str(tradewind_home())},
        {"key": "dags_folder", "value": str(conf.getpath("core", "dags_folder"))},
        {"key": "base_log_folder", "value": str(conf.getpath("logging", "base_log_folder"))},
        {"key": "sql_alchemy_conn", "value": _hide_password(url)},
        {"key": "load_examples", "value": str(conf.getboolean("core", "load_examples"))},
        {"key": "sqlalchemy", "value": ver("sqlalchemy")},
        {"key": "alembic", "value": ver("alembic")},
        {"key": "jinja2", "value": ver("jinja2")},
        {"key": "croniter", "value": ver("croniter")},
    ]
    print_records(records, args.output)
    return 0


def _hide_password(url: str) -> str:
    import re

    return re.sub(r"(://[^:/@]+:)[^@]+@", r"\1***@", url)
