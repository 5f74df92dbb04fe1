"""After a successful try: the dataset events of its outlets, sent to the store through the task's client."""

from __future__ import annotations

import logging
from typing import Any


def emit_outlet_events(task: Any, dag_run: Any, map_index: int, context: dict[str, Any] | None = None) -> None:
    """One event per Dataset outlet (and per dataset added to an outlet alias).

    Never fails the task (it already succeeded): a problem is logged in the task's log.
    """
    from tradewind.datasets import DatasetAlias, outlet_datasets

    outlets = getattr(task, "outlets", None) or []
    datasets = outlet_datasets(outlets)
    accessors = (context or {}).get("outlet_events")
    aliased = accessors.added_through(o for o in outlets if isinstance(o, DatasetAlias)) if accessors else {}
    if not datasets and not aliased:
        return
    try:
        from tradewind.runtime import comms
        from tradewind.runtime.protocol import RecordDatasetEvents

        extras = {d.uri: accessors.extra_for(d.uri) if accessors is not None else {} for d in datasets}
        for uri, (extra, _) in aliased.items():  # datasets named at run time through an outlet DatasetAlias
            extras.setdefault(uri, {}).update(extra)
        names = {uri: alias_names for uri, (_, alias_names) in aliased.items()}
        comms.request(RecordDatasetEvents(dag_run.dag_id, dag_run.run_id, task.task_id, map_index, extras, names))
        logging.getLogger("tradewind.task").info("Updated datasets: %s", ", ".join(extras))
    except Exception:  # noqa: BLE001
        logging.getLogger("tradewind.task").exception("could not record the dataset events of %s", task.task_id)
