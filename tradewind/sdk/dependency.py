"""`>>` / `<<` for everything that can sit in a dependency chain: tasks, groups, XComArgs, labels."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tradewind.sdk.baseoperator import BaseOperator
    from tradewind.sdk.edges import Label


class DependencyMixin:
    """Shared operator overloading; subclasses say which tasks are their roots and leaves."""

    @property
    def roots(self) -> Sequence[BaseOperator]:  # tasks that receive incoming edges
        raise NotImplementedError

    @property
    def leaves(self) -> Sequence[BaseOperator]:  # tasks that emit outgoing edges
        raise NotImplementedError

    def set_upstream(self, other: Any, edge_modifier: Label | None = None) -> None:
        for up in flatten(other):
            up.set_downstream(self, edge_modifier)

    def set_downstream(self, other: Any, edge_modifier: Label | None = None) -> None:
        from tradewind.sdk.edges import Label

        for down in flatten(other):
            if isinstance(down, Label):
                down.add_upstream(self)
                continue
            for leaf in self.leaves:
                for root in down.roots:
                    leaf._link_downstream(root, edge_modifier)

    def __rshift__(self, other: Any) -> Any:
        self.set_downstream(other)
        return other

    def __lshift__(self, other: Any) -> Any:
        self.set_upstream(other)
        return other

    def __rrshift__(self, other: Any) -> DependencyMixin:
        """`[a, b] >> self`."""
        self.set_upstream(other)
        return self

    def __rlshift__(self, other: Any) -> DependencyMixin:
        """`[a, b] << self`."""
        self.set_downstream(other)
        return self


def flatten(items: Any) -> list[Any]:
    """Nested lists/tuples/sets of dependency items, as one flat list (order kept)."""
    if isinstance(items, DependencyMixin):
        return [items]
    if isinstance(items, Iterable) and not isinstance(items, (str, bytes, dict)):
        out: list[Any] = []
        for item in items:
            out.extend(flatten(item))
        return out
    raise TypeError(f"cannot set a dependency on {type(items).__name__} {items!r}")
