"""What Tradewind creates in a fresh home is its owner's alone: the database (and its WAL/SHM), the config file
with the keys, and the logs (0600 files, 0700 folders), even under the usual umask 022."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

DAG = """
from datetime import datetime
from tradewind import DAG
from tradewind.operators.bash import BashOperator

with DAG("modes", schedule=None, start_date=datetime(2024, 1, 1)):
    BashOperator(task_id="a", bash_command="echo secret-ish output")
"""


@pytest.fixture
def fresh_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A TRADEWIND_HOME that does not exist yet (Tradewind creates it), and a umask that lets others read."""
    home = tmp_path / "not-yet" / "home"
    monkeypatch.setenv("TRADEWIND_HOME", str(home))
    monkeypatch.setenv("TRADEWIND__CORE__DAGS_FOLDER", str(tmp_path / "dags"))
    (tmp_path / "dags").mkdir()
    (tmp_path / "dags" / "modes.py").write_text(DAG, encoding="utf-8")
    old = os.umask(0o022)
    try:
        yield home
    finally:
        os.umask(old)


def mode(path: Path) -> str:
    return oct(stat.S_IMODE(path.stat().st_mode))


def tradewind(*args: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "tradewind", *args], capture_output=True, text=True, timeout=120, env=dict(os.environ)
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_database_config_and_logs_are_owner_only(fresh_home: Path) -> None:
    tradewind("db", "migrate")  # creates the database and saves the generated keys in tradewind.toml
    tradewind("dags", "test", "modes", "2024-03-05")

    assert mode(fresh_home) == "0o700"
    assert mode(fresh_home / "tradewind.db") == "0o600"
    assert mode(fresh_home / "tradewind.toml") == "0o600"
    assert "fernet_key" in (fresh_home / "tradewind.toml").read_text()
    [log] = (fresh_home / "logs").rglob("attempt=1.log")
    assert "secret-ish output" in log.read_text() and mode(log) == "0o600"
    folder = log.parent
    while folder != fresh_home:
        assert mode(folder) == "0o700", folder
        folder = folder.parent

    import sqlite3

    with sqlite3.connect(fresh_home / "tradewind.db") as conn:  # WAL mode: -wal and -shm exist while open
        conn.execute("INSERT INTO variable (key, val, is_encrypted) VALUES ('k', 'v', 0)")
        assert mode(fresh_home / "tradewind.db-wal") == "0o600"
        assert mode(fresh_home / "tradewind.db-shm") == "0o600"
