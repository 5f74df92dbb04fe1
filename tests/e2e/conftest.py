"""Helpers to run the real CLI: in this process (fast) or as a subprocess (exactly as a user)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from scheduler_process import FAST, SchedulerProcess


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def dags_dir(tradewind_home: Path) -> Path:
    path = tradewind_home / "dags"
    path.mkdir(exist_ok=True)
    return path


@pytest.fixture
def write_dag(dags_dir: Path):
    def write(name: str, source: str) -> Path:
        path = dags_dir / name
        path.write_text(textwrap.dedent(source).lstrip(), encoding="utf-8")
        return path

    return write


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]):
    """Run `tradewind ARGS` in-process through the real entry point."""
    from tradewind.cli.main import main

    def run(*args: str) -> Result:
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse usage errors
            code = int(exc.code or 0)
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


@pytest.fixture
def cli_process():
    """Run `python -m tradewind ARGS` in a child process with the test's environment."""

    def run(*args: str, timeout: float = 120) -> Result:
        proc = subprocess.run(
            [sys.executable, "-m", "tradewind", *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=dict(os.environ),
        )
        return Result(proc.returncode, proc.stdout, proc.stderr)

    return run


@pytest.fixture
def scheduler(tradewind_home: Path, dags_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    for key, value in FAST.items():
        monkeypatch.setenv(key, value)
    from tradewind.store.migrate import migrate

    migrate()
    proc = SchedulerProcess(tradewind_home, tradewind_home / "scheduler.out")
    yield proc
    proc.stop()
