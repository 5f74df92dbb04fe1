"""`tradewind tasks list`."""

from __future__ import annotations

import argparse

from tradewind.cli.common import get_dag


def list_tasks(args: argparse.Namespace) -> int:
    from tradewind.cli.dag_views import tree_lines

    dag = get_dag(args)
    if args.tree:
        print("\n".join(tree_lines(dag)))
    else:
        for task_id in sorted(dag.task_dict):
            print(task_id)
    return 0
