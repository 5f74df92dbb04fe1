"""The store's guard: every state write is checked against `tradewind/states.py` before it is sent.

A write that `can_transition` forbids raises `IllegalTransition` (a bug in the caller); a legal
write that finds the row in another state than expected is a lost race and returns False/None.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any

from tradewind.exceptions import IllegalTransition
from tradewind.states import can_transition, can_transition_run
from tradewind.store.sql import state_str


def check_task_instance(expected: Iterable[Any], new: Any, *, by_user: bool = False, what: Any = None) -> None:
    """Raise IllegalTransition unless a task instance may move from each of `expected` to `new`."""
    _check(can_transition, "task instance", expected, new, by_user, what)


def check_dag_run(expected: Iterable[Any], new: Any, *, by_user: bool = False, what: Any = None) -> None:
    """Raise IllegalTransition unless a DAG run may move from each of `expected` to `new`."""
    _check(can_transition_run, "DAG run", expected, new, by_user, what)


def _check(can: Callable[..., bool], noun: str, expected: Iterable[Any], new: Any, by_user: bool, what: Any) -> None:
    bad = _illegal(can, expected if isinstance(expected, frozenset) else frozenset(expected), new, by_user)
    if bad:
        name = f" {what}" if what is not None else ""
        raise IllegalTransition(
            f"illegal move of {noun}{name} from {' / '.join(bad)} to {state_str(new)}"
            + (" (even for a user)" if by_user else "")
        )


@functools.cache
def _illegal(can: Callable[..., bool], expected: frozenset[Any], new: Any, by_user: bool) -> tuple[str, ...]:
    """The states of `expected` that may not move to `new`.

    Cached, as the same few moves repeat all day (a StrEnum member hashes and compares as its value).
    """
    return tuple(sorted(state_str(old) for old in expected if not can(old, new, by_user=by_user)))
