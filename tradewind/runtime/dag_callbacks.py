"""A DAG's own `on_success_callback` / `on_failure_callback`, fired once when a run finishes.

`dags test` calls this in process; the scheduler sends it to a worker (it needs the DAG's
code, which the scheduler never imports). A failing callback is logged, never fatal.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from tradewind.states import DagRunState

if TYPE_CHECKING:
    from tradewind.sdk.dag import DAG
    from tradewind.store.records import DagRunRecord

log = logging.getLogger(__name__)


def has_dag_callbacks(dag: DAG) -> bool:
    return bool(dag.on_success_callback or dag.on_failure_callback)


def run_dag_callbacks(dag: DAG, dag_run: DagRunRecord, state: str, reason: str) -> None:
    hooks = dag.on_success_callback if state == DagRunState.SUCCESS else dag.on_failure_callback
    if not hooks:
        return
    context: dict[str, Any] = {
        "dag": dag,
        "dag_run": dag_run,
        "run_id": dag_run.run_id,
        "logical_date": dag_run.logical_date,
        "ds": dag_run.logical_date.strftime("%Y-%m-%d"),
        "data_interval_start": dag_run.data_interval_start,
        "data_interval_end": dag_run.data_interval_end,
        "conf": dag_run.conf or {},
        "params": {**dag.params.validate({}), **(dag_run.conf or {})}
        if _valid(dag, dag_run)
        else dict(dag_run.conf or {}),
        "reason": reason,
    }
    for hook in hooks if isinstance(hooks, (list, tuple)) else [hooks]:
        try:
            hook(context)
        except Exception:  # noqa: BLE001
            log.exception("DAG %s: %s callback %r failed", dag.dag_id, state, hook)


def _valid(dag: DAG, dag_run: DagRunRecord) -> bool:
    try:
        dag.params.validate(dag_run.conf or {})
    except Exception:  # noqa: BLE001 — the context still gets the raw conf
        return False
    return True
