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


def print_records(
    records: Sequence[dict[str, Any]],
    output: str = "table",
    *,
    columns: Sequence[str] | None = None,
    styles: dict[str, Any] | None = None,
) -> None:
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


#: Columns printed whole, never cut or wrapped: identifiers, paths and states are what users copy and grep.
WHOLE_COLUMNS = frozenset({"fileloc", "filepath", "state", "uri", "pool", "key", "username", "property", "field"})
#: Narrowest a wrapped column may get before the table is not worth drawing.
_MIN_WRAPPED = 16


def _whole(column: str) -> bool:
    return column in WHOLE_COLUMNS or column == "id" or column.endswith("_id")


def print_table(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[str],
    *,
    styles: dict[str, Any] | None = None,
    title: str | None = None,
) -> None:
    """A table on a terminal wide enough to show every id, path and state whole; otherwise `print_aligned`."""
    from rich.cells import cell_len
    from rich.console import Console
    from rich.table import Table

    console = Console(soft_wrap=False)
    texts = [{c: _cell(row[c]) for c in columns} for row in rows]
    widest = {c: max([cell_len(c)] + [cell_len(line) for t in texts for line in t[c].splitlines()]) for c in columns}
    needed = sum(widest[c] if _whole(c) else min(widest[c], _MIN_WRAPPED) for c in columns) + 3 * len(columns) + 1
    if not console.is_terminal or needed > console.width:
        print_aligned(texts, columns, title=title)
        return
    table = Table(title=title, header_style="bold", show_lines=False)
    for column in columns:
        if _whole(column):
            table.add_column(column, no_wrap=True, min_width=widest[column])
        else:
            table.add_column(column, overflow="fold")  # wrapped, and a long word is broken, never cut
    for row, text in zip(rows, texts):
        cells = []
        for column in columns:
            style = (styles or {}).get(column)
            if callable(style):
                style = style(row[column])
            cells.append(f"[{style}]{_escape(text[column])}[/]" if style else _escape(text[column]))
        table.add_row(*cells)
    console.print(table)


def print_aligned(texts: Sequence[dict[str, str]], columns: Sequence[str], *, title: str | None = None) -> None:
    """One line per row in aligned columns, nothing cut: for pipes, and for terminals too narrow for the table."""
    from rich.cells import cell_len

    lines = [list(columns)] + [[" ".join(t[c].splitlines()) for c in columns] for t in texts]
    widths = [max(cell_len(line[i]) for line in lines) for i in range(len(columns))]
    if title:
        print(title)
    for line in lines:
        print("  ".join(text + " " * (width - cell_len(text)) for text, width in zip(line, widths)).rstrip())


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
    "deferred": "medium_purple",
    "running": "bright_green",
    "queued": "grey70",
    "scheduled": "tan",
    "none": "dim",
    "removed": "grey50",
}


def state_style(state: Any) -> str:
    return STATE_COLOURS.get(str(state), "")
