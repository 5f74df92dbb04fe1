"""`FileTrigger`: fire once a file (or glob match, or a directory holding a file) exists, as Airflow's."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from tradewind.triggers.base import BaseTrigger, TriggerEvent

__all__ = ["FileTrigger"]


class FileTrigger(BaseTrigger):
    """Checks `filepath` every `poke_interval` seconds; yields `TriggerEvent(True)` on the first match."""

    def __init__(self, filepath: str, recursive: bool = False, poke_interval: float = 5.0, **kwargs: Any) -> None:
        super().__init__()
        self.filepath = filepath
        self.recursive = recursive
        self.poke_interval = float(poke_interval)

    def serialize(self) -> tuple[str, dict[str, Any]]:
        return (
            "tradewind.triggers.file.FileTrigger",
            {"filepath": self.filepath, "recursive": self.recursive, "poke_interval": self.poke_interval},
        )

    async def run(self) -> AsyncIterator[TriggerEvent]:
        from tradewind.sensors.filesystem import find_file

        while (found := find_file(self.filepath, recursive=self.recursive)) is None:
            await asyncio.sleep(self.poke_interval)
        self.log.info("Found %s", found)
        yield TriggerEvent(True)
