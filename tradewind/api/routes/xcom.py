"""XCom entries of task instances (`~` for every run or task, as Airflow)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from tradewind.actions import runs, tasks
from tradewind.api import serialize
from tradewind.api.openapi import errors
from tradewind.api.pagination import Limit, Offset
from tradewind.api.routes.task_instances import TI, MapIndex
from tradewind.api.security import Caller, api_user
from tradewind.exceptions import NotFound
from tradewind.permissions import READ_DAGS

router = APIRouter(tags=["XCom"])
Reader = Annotated[Caller, Depends(api_user(READ_DAGS))]


@router.get(TI + "/xcomEntries", operation_id="get_xcom_entries", responses=errors(404))
def list_xcoms(
    dag_id: str,
    dag_run_id: str,
    task_id: str,
    _: Reader,
    map_index: Annotated[int | None, Query(ge=-1, le=tasks.MAX_MAP_INDEX)] = None,
    xcom_key: str | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> dict[str, Any]:
    """XCom entries of an instance (`~` for every run or task, as Airflow)."""
    from tradewind.actions.dags import require_dag
    from tradewind.store.api_queries import xcom_entries

    require_dag(dag_id)
    if dag_run_id != "~":
        runs.require_run(dag_id, dag_run_id)
    rows, total = xcom_entries(
        dag_id,
        None if dag_run_id == "~" else dag_run_id,
        None if task_id == "~" else task_id,
        map_index,
        xcom_key,
        limit,
        offset,
    )
    return {"xcom_entries": [serialize.xcom_item(r) for r in rows], "total_entries": total}


@router.get(TI + "/xcomEntries/{xcom_key}", operation_id="get_xcom_entry", responses=errors(404))
def get_xcom(
    dag_id: str,
    dag_run_id: str,
    task_id: str,
    xcom_key: str,
    _: Reader,
    map_index: MapIndex = -1,
    deserialize: bool = False,
    stringify: bool = True,
) -> dict[str, Any]:
    """One entry; as Airflow, the value is its text form unless `stringify=false` (with `deserialize`, JSON)."""
    from tradewind.store import xcom

    run = runs.require_run(dag_id, dag_run_id)
    tasks.require_ti(dag_id, dag_run_id, task_id, map_index)
    for x in xcom.list_xcoms(dag_id, dag_run_id, task_id):
        if x.map_index == map_index and x.key == xcom_key:
            return serialize.xcom(x, run.logical_date, stringify=stringify and not deserialize)
    raise NotFound(f"XCom entry '{xcom_key}' not found")
