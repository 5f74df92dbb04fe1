"""`tradewind providers list|hooks`: the providers Tradewind ships and the connection types they declare (Airflow's commands)."""

from __future__ import annotations

import argparse


def list_(args: argparse.Namespace) -> int:
    from tradewind.cli.output import print_records
    from tradewind.providers.registry import providers

    records = [
        {
            "package_name": p.package,
            "airflow_name": f"apache-airflow-providers-{p.name.replace('.', '-')}",
            "extra": f'pip install "tradewind[{p.extra}]"' if p.extra else "(none needed)",
        }
        for p in providers()
    ]
    print_records(records, args.output, columns=("package_name", "airflow_name", "extra"))
    return 0


def hooks(args: argparse.Namespace) -> int:
    """Each connection type: its label, whether `connections test` can check it, and its form's fields."""
    from tradewind.cli.output import print_records
    from tradewind.providers.registry import providers

    records = [
        {
            "connection_type": ct.conn_type,
            "label": ct.label,
            "package_name": p.package,
            "testable": ct.tester is not None,
            "fields": ", ".join(f"{f.name} ({f.label})" for f in ct.fields),
        }
        for p in providers()
        for ct in p.connection_types
    ]
    print_records(records, args.output, columns=("connection_type", "label", "package_name", "testable", "fields"))
    return 0
