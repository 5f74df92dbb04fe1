"""Helpers shared by commands: loading DAGs, parsing dates and conf, talking to the database."""

from __future__ import annotations

import json
import os
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tradewind.exceptions import UsageError

if TYPE_CHECKING:
    import argparse

    from tradewind.parsing.dagbag import DagBag
    from tradewind.sdk.dag import DAG


def dags_folder(subdir: str | None) -> Path:
    from tradewind.config import conf

    folder = Path(conf.getpath("core", "dags_folder"))
    if not subdir:
        return folder
    return Path(subdir.replace("DAGS_FOLDER", str(folder))).expanduser().resolve()


def load_dagbag(args: argparse.Namespace) -> DagBag:
    from tradewind.parsing.dagbag import DagBag

    subdir = getattr(args, "subdir", None)
    folder = dags_folder(subdir)
    if subdir and not folder.exists():
        raise UsageError(f"--subdir {subdir}: no such file or directory")
    return DagBag(folder)


def ready_db() -> None:
    from tradewind.store.migrate import ensure_ready

    ensure_ready()


def sync_dagbag(bag: DagBag) -> None:
    """Record the bag's DAGs and import errors in the database (one transaction each).

    The stored errors of files under the bag's folders that it no longer found (deleted, ignored)
    are cleared, so the UI, the API and `dags list-import-errors` show what this parse found.
    """
    from tradewind.config import conf
    from tradewind.serialization import dag_hash, dag_row, serialize_dag
    from tradewind.store import dags, import_errors

    ready_db()
    paused_default = conf.getboolean("core", "dags_are_paused_at_creation")
    items = []
    for dag in bag.dags.values():
        data = serialize_dag(dag)
        items.append((dag_row(dag, data), data, dag_hash(data)))
    if items:
        dags.sync_dags(items, paused_at_creation=paused_default)
    errors = [e.as_tuple() for e in bag.import_errors.values()]
    import_errors.replace_import_errors(bag.files_seen, errors, roots=bag.roots)


def get_dag(args: argparse.Namespace) -> DAG:
    return load_dagbag(args).get_dag(args.dag_id)


def parse_date(text: str | None, *, what: str = "date") -> datetime:
    """ISO 8601 date or datetime; naive values are UTC. Default: now."""
    if text is None:
        return datetime.now(timezone.utc).replace(microsecond=0)
    from tradewind.timetables.base import parse_iso

    return parse_iso(text, what)


def read_json_object(path: Path, shape: str) -> dict[str, Any]:
    """A user's JSON file holding one object; anything else is one clear line (`shape` says what belongs)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"no such file: {path}") from None
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path} is not valid JSON: {exc.msg} at line {exc.lineno}") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path} is not a UTF-8 text file") from None
    except OSError as exc:  # a directory, no permission, …
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None
    if not isinstance(data, dict):
        raise UsageError(f"{path} must hold a JSON object of {shape}")
    return data


def write_export(file: str, text: str, done: str, *, private: bool = False) -> None:
    """`text` to stdout for `-`, else to `file` and print `done`; `private` files (secrets) are created 0600."""
    if file == "-":
        sys.stdout.write(text)
        return
    try:
        fd = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600 if private else 0o666)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
    except OSError as exc:
        raise UsageError(f"cannot write {file}: {exc.strerror}") from None
    print(done)


def check_num_runs(value: int) -> int:
    """`-n/--num-runs`: a positive number of loops, or -1 for "run until stopped"."""
    if value == 0 or value < -1:
        raise UsageError(f"--num-runs must be a positive number of passes, or -1 to run forever (got {value})")
    return value


def confirm(question: str, *, refusal: str, yes: bool) -> bool:
    """Ask on a terminal; without one, refuse (unless -y) rather than act unasked."""
    if yes:
        return True
    if not sys.stdin.isatty():
        raise UsageError(refusal)
    try:
        answer = input(f"{question} (y/n) ")
    except EOFError:  # the terminal closed its input: no answer is no
        print()
        return False
    return answer.strip().lower() in ("y", "yes")
