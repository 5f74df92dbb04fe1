"""Live progress for `dags test`: a spinner on a terminal, one line per finished task everywhere."""

from __future__ import annotations

import sys
from datetime import datetime
from typing import TYPE_CHECKING, Any

from tradewind.cli.output import state_style

if TYPE_CHECKING:
    from tradewind.runtime.runner import Outcome
    from tradewind.states import TaskState

_ICONS = {
    "success": "✔",
    "failed": "✘",
    "up_for_retry": "↻",
    "up_for_reschedule": "⏲",
    "deferred": "⏸",
    "skipped": "⤼",
    "upstream_failed": "✘",
}


class TerminalProgress:
    """`spinner=False` for runs whose tasks share the terminal (`DAG.test()`: echoed logs, a debugger)."""

    def __init__(self, total: int, *, stream: Any = None, spinner: bool = True) -> None:
        from rich.console import Console

        self.console = Console(file=stream or sys.stderr, highlight=False)
        self.total = total
        self.finished = 0
        self._status: Any = None
        self._spinner = spinner and self.console.is_terminal

    def _line(self, state: str, label: str, detail: str = "") -> None:
        style = state_style(state)
        icon = _ICONS.get(state, "•")
        counter = f"[dim][{self.finished}/{self.total}][/]"
        self.console.print(f"{counter} [{style}]{icon} {label}[/] [{style}]{state}[/]{detail}")

    def task_started(self, task_id: str, map_index: int, try_number: int) -> None:
        label = _label(task_id, map_index)
        if self._spinner:
            if self._status is None:
                self._status = self.console.status("")
                self._status.start()
            self._status.update(f"running [bold]{label}[/] (try {try_number})")

    def task_finished(self, outcome: Outcome) -> None:
        if outcome.state.value not in ("up_for_retry", "up_for_reschedule", "deferred"):  # not over yet
            self.finished += 1
        detail = f" [dim]{outcome.duration:.2f}s, try {outcome.try_number}[/]"
        if outcome.error:
            detail += f"\n      [red]{_escape(outcome.error)}[/]\n      [dim]log: {outcome.log_path}[/]"
        if outcome.next_retry_at is not None:
            detail += f"\n      [yellow]next try at {outcome.next_retry_at.isoformat(timespec='seconds')}[/]"
        self._line(outcome.state.value, _label(outcome.task_id, outcome.map_index), detail)

    def tasks_changed(self, changes: dict[tuple[str, int], TaskState]) -> None:
        for (task_id, map_index), state in changes.items():
            self.finished += 1
            self._line(state.value, _label(task_id, map_index))

    def waiting(self, until: datetime, reason: str) -> None:
        text = f"waiting for {reason} until {until.isoformat(timespec='seconds')}"
        if self._status is not None:
            self._status.update(text)
        else:
            self.console.print(f"[dim]{text}[/]")

    def close(self) -> None:
        if self._status is not None:
            self._status.stop()
            self._status = None


def _label(task_id: str, map_index: int) -> str:
    return task_id if map_index < 0 else f"{task_id}[{map_index}]"


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)
