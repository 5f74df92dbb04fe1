"""`tradewind plugins`: what the plugins of `[core] plugins_folder` hold (Airflow's `airflow plugins`)."""

from __future__ import annotations

import argparse
import logging
import sys


def list_(args: argparse.Namespace) -> int:
    """The loaded plugins; each file that did not load is one line on stderr and makes the exit code 1."""
    from tradewind.cli.output import print_records
    from tradewind.compat.airflow.plugin_info import ATTRIBUTES, plugin_errors, plugin_info

    logging.getLogger("tradewind.listeners").setLevel(logging.CRITICAL)  # errors are reported below, in one line
    infos = plugin_info()
    if args.output == "table":  # one readable row per plugin: its name, file and what it brings
        records = [
            {
                "name": i["name"],
                "source": i["source"],
                "holds": "; ".join(f"{a}: {', '.join(map(str, i[a]))}" for a in ATTRIBUTES if a != "source" and i[a]),
            }
            for i in infos
        ]
        print_records(records, "table", columns=("name", "source", "holds"))
    else:
        print_records(infos, args.output, columns=("name", *ATTRIBUTES))
    errors = plugin_errors()
    for path, reason in errors.items():
        print(f"tradewind: error: plugin file {path} did not load: {reason}", file=sys.stderr)
    return 1 if errors else 0
