"""Entry point: parse, dispatch, and turn every user-facing error into one line and an exit code."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    from tradewind.cli.parser import build_parser, resolve_handler
    from tradewind.exceptions import TradewindException

    args = build_parser().parse_args(argv)
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
    return int(code or 0)


if __name__ == "__main__":
    raise SystemExit(main())
