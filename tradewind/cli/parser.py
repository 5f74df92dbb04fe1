"""The argument parser, built from the command tree (command_tree.py). Handlers are imported only
when their command runs, so `tradewind version` never pays for SQLAlchemy or Jinja."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from tradewind.cli.command_tree import TREE, Command


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line plus a hint, exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"tradewind: error: {message} (see `{self.prog} --help`)\n")


def _add_command(sub: Any, cmd: Command) -> None:
    p = sub.add_parser(cmd.name, help=cmd.help, description=cmd.help)
    for a in cmd.args:
        p.add_argument(*a.flags, **a.kwargs)
    p.set_defaults(handler=cmd.handler)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="tradewind", description="Tradewind: Airflow's model, light and fast.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for item in TREE:
        if isinstance(item, Command):
            _add_command(sub, item)
        else:
            gp = sub.add_parser(item.name, help=item.help, description=item.help)
            gsub = gp.add_subparsers(dest="subcommand", metavar="SUBCOMMAND", parser_class=_Parser)
            gsub.required = True
            for cmd in item.commands:
                _add_command(gsub, cmd)
    return parser


def resolve_handler(spec: str) -> Callable[[argparse.Namespace], int | None]:
    import importlib

    module, func = spec.split(":")
    return getattr(importlib.import_module(f"tradewind.cli.commands.{module}"), func)
