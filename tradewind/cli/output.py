"""Printing records as a table, JSON, YAML or plain tab-separated text (`-o`)."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any


def _jsonable(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    return str(value)


def to_json(data: Any) -> str:
    return json.dumps(data, indent=2, default=_jsonable, ensure_ascii=False)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (list, tuple, set)):
        return ", ".join(str(v) for v in value)
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def print_records(records: Sequence[dict[str, Any]], output: str = "table", *, columns: Sequence[str] | None = None,
                  styles: dict[str, Any] | None = None) -> None:
    """Print `records` (dicts with the same keys). An empty list prints a short note on stderr."""
    if columns is None:
        columns = list(records[0]) if records else []
    rows = [{c: r.get(c) for c in columns} for r in records]
    if output == "json":
        print(to_json(rows))
    elif output == "yaml":
        import yaml

        print(yaml.safe_dump(json.loads(to_json(rows)), sort_keys=False, allow_unicode=True), end="")
    elif output == "plain":
        for row in rows:
            print("\t".join(_cell(row[c]) for c in columns))
    else:
        if not rows:
            print("No data found", file=sys.stderr)
            return
        print_table(rows, columns, styles=styles)


def print_table(rows: Sequence[dict[str, Any]], columns: Sequence[str], *, styles: dict[str, Any] | None = None,
                title: str | None = None) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, header_style="bold", show_lines=False)
    for column in columns:
        table.add_column(column)
    for row in rows:
        cells = []
        for column in columns:
            text = _cell(row[column])
            style = (styles or {}).get(column)
            if callable(style):
                style = style(row[column])
            cells.append(f"[{style}]{_escape(text)}[/]" if style else _escape(text))
        table.add_row(*cells)
    Console(soft_wrap=False).print(table)


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


STATE_COLOURS = {
    "success": "green",
    "failed": "red",
    "upstream_failed": "dark_orange",
    "skipped": "magenta",
    "up_for_retry": "yellow",
    "up_for_reschedule": "turquoise2",
    "running": "bright_green",
    "queued": "grey70",
    "scheduled": "tan",
    "none": "dim",
    "removed": "grey50",
}


def state_style(state: Any) -> str:
    return STATE_COLOURS.get(str(state), "")
