"""`BaseBranchOperator`: subclass it and implement `choose_branch`; the tasks it does not choose are skipped."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tradewind.operators.python import BranchMixin
from tradewind.sdk.baseoperator import BaseOperator, Context

__all__ = ["BaseBranchOperator"]


class BaseBranchOperator(BranchMixin, BaseOperator):
    """Airflow's base of every branching operator: direct downstream tasks not chosen are skipped."""

    ui_color = "#ffd6a5"

    def choose_branch(self, context: Context) -> str | Iterable[str] | None:
        """The task id(s) or group id(s) to follow."""
        raise NotImplementedError(f"{type(self).__name__} must implement choose_branch()")

    def execute(self, context: Context) -> Any:
        return self.do_branch(context, self.choose_branch(context))
