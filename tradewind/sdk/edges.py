"""Edge labels: `a >> Label("when empty") >> b` names the edge in graph views."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tradewind.sdk.dependency import DependencyMixin, flatten


class Label(DependencyMixin):
    """Sits between two sides of `>>` and labels every edge it creates."""

    def __init__(self, label: str) -> None:
        self.label = label
        self._upstream: list[DependencyMixin] = []

    def add_upstream(self, item: DependencyMixin) -> None:
        self._upstream.append(item)

    @property
    def roots(self) -> Sequence[Any]:
        return []

    @property
    def leaves(self) -> Sequence[Any]:
        return []

    def set_upstream(self, other: Any, edge_modifier: Label | None = None) -> None:
        self._upstream.extend(flatten(other))

    def set_downstream(self, other: Any, edge_modifier: Label | None = None) -> None:
        for up in self._upstream:
            up.set_downstream(other, self)

    def __repr__(self) -> str:
        return f"Label({self.label!r})"
