"""`tradewind pools set|get|list|delete|import|export` (Airflow's names, file format and output)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tradewind.cli.common import read_json_object, ready_db, write_export
from tradewind.cli.output import print_records
from tradewind.exceptions import NotFound

if TYPE_CHECKING:
    from tradewind.store.records import PoolRecord

COLUMNS = ("pool", "slots", "description", "include_deferred", "used_slots")


def _records(pools: list[PoolRecord]) -> list[dict[str, Any]]:
    from tradewind.scheduler.capacity import pool_slots_used

    used = pool_slots_used(pools)
    return [
        {
            "pool": p.pool,
            "slots": p.slots,
            "description": p.description,
            "include_deferred": p.include_deferred,
            "used_slots": used.get(p.pool, 0),
        }
        for p in pools
    ]


def set_(args: argparse.Namespace) -> int:
    from tradewind.actions.pools import save_pool

    ready_db()
    pool = save_pool(args.name, args.slots, args.description, include_deferred=args.include_deferred)
    print_records(_records([pool]), args.output, columns=COLUMNS)
    return 0


def get(args: argparse.Namespace) -> int:
    from tradewind.store import pools

    ready_db()
    pool = pools.get_pool(args.name)
    if pool is None:
        raise NotFound(f"pool '{args.name}' does not exist")
    print_records(_records([pool]), args.output, columns=COLUMNS)
    return 0


def list_(args: argparse.Namespace) -> int:
    from tradewind.store import pools

    ready_db()
    print_records(_records(pools.list_pools()), args.output, columns=COLUMNS)
    return 0


def delete(args: argparse.Namespace) -> int:
    from tradewind.actions.pools import delete_pool

    ready_db()
    delete_pool(args.name)
    print(f"Pool {args.name} deleted")
    return 0


def import_(args: argparse.Namespace) -> int:
    """Airflow's format: {"name": {"slots": N, "description": "...", "include_deferred": false}}."""
    from tradewind.actions.pools import import_pools

    data = read_json_object(Path(args.file), 'pool name: {"slots": N, "description": …}')
    ready_db()
    print(f"Uploaded {import_pools(data)} pool(s)")
    return 0


def export(args: argparse.Namespace) -> int:
    from tradewind.store import pools

    ready_db()
    data = {
        p.pool: {"slots": p.slots, "description": p.description, "include_deferred": p.include_deferred}
        for p in pools.list_pools()
    }
    text = json.dumps(data, indent=4, sort_keys=True) + "\n"
    write_export(args.file, text, f"Exported {len(data)} pool(s) to {args.file}")
    return 0
