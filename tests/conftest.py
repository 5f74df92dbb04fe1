"""Every test gets its own TRADEWIND_HOME, so nothing touches ~/tradewind or leaks between tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytest_plugins = ("moto_s3",)  # fixtures `moto_s3` (an S3 server) and `aws_default` (a connection to it)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--tasks-per-process",
        default=None,
        help="run every test with [executor] tasks_per_process = N (task process reuse; default: 1, isolated)",
    )


@pytest.fixture(autouse=True)
def tradewind_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> Path:
    home = tmp_path / "tw-home"
    home.mkdir()
    monkeypatch.setenv("TRADEWIND_HOME", str(home))
    for key in list(os.environ):
        if key.startswith("TRADEWIND__") or key.startswith("TRADEWIND_VAR_") or key.startswith("TRADEWIND_CONN_"):
            monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("TRADEWIND__CORE__LOAD_EXAMPLES", "false")
    monkeypatch.setenv("TRADEWIND__CORE__DAGS_FOLDER", str(home / "dags"))
    per_process = request.config.getoption("--tasks-per-process")
    if per_process is not None:
        monkeypatch.setenv("TRADEWIND__EXECUTOR__TASKS_PER_PROCESS", str(per_process))
    _reset_caches()
    yield home
    _reset_caches()


def _reset_caches() -> None:
    import sys

    if "tradewind.store.engine" in sys.modules:
        sys.modules["tradewind.store.engine"].reset_engine()
    if "tradewind.store.migrate" in sys.modules:
        reset = getattr(sys.modules["tradewind.store.migrate"], "reset_cache", None)
        if reset:
            reset()
    if "tradewind.config" in sys.modules:
        sys.modules["tradewind.config"].conf.reload()
