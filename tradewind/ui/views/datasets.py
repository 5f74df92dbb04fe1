"""Datasets: which task produces each, which DAGs are scheduled on it, its recent events, and the graph
of DAGs and datasets (producer DAG → dataset → consumer DAG), drawn by the same code as a DAG's graph."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response

from tradewind.api.security import Caller, ui_user
from tradewind.exceptions import NotFound
from tradewind.permissions import READ_DAGS
from tradewind.ui.render import page

router = APIRouter()
Reader = Annotated[Caller, Depends(ui_user(READ_DAGS))]


@router.get("/datasets")
def datasets_page(request: Request, caller: Reader, q: Annotated[str, Query(max_length=500)] = "") -> Response:
    from tradewind.store.datasets import list_datasets, list_events, queued_uris_by_dag

    everything = list_datasets()
    shown = [d for d in everything if q.lower() in d.uri.lower()] if q else everything
    waiting: dict[str, list[str]] = {}
    for dag_id, uris in queued_uris_by_dag().items():
        for uri in uris:
            waiting.setdefault(uri, []).append(dag_id)
    return page(
        request,
        "datasets.html",
        caller,
        datasets=shown,
        total=len(everything),
        q=q,
        waiting=waiting,
        events=list_events(limit=25),
    )


@router.get("/datasets/detail")
def dataset_page(request: Request, caller: Reader, uri: Annotated[str, Query(max_length=3000)]) -> Response:
    """One dataset (by URI, which may hold any character, hence a query parameter): who makes and uses it, its events."""
    from tradewind.store.datasets import list_datasets, list_events, queued_uris_by_dag

    summary = next((d for d in list_datasets() if d.uri == uri), None)
    if summary is None:
        raise NotFound(f"dataset {uri!r} not found")
    return page(
        request,
        "dataset.html",
        caller,
        ds=summary,
        events=list_events(uri, limit=100),
        waiting=sorted(d for d, uris in queued_uris_by_dag().items() if uri in uris),
    )


@router.get("/datasets/graph.json")
def datasets_graph(_: Reader) -> Response:
    """Nodes and edges for graph.js: a node per DAG that produces or consumes a dataset, and per dataset."""
    from tradewind.store.datasets import list_datasets

    nodes: dict[str, dict[str, object]] = {}
    edges: set[tuple[str, str]] = set()

    def dag_node(dag_id: str) -> str:
        key = "dag:" + dag_id
        nodes.setdefault(
            key,
            {
                "id": key,
                "label": dag_id,
                "operator": "DAG",
                "kind": "dag",
                "href": f"/dags/{quote(dag_id, safe='')}/grid",
            },
        )
        return key

    for d in list_datasets():
        key = "dataset:" + d.uri
        nodes[key] = {
            "id": key,
            "label": d.uri,
            "operator": f"dataset · {d.event_count} event{'s' if d.event_count != 1 else ''}",
            "kind": "dataset",
            "href": "/datasets/detail?uri=" + quote(d.uri, safe=""),
        }
        for producer in d.producing_tasks:
            edges.add((dag_node(producer.split(".", 1)[0]), key))
        for consumer in d.consuming_dags:
            edges.add((key, dag_node(consumer)))
    return JSONResponse(
        {
            "nodes": list(nodes.values()),
            "edges": sorted(map(list, edges)),
            "groups": [],
            "run_state": None,
            "live": False,
        }
    )
