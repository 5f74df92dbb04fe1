"""/datasets, dataset events (list, create) and the queue of updates waiting for a DAG's next run."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, ConfigDict

from tradewind.actions import datasets as actions
from tradewind.api import serialize
from tradewind.api.openapi import errors
from tradewind.api.pagination import Limit, Offset
from tradewind.api.security import Caller, api_user
from tradewind.exceptions import NotFound
from tradewind.permissions import EDIT_DAGS, READ_DAGS
from tradewind.timetables.base import as_utc_or_none

router = APIRouter(tags=["Dataset"])
Reader = Annotated[Caller, Depends(api_user(READ_DAGS))]
Editor = Annotated[Caller, Depends(api_user(EDIT_DAGS))]


class CreateDatasetEvent(BaseModel):
    model_config = ConfigDict(extra="forbid")
    dataset_uri: str
    extra: dict[str, Any] | None = None


def _dataset(refs: Any) -> dict[str, Any]:
    r = refs.row
    return {
        "id": r.id,
        "uri": r.uri,
        "extra": r.extra or {},
        "created_at": serialize.iso(r.created_at),
        "updated_at": serialize.iso(r.updated_at),
        "consuming_dags": [
            {"dag_id": c.dag_id, "created_at": serialize.iso(r.created_at), "updated_at": serialize.iso(r.updated_at)}
            for c in refs.consumers
        ],
        "producing_tasks": [
            {
                "dag_id": p.dag_id,
                "task_id": p.task_id,
                "created_at": serialize.iso(r.created_at),
                "updated_at": serialize.iso(r.updated_at),
            }
            for p in refs.producers
        ],
    }


@router.get("/datasets", operation_id="get_datasets")
def list_datasets(
    _: Reader,
    limit: Limit = 100,
    offset: Offset = 0,
    order_by: str = "id",
    uri_pattern: str | None = None,
    dag_ids: str | None = None,
) -> dict[str, Any]:
    """Datasets (URI containing `uri_pattern`; used or produced by one of the comma-separated `dag_ids`)."""
    from tradewind.store.api_queries import datasets

    ids = [d.strip() for d in dag_ids.split(",") if d.strip()] if dag_ids else None
    found, total = datasets(uri_pattern, ids, order_by, limit, offset)
    return {"datasets": [_dataset(d) for d in found], "total_entries": total}


@router.get("/datasets/events", operation_id="get_dataset_events")
def list_events(
    _: Reader,
    limit: Limit = 100,
    offset: Offset = 0,
    order_by: str = "timestamp",
    dataset_id: int | None = None,
    source_dag_id: str | None = None,
    source_task_id: str | None = None,
    source_run_id: str | None = None,
    source_map_index: int | None = None,
) -> dict[str, Any]:
    from tradewind.store.api_queries import dataset_events, runs_created_by_events

    filters = {
        "dataset_id": dataset_id,
        "source_dag_id": source_dag_id,
        "source_task_id": source_task_id,
        "source_run_id": source_run_id,
        "source_map_index": source_map_index,
    }
    rows, total = dataset_events(filters, order_by, limit, offset)
    created = runs_created_by_events([r.id for r in rows])
    return {"dataset_events": [serialize.dataset_event(r, created.get(r.id)) for r in rows], "total_entries": total}


@router.post("/datasets/events", operation_id="create_dataset_event", responses=errors(404))
def create_event(body: CreateDatasetEvent, _: Editor) -> dict[str, Any]:
    """Record an update of a known dataset by hand: the DAGs scheduled on it get it queued, as from a task."""
    from tradewind.store.api_queries import dataset_events

    event_id = actions.create_event(body.dataset_uri, body.extra)
    rows, _total = dataset_events({"id": event_id}, "id", 1, 0)
    return serialize.dataset_event(rows[0])


@router.get("/datasets/queuedEvent/{uri:path}", operation_id="get_dataset_queued_events", responses=errors(404))
def dataset_queued(uri: str, _: Reader, before: datetime | None = None) -> dict[str, Any]:
    return _queued(None, uri, before)


@router.delete(
    "/datasets/queuedEvent/{uri:path}", operation_id="delete_dataset_queued_events", status_code=204,
    responses=errors(404),
)  # fmt: skip
def delete_dataset_queued(uri: str, _: Editor, before: datetime | None = None) -> Response:
    actions.delete_queued_events(None, uri, as_utc_or_none(before))
    return Response(status_code=204)


@router.get("/datasets/{uri:path}", operation_id="get_dataset", responses=errors(404))
def get_dataset(uri: str, _: Reader) -> dict[str, Any]:
    from tradewind.store.api_queries import datasets

    found = [d for d in datasets(uri, None, "id", 10000, 0)[0] if d.row.uri == uri]
    if not found:
        raise NotFound(f"dataset '{uri}' not found")
    return _dataset(found[0])


def _queued(dag_id: str | None, uri: str | None, before: datetime | None) -> dict[str, Any]:
    from tradewind.store.api_queries import queued_events

    if dag_id is not None:
        from tradewind.actions.dags import require_dag

        require_dag(dag_id)
    found = queued_events(dag_id, uri, as_utc_or_none(before))
    if not found:
        raise NotFound("no queued dataset event found")
    items = [{"uri": u, "dag_id": d, "created_at": serialize.iso(c)} for u, d, c in found]
    return {"datasets": items, "total_entries": len(items)}


@router.get("/dags/{dag_id}/datasets/queuedEvent", operation_id="get_dag_dataset_queued_events", responses=errors(404))
def dag_queued(dag_id: str, _: Reader, before: datetime | None = None) -> dict[str, Any]:
    return _queued(dag_id, None, before)


@router.delete(
    "/dags/{dag_id}/datasets/queuedEvent", operation_id="delete_dag_dataset_queued_events", status_code=204,
    responses=errors(404),
)  # fmt: skip
def delete_dag_queued(dag_id: str, _: Editor, before: datetime | None = None) -> Response:
    from tradewind.actions.dags import require_dag

    require_dag(dag_id)
    actions.delete_queued_events(dag_id, None, as_utc_or_none(before))
    return Response(status_code=204)


@router.get(
    "/dags/{dag_id}/datasets/queuedEvent/{uri:path}", operation_id="get_dag_dataset_queued_event",
    responses=errors(404),
)  # fmt: skip
def dag_queued_one(dag_id: str, uri: str, _: Reader, before: datetime | None = None) -> dict[str, Any]:
    return _queued(dag_id, uri, before)["datasets"][0]


@router.delete(
    "/dags/{dag_id}/datasets/queuedEvent/{uri:path}", operation_id="delete_dag_dataset_queued_event",
    status_code=204, responses=errors(404),
)  # fmt: skip
def delete_dag_queued_one(dag_id: str, uri: str, _: Editor, before: datetime | None = None) -> Response:
    from tradewind.actions.dags import require_dag

    require_dag(dag_id)
    actions.delete_queued_events(dag_id, uri, as_utc_or_none(before))
    return Response(status_code=204)
