"""`tradewind db migrate|check|reset|clean|export-archived|drop-archived`."""

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
    from tradewind.cli.common import confirm
    from tradewind.store.migrate import reset as run_reset

    if not confirm(
        "This drops every table and all data. Proceed?",
        refusal="db reset deletes all data; pass -y to confirm",
        yes=args.yes,
    ):
        print("Cancelled.")
        return 1
    run_reset()
    print("Database reset.")
    return 0


def _tables(text: str | None) -> list[str]:
    return [t.strip() for t in (text or "").split(",") if t.strip()]


def clean(args: argparse.Namespace) -> int:
    """Purge rows older than --clean-before-timestamp (archived unless --skip-archive), as `airflow db clean`."""
    from tradewind.cli.common import confirm, parse_date, ready_db
    from tradewind.cli.output import print_table
    from tradewind.store import cleanup

    before = parse_date(args.clean_before_timestamp, what="--clean-before-timestamp")
    targets, skipped = cleanup.choose(_tables(args.tables))
    ready_db()
    for name in skipped:
        print(f"Skipping {name}: Tradewind has no such table.")
    names = ", ".join(t.name for t in targets)
    if not args.dry_run and not confirm(
        f"Purge every row older than {before.isoformat()} from {names}? This cannot be undone"
        + ("" if not args.skip_archive else " (no archive is kept)"),
        refusal="db clean deletes rows; pass -y to confirm (or --dry-run to see what it would delete)",
        yes=args.yes,
    ):
        print("Cancelled.")
        return 1
    rows, archives = [], set()
    for purged in cleanup.clean(targets, before, dry_run=args.dry_run, skip_archive=args.skip_archive):
        dependants = ", ".join(f"{n} {c}" for n, c in purged.dependants.items() if c)
        rows.append({"table": purged.table, "rows": purged.rows, "with them": dependants})
        archives.update(purged.archives)
    if args.dry_run:
        print(f"Dry run: rows older than {before.isoformat()} that would be purged (nothing was deleted).")
        print("Each table is counted on its own: rows that would go with a purged run may be counted twice.")
    else:
        print(f"Purged rows older than {before.isoformat()}:")
    print_table(rows, ["table", "rows", "with them"])
    if archives:
        stamp = sorted(archives)[0].rsplit("__", 1)[1]
        print(
            f"A copy is kept in {len(archives)} archive tables ({cleanup.archive_name('<table>', stamp)}): "
            "export them with `tradewind db export-archived`, drop them with `tradewind db drop-archived`."
        )
    return 0


def export_archived(args: argparse.Namespace) -> int:
    """Write each archive table `db clean` left to <output-path>/<archive table>.csv, as Airflow does."""
    import csv
    from pathlib import Path

    from tradewind.cli.common import confirm, ready_db
    from tradewind.exceptions import UsageError
    from tradewind.store import cleanup

    out = Path(args.output_path)
    if not out.is_dir():
        raise UsageError(f"--output-path {out}: no such directory")
    ready_db()
    archives = cleanup.list_archives(_tables(args.tables))
    if not archives:
        print("No archived rows to export.")
        return 0
    for archive in archives:
        path = out / f"{archive.name}.{args.export_format}"
        try:
            with path.open("w", newline="", encoding="utf-8") as handle:
                csv.writer(handle).writerows(cleanup.archive_rows(archive.name))
        except OSError as exc:
            raise UsageError(f"cannot write {path}: {exc.strerror}") from None
        print(f"Exported {archive.rows} rows of {archive.table} to {path}")
    if args.drop_archives and confirm(
        f"Drop the {len(archives)} archive tables just exported?",
        refusal="--drop-archives drops tables; pass -y to confirm",
        yes=args.yes,
    ):
        cleanup.drop_archives([a.name for a in archives])
        print(f"Dropped {len(archives)} archive tables.")
    return 0


def drop_archived(args: argparse.Namespace) -> int:
    """Drop the archive tables `db clean` left (all, or those of --tables)."""
    from tradewind.cli.common import confirm, ready_db
    from tradewind.store import cleanup

    ready_db()
    archives = cleanup.list_archives(_tables(args.tables))
    if not archives:
        print("No archive tables to drop.")
        return 0
    if not confirm(
        f"Drop {len(archives)} archive tables ({sum(a.rows for a in archives)} rows)? This cannot be undone",
        refusal="db drop-archived drops tables; pass -y to confirm",
        yes=args.yes,
    ):
        print("Cancelled.")
        return 1
    cleanup.drop_archives([a.name for a in archives])
    for archive in archives:
        print(f"Dropped {archive.name} ({archive.rows} rows of {archive.table})")
    return 0
