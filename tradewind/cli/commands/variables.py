"""`tradewind variables get|set|list|delete|import|export`."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from tradewind.cli.common import read_json_object, ready_db, write_export
from tradewind.exceptions import NotFound, UsageError


def get(args: argparse.Namespace) -> int:
    from tradewind.store.variables import get_variable

    ready_db()
    value = get_variable(args.key)
    if value is None:
        if args.default is not None:
            print(args.default)
            return 0
        raise NotFound(f"variable '{args.key}' does not exist")
    if args.json:
        try:
            print(json.dumps(json.loads(value), indent=2))
        except json.JSONDecodeError:
            raise UsageError(f"variable '{args.key}' is not valid JSON") from None
    else:
        print(value)
    return 0


def set_(args: argparse.Namespace) -> int:
    from tradewind.actions.variables import save_variable

    if args.json:
        try:
            json.loads(args.value)
        except json.JSONDecodeError as exc:
            raise UsageError(f"value is not valid JSON: {exc.msg}") from None
    ready_db()
    save_variable(args.key, args.value, args.description)
    print(f"Variable {args.key} created")
    return 0


def list_(args: argparse.Namespace) -> int:
    from tradewind.cli.output import print_records
    from tradewind.store.variables import list_variables

    ready_db()
    records = [{"key": v.key} for v in list_variables()]
    print_records(records, args.output, columns=("key",))
    return 0


def delete(args: argparse.Namespace) -> int:
    from tradewind.actions.variables import delete_variable

    ready_db()
    delete_variable(args.key)
    print(f"Variable {args.key} deleted")
    return 0


def import_(args: argparse.Namespace) -> int:
    from tradewind.actions.variables import import_variables

    data = read_json_object(Path(args.file), "key: value")
    ready_db()
    count = import_variables(data)
    print(f"{count} of {len(data)} variables successfully updated.")
    return 0


def export(args: argparse.Namespace) -> int:
    from tradewind.store.variables import list_variables

    ready_db()
    data = {}
    for v in list_variables():
        try:
            data[v.key] = None if v.val is None else json.loads(v.val)
        except json.JSONDecodeError:
            data[v.key] = v.val
    text = json.dumps(data, indent=4, sort_keys=True) + "\n"
    write_export(args.file, text, f"{len(data)} variables successfully exported to {args.file}")
    return 0
