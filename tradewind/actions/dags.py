"""DAGs: look one up, filter the list, pause or unpause, delete its records, show its code."""

from __future__ import annotations

import fnmatch
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tradewind.actions import audit
from tradewind.exceptions import DagNotFound

if TYPE_CHECKING:
    from tradewind.store.records import DagRecord


def require_dag(dag_id: str) -> DagRecord:
    from tradewind.store import dags

    record = dags.get_dag(dag_id)
    if record is None:
        raise DagNotFound(f"DAG '{dag_id}' not found")
    return record


def filter_dags(records: list[Any], search: str | None, tags: list[str] | None, paused: bool | None) -> list[Any]:
    """The DAGs list's filters (API and UI): id substring (or glob), any of the tags, paused state."""
    out = records
    if search:
        needle = search.lower()
        glob = any(c in search for c in "*?[")
        out = [d for d in out if (fnmatch.fnmatch(d.dag_id.lower(), needle) if glob else needle in d.dag_id.lower())]
    if tags:
        wanted = set(tags)
        out = [d for d in out if wanted & set(d.tags or [])]
    if paused is not None:
        out = [d for d in out if d.is_paused == paused]
    return out


def set_paused(dag_id: str, paused: bool) -> DagRecord:
    """Pause or unpause; an unpaused DAG wakes a sleeping scheduler, which starts its waiting runs now."""
    from tradewind.scheduler.wakeup import notify
    from tradewind.store import dags

    was = require_dag(dag_id).is_paused
    record = dags.set_paused(dag_id, paused)
    if not paused:
        notify()
    if was != paused:
        audit.record("paused" if paused else "unpaused", dag_id=dag_id)
    return record


def delete_dag(dag_id: str) -> int:
    """Remove the DAG's records (runs, task instances, tries, XComs; not its file); how many rows went."""
    from tradewind.store import dags

    removed = dags.delete_dag(dag_id)
    audit.record("dag.delete", dag_id=dag_id, rows=removed)
    return removed


def dag_source(record: DagRecord) -> str:
    """The code of the DAG's file: as the DAG processor stored it, else read from disk."""
    from tradewind.store.ui_queries import stored_source

    if not record.fileloc:
        return "# the file of this DAG is not known"
    stored = stored_source(record.fileloc)
    if stored:
        return stored
    try:
        return Path(record.fileloc).read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        return f"# cannot read {record.fileloc}: {exc.strerror}"
