"""Datasets: record an update by hand (it queues the DAGs scheduled on the dataset, as a task's outlet
does), and drop queued updates."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tradewind.actions import audit
from tradewind.exceptions import NotFound, UsageError


def create_event(uri: str, extra: dict[str, Any] | None = None) -> int:
    """An event for a known dataset, from no task (Airflow's `POST /datasets/events`); its id."""
    from tradewind.scheduler.wakeup import notify
    from tradewind.store.datasets import get_dataset, record_events

    if extra is not None and not isinstance(extra, dict):
        raise UsageError("extra must be a JSON object")
    if get_dataset(uri) is None:
        raise NotFound(f"dataset '{uri}' not found")
    event_ids = record_events(dag_id=None, run_id=None, task_id=None, map_index=None, outlets={uri: extra or {}})
    notify()
    audit.record("dataset.event", uri=uri, extra=extra or {})
    return event_ids[0]


def delete_queued_events(dag_id: str | None, uri: str | None, before: datetime | None = None) -> int:
    """Forget queued updates (of one DAG, of one dataset, or both); NotFound when there was none."""
    from tradewind.store.api_queries import delete_queued_events as delete

    removed = delete(dag_id, uri, before)
    if not removed:
        raise NotFound("no queued dataset event found")
    audit.record("dataset.queued_event.delete", dag_id=dag_id, uri=uri, removed=removed)
    return removed
