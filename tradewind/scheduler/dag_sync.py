"""Keep the database's serialized DAGs in step with the DAG files, for the scheduler.

A thin seam over the DAG file processor (files parsed in forked children, only new, changed or
due files), so the scheduler loop only learns "did any DAG change?". Past start-up, a pass never
holds the loop for more than WAIT seconds: a hanging file is waited for in the background.
"""

from __future__ import annotations

from tradewind.parsing.processor import DagFileProcessor

#: Longest a periodic pass may hold up the scheduler's loop; children go on parsing after it.
WAIT = 0.1


class DagSync:
    def __init__(self, subdir: str | None = None) -> None:
        self.subdir = subdir
        self._processor = DagFileProcessor(subdir)

    def run_once(self, force: bool = False) -> bool:
        """True if any DAG may have changed. `force` (start-up) parses everything and waits for it."""
        result = self._processor.run_once(force=force, wait=None if force else WAIT)
        return bool(result.changed_dag_ids)

    def stop(self) -> None:
        """Abandon a pass in progress (its children are killed)."""
        self._processor.stop()
