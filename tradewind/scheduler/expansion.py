"""How many copies a mapped task gets, from its serialized expand spec and upstream XComs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tradewind.exceptions import TradewindException

Pull = Callable[[str, str], Any]  # (task_id, key) -> value (a list for a mapped upstream)


class ExpansionError(TradewindException):
    """A mapped task's input is missing or not a list/dict."""


def _length(spec: dict[str, Any], pull: Pull, task_id: str) -> int:
    if "length" in spec:
        return int(spec["length"])
    if "zip" in spec:
        lengths = [_length(part, pull, task_id) for part in spec["zip"]]
        return max(lengths) if spec["longest"] else min(lengths)
    ref = spec["xcom"]
    value = pull(ref["task_id"], ref["key"])
    if value is None:
        raise ExpansionError(f"cannot expand {task_id}: {ref['task_id']} pushed no XCom '{ref['key']}'")
    if not isinstance(value, (list, tuple, dict)):
        raise ExpansionError(
            f"cannot expand {task_id}: {ref['task_id']} returned {type(value).__name__}, expected a list or dict"
        )
    return len(value)


def expansion_length(expand: dict[str, Any], pull: Pull, task_id: str) -> int:
    """Number of map indexes: the product of the input lengths, or the length of an expand_kwargs list."""
    if expand["mode"] == "list":
        return _length(expand["input"], pull, task_id)
    total = 1
    for spec in expand["inputs"].values():
        total *= _length(spec, pull, task_id)
    return total


def store_pull(dag_id: str, run_id: str, mapped_upstreams: set[str]) -> Pull:
    """A `Pull` reading the metadata database; a mapped upstream gives its values in index order."""
    from tradewind.store import xcom

    def pull(task_id: str, key: str) -> Any:
        found = xcom.pull(dag_id, run_id, [task_id], key=key)
        entries = sorted(found.items(), key=lambda item: item[0][1])
        if task_id in mapped_upstreams:
            return [v for (_, mi), v in entries if mi >= 0] if entries else None
        return entries[-1][1] if entries else None

    return pull


def expand_task(dag_id: str, run_id: str, node: Any, length: int) -> None:
    """Turn the unexpanded row (map_index -1) into rows 0..length-1; zero copies means skipped."""
    from tradewind.states import TaskState
    from tradewind.store import task_instances

    if length == 0:
        task_instances.settle_waiting(dag_id, run_id, {(node.task_id, -1): TaskState.SKIPPED})
        return
    rows = [
        {
            "task_id": node.task_id,
            "map_index": i,
            "state": TaskState.NONE,
            "max_tries": node.retries,
            "operator": node.operator,
            "pool": node.pool,
            "pool_slots": node.pool_slots,
            "queue": node.queue,
            "priority_weight": node.priority_weight,
        }
        for i in range(1, length)
    ]
    task_instances.expand_mapped(dag_id, run_id, node.task_id, rows)
