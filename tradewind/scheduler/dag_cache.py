"""The scheduler's view of each DAG, built from its serialized form and refreshed when its hash changes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tradewind.structure import DagStructure


@dataclass(frozen=True, slots=True)
class DagInfo:
    dag_id: str
    fileloc: str
    structure: DagStructure
    timetable: Any
    start_date: datetime | None
    end_date: datetime | None
    catchup: bool
    dag_hash: str
    has_dag_callbacks: bool = False

    @property
    def depends_on_past(self) -> bool:
        return self.structure.depends_on_past


class DagCache:
    """dag_id → DagInfo; `refresh()` costs one small query when nothing changed."""

    def __init__(self) -> None:
        self._infos: dict[str, DagInfo] = {}
        self._hashes: dict[str, str] = {}

    def refresh(self) -> set[str]:
        """Forget DAGs whose serialized hash changed (or that vanished); return their ids."""
        from tradewind.store import dags

        hashes = dags.serialized_hashes()
        changed = {d for d, h in hashes.items() if self._hashes.get(d) != h} | (set(self._hashes) - set(hashes))
        for dag_id in changed:
            self._infos.pop(dag_id, None)
        self._hashes = hashes
        return changed

    def get(self, dag_id: str) -> DagInfo | None:
        info = self._infos.get(dag_id)
        if info is None:
            info = self._load(dag_id)
            if info is not None:
                self._infos[dag_id] = info
        return info

    @property
    def structures(self) -> dict[str, DagStructure]:
        return {d: i.structure for d, i in self._infos.items()}

    def _load(self, dag_id: str) -> DagInfo | None:
        from tradewind.serialization import dag_hash
        from tradewind.store import dags
        from tradewind.structure import DagStructure

        data = dags.get_serialized(dag_id)
        if data is None:
            return None
        structure = DagStructure.from_serialized(data)
        return DagInfo(
            dag_id=dag_id,
            fileloc=structure.fileloc,
            structure=structure,
            timetable=structure.timetable(),
            start_date=structure.start_date,
            end_date=structure.end_date,
            catchup=structure.catchup,
            dag_hash=self._hashes.get(dag_id) or dag_hash(data),
            has_dag_callbacks=structure.has_dag_callbacks,
        )
