"""A fresh clone tests itself: nothing reads the workspace's shared folder beside the repo, which a user's clone
does not have."""

from __future__ import annotations

import re
from pathlib import Path

from airflow_vectors import DIR as VECTORS_DIR

REPO = Path(__file__).resolve().parents[2]
# The folder beside the repo by any spelling (relative, absolute, `parent / "shared"`), or the old name of the
# vectors' folder; the patterns are assembled so that this file does not name them itself.
SHARED = "shar" + "ed"
OUTSIDE = re.compile(rf"\.\./{SHARED}|/work/{SHARED}|[\"']{SHARED}[\"']\s*/|airflow" + "-vectors")


def test_airflow_vectors_live_in_the_repo() -> None:
    assert VECTORS_DIR.is_relative_to(REPO / "tests")
    names = {p.name for p in VECTORS_DIR.iterdir()}
    assert {"timetables-2.11.2.json", "trigger_rules-2.11.2.json", "README.md"} <= names


def test_nothing_reads_the_shared_folder() -> None:
    offenders = []
    for top in ("tradewind", "tests", "scripts", "bench"):
        for path in (REPO / top).rglob("*"):
            if path.suffix not in {".py", ".sh", ".toml", ".cfg", ".ini"} or path == Path(__file__).resolve():
                continue
            for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
                if OUTSIDE.search(line):
                    offenders.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    assert not offenders, "\n".join(offenders)
