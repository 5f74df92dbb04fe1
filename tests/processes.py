"""Looking at real processes from tests: which processes a process has forked."""

from __future__ import annotations

from pathlib import Path


def child_pids(pid: int) -> set[int]:
    """The live (or zombie) processes whose parent is `pid`, from /proc."""
    out = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    out.add(int(entry.name))
            except (OSError, ValueError):
                pass
    return out
