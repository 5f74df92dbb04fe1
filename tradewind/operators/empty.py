"""EmptyOperator: a no-op node, for joins and structure. Never sent to a worker process."""

from __future__ import annotations

from typing import Any

from tradewind.sdk.baseoperator import BaseOperator


class EmptyOperator(BaseOperator):
    ui_color = "#e8f7e4"

    def execute(self, context: dict[str, Any]) -> None:
        return None


DummyOperator = EmptyOperator
