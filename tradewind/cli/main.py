"""Entry point: parse, dispatch, and turn every user-facing error into one line and an exit code."""

from __future__ import annotations

import os
import socket
import sys

# Commands that change state without going through tradewind.actions (which record their own events):
# each success is one audit event `cli_<group>_<command>`, as Airflow's CLI records its commands.
LOGGED = frozenset(
    {
        "dags backfill",
        "dags test",
        "tasks test",
        "dags reserialize",
        "db migrate",
        "db reset",
        "db clean",
        "db drop-archived",
    }
)


def main(argv: list[str] | None = None) -> int:
    from tradewind.actions.audit import Actor, os_user, set_actor
    from tradewind.cli.parser import build_parser, resolve_handler
    from tradewind.exceptions import TradewindException

    args = build_parser().parse_args(argv)
    command = " ".join(a for a in (argv if argv is not None else sys.argv[1:])[:2] if not a.startswith("-"))
    set_actor(Actor(os_user(), via="cli", address=socket.gethostname(), command=command or None))
    try:
        code = resolve_handler(args.handler)(args)
    except TradewindException as exc:
        print(f"tradewind: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("tradewind: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    if not code and command in LOGGED:
        from tradewind.actions.audit import record

        record("cli_" + command.replace(" ", "_"), dag_id=getattr(args, "dag_id", None))
    return int(code or 0)


if __name__ == "__main__":
    raise SystemExit(main())
