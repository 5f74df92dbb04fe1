"""`airflow.models.DagBag`, read-only: parse a folder and look at `dags`, `import_errors`, `get_dag`.

DAG files and their tests use it as Airflow's: `import_errors` maps a file to its error text and
`get_dag` gives None for an unknown id. Airflow's database options (`read_dags_from_db`, …) are
accepted and change nothing: the bag always parses files.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from tradewind.parsing.dagbag import DagBag as _DagBag

if TYPE_CHECKING:
    from tradewind.sdk.dag import DAG


class DagBag(_DagBag):
    """Tradewind's DAG bag with Airflow's read-only interface."""

    def __init__(
        self,
        dag_folder: str | Path | None = None,
        include_examples: bool | None = None,
        safe_mode: bool = True,
        read_dags_from_db: bool = False,
        **_airflow_options: Any,
    ) -> None:
        super().__init__(dag_folder, include_examples=include_examples, safe_mode=safe_mode)
        self.import_errors = {f: getattr(e, "message", e) for f, e in self.import_errors.items()}

    def process_file(self, filepath: Any, only_if_updated: bool = True, safe_mode: bool = True) -> list[DAG]:
        found = super().process_file(Path(filepath))
        error = self.import_errors.get(str(filepath))
        if error is not None:
            self.import_errors[str(filepath)] = getattr(error, "message", error)
        return found

    def get_dag(self, dag_id: str, session: Any = None) -> DAG | None:  # type: ignore[override]
        return self.dags.get(dag_id)

    @property
    def dag_ids(self) -> list[str]:
        return list(self.dags)

    def size(self) -> int:  # type: ignore[override]
        return len(self.dags)
