"""Which files in a DAGs folder may hold DAGs (Airflow's safe-mode heuristic and ignore files)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

IGNORE_FILES = (".tradewindignore", ".airflowignore")


def _ignore_patterns(folder: Path) -> list[re.Pattern[str]]:
    patterns = []
    for name in IGNORE_FILES:
        path = folder / name
        if path.is_file():
            for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
                line = line.split("#", 1)[0].strip()
                if line:
                    try:
                        patterns.append(re.compile(line))
                    except re.error:
                        continue
    return patterns


def might_contain_dag(path: Path) -> bool:
    """Like Airflow's safe mode: only files mentioning "dag" (or "asset": an Airflow 3 `@asset` file needs no
    DAG) and the framework are imported."""
    try:
        content = path.read_bytes().lower()
    except OSError:
        return False
    return (b"dag" in content or b"asset" in content) and (b"tradewind" in content or b"airflow" in content)


def list_dag_files(root: Path, *, safe_mode: bool = True) -> Iterator[Path]:
    """Python files under `root`, sorted, skipping hidden dirs, __pycache__ and ignore-file matches."""
    root = Path(root)
    if root.is_file():
        if root.suffix == ".py":
            yield root
        return
    if not root.is_dir():
        return
    stack: list[tuple[Path, list[re.Pattern[str]]]] = [(root, [])]
    found: list[Path] = []
    while stack:
        folder, inherited = stack.pop()
        patterns = inherited + _ignore_patterns(folder)
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            if entry.name.startswith(".") or entry.name == "__pycache__":
                continue
            if patterns and any(p.search(os.path.relpath(entry.path, root)) for p in patterns):
                continue
            if entry.is_dir(follow_symlinks=True):
                stack.append((Path(entry.path), patterns))
            elif entry.name.endswith(".py") and (not safe_mode or might_contain_dag(Path(entry.path))):
                found.append(Path(entry.path))
    yield from sorted(found)
