"""Text views of a DAG's shape: an indented tree and Graphviz DOT."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tradewind.sdk.dag import DAG


def tree_lines(dag: DAG) -> list[str]:
    """Each root, then its downstream tasks indented under it (a task reached twice is marked)."""
    lines: list[str] = []
    printed: set[str] = set()

    def walk(task_id: str, depth: int) -> None:
        task = dag.task_dict[task_id]
        mark = " (see above)" if task_id in printed and task.downstream_task_ids else ""
        lines.append(f"{'    ' * depth}{task!r}{mark}")
        if mark:
            return
        printed.add(task_id)
        for child in sorted(task.downstream_task_ids):
            walk(child, depth + 1)

    for root in dag.roots:
        walk(root.task_id, 0)
    return lines


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def to_dot(dag: DAG) -> str:
    lines = [
        f"digraph {_quote(dag.dag_id)} {{",
        "  rankdir=LR;",
        '  node [shape=box, style="rounded,filled", fontname="Helvetica"];',
    ]
    for task in dag.topological_sort():
        lines.append(f"  {_quote(task.task_id)} [fillcolor={_quote(task.ui_color)}, label={_quote(task.task_id)}];")
    for task in dag.topological_sort():
        for child in sorted(task.downstream_task_ids):
            label = dag.get_edge_info(task.task_id, child).get("label")
            attrs = f" [label={_quote(label)}]" if label else ""
            lines.append(f"  {_quote(task.task_id)} -> {_quote(child)}{attrs};")
    lines.append("}")
    return "\n".join(lines) + "\n"
