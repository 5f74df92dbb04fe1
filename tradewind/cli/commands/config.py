"""`tradewind config get-value|list`."""

from __future__ import annotations

import argparse


def get_value(args: argparse.Namespace) -> int:
    from tradewind.config import conf

    print(conf.get(args.section, args.option))
    return 0


def list_config(args: argparse.Namespace) -> int:
    from tradewind.config import conf
    from tradewind.exceptions import UsageError

    data = conf.as_dict()
    if args.section:
        if args.section not in data:
            raise UsageError(f"no such config section: [{args.section}]")
        data = {args.section: data[args.section]}
    for section, values in data.items():
        print(f"[{section}]")
        for key, value in values.items():
            shown = "***" if any(s in key for s in ("password", "secret", "fernet")) and value else value
            print(f"{key} = {shown!r}" if isinstance(shown, str) else f"{key} = {shown}")
        print()
    return 0
