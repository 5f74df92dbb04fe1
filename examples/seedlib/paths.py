"""Where a pipeline keeps its data: `$TRADEWIND_HOME/data/<dag_id>/` (raw drops, one folder per run)."""

from __future__ import annotations

from pathlib import Path


def data_dir(dag_id: str) -> Path:
    """The pipeline's data folder; it follows `$TRADEWIND_HOME` (default ~/tradewind)."""
    from tradewind.config import tradewind_home

    return tradewind_home() / "data" / dag_id


def raw_dir(dag_id: str) -> Path:
    """Drops downloaded from the FTP server, each named `<week start>.csv`."""
    return data_dir(dag_id) / "raw"


def runs_dir(dag_id: str) -> Path:
    return data_dir(dag_id) / "runs"


def run_dir(dag_id: str, run_id: str) -> Path:
    """Everything one run produced: train/test split, model, metrics, notebook, report."""
    return runs_dir(dag_id) / safe_name(run_id)


def safe_name(run_id: str) -> str:
    """A run id as a folder name (run ids may hold ':' and '+', fine on POSIX but not on every FS)."""
    return run_id.replace(":", "-").replace("+", "_").replace("/", "_")
