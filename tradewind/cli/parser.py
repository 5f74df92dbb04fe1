"""The argument parser. Handlers are named as strings and imported only when their command runs,
so `tradewind version` never pays for SQLAlchemy or Jinja."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Arg:
    flags: tuple[str, ...]
    kwargs: dict[str, Any] = field(default_factory=dict)


def arg(*flags: str, **kwargs: Any) -> Arg:
    return Arg(flags, kwargs)


@dataclass(frozen=True)
class Command:
    name: str
    help: str
    handler: str  # "module:function" under tradewind.cli.commands
    args: tuple[Arg, ...] = ()


@dataclass(frozen=True)
class Group:
    name: str
    help: str
    commands: tuple[Command, ...]


# --- shared arguments ----------------------------------------------------------------------
OUTPUT = arg("-o", "--output", choices=("table", "json", "yaml", "plain"), default="table", help="output format")
SUBDIR = arg("-S", "--subdir", help="file or folder to look for DAGs in (default: [core] dags_folder)")
DAG_ID = arg("dag_id", help="the DAG's id")
TASK_ID = arg("task_id", help="the task's id")
YES = arg("-y", "--yes", action="store_true", help="do not ask for confirmation")
LOGICAL_DATE = arg("logical_date", nargs="?", help="logical date (ISO 8601; default: now)")

TREE: tuple[Command | Group, ...] = (
    Command("version", "Show the version", "info:version"),
    Command("info", "Show paths, configuration and versions", "info:info", (OUTPUT,)),
    Group("config", "View configuration", (
        Command("get-value", "Print one configuration value", "config:get_value",
                (arg("section"), arg("option"))),
        Command("list", "Print the effective configuration", "config:list_config",
                (arg("--section", help="only this section"),)),
    )),
    Group("db", "Database operations", (
        Command("migrate", "Create or upgrade the metadata database schema", "db:migrate"),
        Command("check", "Check that the database is reachable and up to date", "db:check"),
        Command("reset", "Drop and recreate every table (all data is lost)", "db:reset", (YES,)),
    )),
    Group("dags", "Manage and test DAGs", (
        Command("list", "List the DAGs", "dags:list_dags", (OUTPUT, SUBDIR,
                arg("--columns", help="comma-separated columns to show"))),
        Command("list-import-errors", "List DAG files that failed to import", "dags:list_import_errors",
                (OUTPUT, SUBDIR)),
        Command("show", "Show a DAG's structure as a tree or in DOT", "dags:show", (DAG_ID, SUBDIR,
                arg("--dot", action="store_true", help="print Graphviz DOT instead of a tree"),
                arg("--save", help="write the DOT to this file"))),
        Command("next-execution", "Show the next scheduled logical date(s)", "dags:next_execution", (DAG_ID, SUBDIR,
                arg("-n", "--num-executions", type=int, default=1, help="how many to show"))),
        Command("details", "Show a DAG's settings", "dags:details", (DAG_ID, SUBDIR, OUTPUT)),
        Command("test", "Run one DAG run in this process and report it", "dag_test:dags_test", (
            DAG_ID, LOGICAL_DATE, SUBDIR,
            arg("-c", "--conf", help="JSON object for the run's conf / params"),
            arg("--run-id", help="run id (default: manual__<logical date>)"),
            arg("--retry-delay", type=float, metavar="SECONDS",
                help="wait this long between tries instead of each task's retry_delay"),
            arg("-v", "--verbose", action="store_true", help="echo task logs to the terminal"),
            arg("-o", "--output", choices=("table", "json"), default="table", help="final report format"),
        )),
        Command("backfill", "Run every interval from START to END (inclusive) through the scheduler's machinery",
                "scheduler:backfill", (
                    DAG_ID, SUBDIR,
                    arg("-s", "--start-date", required=True, help="first logical date (ISO 8601)"),
                    arg("-e", "--end-date", help="last logical date (default: the start date)"),
                    arg("--reset-dagruns", action="store_true", help="re-run existing runs in the range from scratch"),
                    arg("--rerun-failed-tasks", action="store_true", help="clear failed tasks of existing runs"),
                    arg("--dry-run", action="store_true", help="list the runs that would be created"),
                    arg("-o", "--output", choices=("table", "json"), default="table", help="final report format"),
                )),
        Command("pause", "Pause a DAG", "dags:pause", (DAG_ID, SUBDIR)),
        Command("unpause", "Unpause a DAG", "dags:unpause", (DAG_ID, SUBDIR)),
    )),
    Group("tasks", "Inspect and test tasks", (
        Command("list", "List a DAG's tasks", "tasks:list_tasks", (DAG_ID, SUBDIR,
                arg("-t", "--tree", action="store_true", help="show dependencies as a tree"))),
        Command("test", "Run one task in this process, recording nothing but its XCom", "dag_test:tasks_test", (
            DAG_ID, TASK_ID, LOGICAL_DATE, SUBDIR,
            arg("-m", "--map-index", type=int, default=-1, help="map index of a mapped task"),
            arg("-t", "--task-params", help="JSON object of params for this test"),
        )),
    )),
    Command("scheduler", "Run the scheduler with its local executor (foreground)", "scheduler:scheduler", (
        arg("-n", "--num-runs", type=int, default=-1, help="stop after this many scheduling loops (default: run forever)"),
        arg("--pid", help="write the process id to this file"),
    )),
    Group("variables", "Manage Variables", (
        Command("get", "Print a variable", "variables:get", (arg("key"),
                arg("-d", "--default", help="value to print if the key does not exist"),
                arg("-j", "--json", action="store_true", help="parse the value as JSON"))),
        Command("set", "Set a variable", "variables:set_", (arg("key"), arg("value"),
                arg("--description"), arg("-j", "--json", action="store_true", help="check the value is JSON"))),
        Command("list", "List variables", "variables:list_", (OUTPUT,)),
        Command("delete", "Delete a variable", "variables:delete", (arg("key"),)),
        Command("import", "Import variables from a JSON file", "variables:import_", (arg("file"),)),
        Command("export", "Export variables to a JSON file", "variables:export", (arg("file"),)),
    )),
)


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
