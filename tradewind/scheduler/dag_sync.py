"""Keep the database's serialized DAGs in step with the DAG files, for the scheduler.

Uses the DAG file processor (each file parsed in its own child, only changed files) when it is
available; otherwise parses the folder in this process.
"""

from __future__ import annotations

from typing import Any


class DagSync:
    def __init__(self, subdir: str | None = None) -> None:
        self.subdir = subdir
        self._processor: Any = None
        try:
            from tradewind.parsing.processor import DagFileProcessor
        except ImportError:
            DagFileProcessor = None  # noqa: N806
        if DagFileProcessor is not None:
            self._processor = DagFileProcessor(subdir) if subdir else DagFileProcessor()

    def run_once(self, force: bool = False) -> bool:
        """True if any DAG may have changed."""
        if self._processor is not None:
            result = self._processor.run_once(force=force)
            return bool(getattr(result, "changed_dag_ids", True))
        from tradewind.cli.common import sync_dagbag
        from tradewind.parsing.dagbag import DagBag

        sync_dagbag(DagBag(self.subdir) if self.subdir else DagBag())
        return True
