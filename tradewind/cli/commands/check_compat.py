"""`tradewind dags check-compat [PATH]`: will these Airflow DAG files import here, one line per file.

Each file is imported alone in a forked child, by the DAG processor's own pool and parser
(`parsing/pool.py`, `parsing/child.py`), so the answer is what the scheduler would record —
without touching the database.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from tradewind.cli.common import dags_folder
from tradewind.cli.output import to_json
from tradewind.exceptions import UsageError

OK, WARNINGS, BROKEN = "ok", "ok with warnings", "will not import"


def check_compat(args: argparse.Namespace) -> int:
    from tradewind.config import conf
    from tradewind.parsing.child import FileOutcome
    from tradewind.parsing.files import list_dag_files
    from tradewind.parsing.pool import ParsePool

    root = dags_folder(args.path)
    if not root.exists():
        raise UsageError(f"{args.path or root}: no such file or directory")
    files = [str(p) for p in list_dag_files(root)] if root.is_dir() else [str(root)]
    outcomes: dict[str, FileOutcome] = {}
    pool = ParsePool(
        conf.getint("scheduler", "parsing_processes", fallback=2),
        conf.getfloat("core", "dag_file_processor_timeout", fallback=50.0),
        [str(root)] if root.is_dir() else [str(root.parent)],
        chunk_size=1,  # one process per file: nothing one file imports or sets is seen by the next
    )
    pool.submit(files)
    try:
        pool.pump(lambda outcome: outcomes.__setitem__(outcome.fileloc, outcome))
    finally:
        pool.close()
    base = root if root.is_dir() else root.parent
    results = [_result(outcomes[f], base) for f in files if f in outcomes]
    total = {status: sum(r["status"] == status for r in results) for status in (OK, WARNINGS, BROKEN)}
    if args.output == "json":
        print(to_json({"path": str(root), "files": results, "total": {"files": len(results), **total}}))
    else:
        for r in results:
            print(f"{r['file']}: {_describe(r)}")
        files_word = "file" if len(results) == 1 else "files"
        print(f"{len(results)} {files_word}: {total[OK]} {OK}, {total[WARNINGS]} {WARNINGS}, {total[BROKEN]} {BROKEN}")
    return 1 if total[BROKEN] else 0


def _result(outcome: Any, base: Path) -> dict[str, Any]:
    """One file's verdict: its DAG ids, the warnings (`line: text`) and the import errors."""
    errors = [{"line": lineno, "message": message} for _, lineno, message, _ in outcome.errors]
    status = BROKEN if errors else WARNINGS if outcome.warnings else OK
    return {
        "file": str(Path(outcome.fileloc).relative_to(base))
        if outcome.fileloc.startswith(str(base))
        else outcome.fileloc,
        "status": status,
        "dag_ids": [row["dag_id"] for row, _, _ in outcome.dags],
        "warnings": outcome.warnings,
        "errors": errors,
    }


def _describe(result: dict[str, Any]) -> str:
    if result["status"] == BROKEN:
        first = result["errors"][0]
        where = f"line {first['line']}: " if first["line"] else ""
        return f"{BROKEN} ({where}{first['message']})"
    if result["status"] == WARNINGS:
        return f"{WARNINGS} ({'; '.join('line ' + w.strip() for w in result['warnings'])})"
    return OK
