"""Keep the database's serialized DAGs in step with the DAG files, for the scheduler.

A thin seam over the DAG file processor (files parsed in forked children, only new, changed or
due files), so the scheduler loop only learns "did any DAG change?". Past start-up, a pass never
holds the loop up: it starts the children and collects what they have finished, without waiting;
while they parse, the loop comes back every POLL seconds for more (a task's end meanwhile is
handled at once, not after a wait on a slow file).
"""

from __future__ import annotations

from tradewind.parsing.processor import DagFileProcessor

#: While a pass is in flight, how soon the loop collects its next results.
POLL = 0.2


class DagSync:
    def __init__(self, subdir: str | None = None) -> None:
        self.subdir = subdir
        self._processor = DagFileProcessor(subdir)

    def run_once(self, force: bool = False) -> bool:
        """True if any DAG may have changed. `force` (start-up) parses everything and waits for it."""
        result = self._processor.run_once(force=force, wait=None if force else 0.0)
        return bool(result.changed_dag_ids)

    @property
    def in_flight(self) -> bool:
        """Children are still parsing: call `run_once` again soon to collect their results."""
        return self._processor.pool.busy

    def stop(self) -> None:
        """Abandon a pass in progress (its children are killed)."""
        self._processor.stop()
