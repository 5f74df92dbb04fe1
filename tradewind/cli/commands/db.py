"""`tradewind db migrate|check|reset`."""

from __future__ import annotations

import argparse
import sys


def migrate(args: argparse.Namespace) -> int:
    from tradewind.store.migrate import migrate as run_migrate

    before, after = run_migrate()
    if before == after:
        print(f"Database is up to date (revision {after}).")
    else:
        print(f"Database migrated from {before or 'empty'} to {after}.")
    _ensure_fernet_key()
    _ensure_secret_key()
    return 0


def _ensure_secret_key() -> None:
    """As the fernet key: the webserver's session-signing key is created once and saved in the config."""
    from tradewind.api.session_key import ensure_secret_key
    from tradewind.config import conf, config_file_path

    if not str(conf.get("webserver", "secret_key", fallback="") or "").strip():
        ensure_secret_key()
        if str(conf.get("webserver", "secret_key", fallback="") or "").strip():
            print(f"Created a new [webserver] secret_key in {config_file_path()}.")


def _ensure_fernet_key() -> None:
    """As `airflow db migrate`: make sure secrets can be encrypted at rest (see tradewind.secrets.fernet)."""
    from tradewind.config import config_file_path
    from tradewind.secrets.fernet import configured_key, ensure_fernet_key, get_fernet

    if configured_key():
        get_fernet()  # a malformed key is reported now, not when the first connection is saved
        return
    if ensure_fernet_key() is not None:
        print(f"Created a new [core] fernet_key in {config_file_path()}.")


def check(args: argparse.Namespace) -> int:
    from tradewind.store.migrate import check as run_check

    status = run_check()
    if status.ok:
        print(f"Database is reachable and up to date (revision {status.current}).")
        return 0
    print(
        f"tradewind: error: database schema is at {status.current or 'nothing (empty database)'}, "
        f"expected {status.head}: run `tradewind db migrate`",
        file=sys.stderr,
    )
    return 1


def reset(args: argparse.Namespace) -> int:
    from tradewind.exceptions import UsageError
    from tradewind.store.migrate import reset as run_reset

    if not args.yes:
        if not sys.stdin.isatty():
            raise UsageError("db reset deletes all data; pass -y to confirm")
        answer = input("This drops every table and all data. Proceed? (y/n) ")
        if answer.strip().lower() not in ("y", "yes"):
            print("Cancelled.")
            return 1
    run_reset()
    print("Database reset.")
    return 0
