"""`tradewind datasets list|events`: what data-aware scheduling knows about each dataset."""

from __future__ import annotations

import argparse

from tradewind.cli.common import ready_db
from tradewind.exceptions import NotFound, UsageError
from tradewind.store.records import pick


def list_(args: argparse.Namespace) -> int:
    from tradewind.cli.output import print_records
    from tradewind.store.datasets import list_datasets

    ready_db()
    records = [
        {
            **pick(d, "uri", "consuming_dags", "producing_tasks"),
            "events": d.event_count,
            **pick(d, "last_event", "created_at"),
        }
        for d in list_datasets()
    ]
    print_records(
        records, args.output, columns=("uri", "consuming_dags", "producing_tasks", "events", "last_event", "created_at")
    )
    return 0


def events(args: argparse.Namespace) -> int:
    from tradewind.cli.output import print_records
    from tradewind.store.datasets import get_dataset, list_events

    if args.limit < 1:
        raise UsageError(f"--limit must be 1 or more, got {args.limit}")
    ready_db()
    if get_dataset(args.uri) is None:
        raise NotFound(f"dataset '{args.uri}' is not in the database (no DAG or task names it)")
    columns = ("timestamp", "source_dag_id", "source_task_id", "source_run_id", "source_map_index", "extra")
    records = [pick(e, *columns) for e in list_events(args.uri, limit=args.limit)]
    print_records(records, args.output, columns=columns)
    return 0
