"""The command tree as data: every command, its arguments, and its handler named as a string
("module:function" under tradewind.cli.commands), so `tradewind version` imports no handler."""

from __future__ import annotations

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
PASSWORD_STDIN = arg(
    "--password-stdin", action="store_true", help="read the password from the first line of stdin (e.g. from a pipe)"
)
LOGICAL_DATE = arg("logical_date", nargs="?", help="logical date (ISO 8601; default: now)")
RUN_ID = arg("run_id", help="the run's run_id (or its logical date)")
CLEAN_TABLES = arg("-t", "--tables", help="comma-separated tables (default: all of them)")
MAP_INDEX = arg("-m", "--map-index", type=int, default=-1, help="map index of a mapped task")

TREE: tuple[Command | Group, ...] = (
    Command("version", "Show the version", "info:version"),
    Command("info", "Show paths, configuration and versions", "info:info", (OUTPUT,)),
    Group(
        "config",
        "View configuration",
        (
            Command("get-value", "Print one configuration value", "config:get_value", (arg("section"), arg("option"))),
            Command(
                "list",
                "Print the effective configuration",
                "config:list_config",
                (arg("--section", help="only this section"),),
            ),
        ),
    ),
    Group(
        "db",
        "Database operations",
        (
            Command("migrate", "Create or upgrade the metadata database schema", "db:migrate"),
            Command("check", "Check that the database is reachable and up to date", "db:check"),
            Command("reset", "Drop and recreate every table (all data is lost)", "db:reset", (YES,)),
            Command(
                "clean",
                "Purge old records from the metadata database (archived first, unless --skip-archive)",
                "db:clean",
                (
                    arg(
                        "--clean-before-timestamp",
                        required=True,
                        help="purge rows older than this (ISO 8601; naive values are UTC)",
                    ),
                    CLEAN_TABLES,
                    arg("--dry-run", action="store_true", help="only count what would be purged"),
                    arg("--skip-archive", action="store_true", help="keep no copy of the purged rows"),
                    arg("-v", "--verbose", action="store_true", help="accepted for Airflow's CLI; output is the same"),
                    YES,
                ),
            ),
            Command(
                "export-archived",
                "Export the archive tables left by `db clean` to CSV files",
                "db:export_archived",
                (
                    arg("--output-path", required=True, help="an existing folder for <archive table>.csv files"),
                    arg("--export-format", choices=("csv",), default="csv", help="file format (csv)"),
                    CLEAN_TABLES,
                    arg("--drop-archives", action="store_true", help="drop the archive tables once exported"),
                    YES,
                ),
            ),
            Command(
                "drop-archived",
                "Drop the archive tables left by `db clean`",
                "db:drop_archived",
                (CLEAN_TABLES, YES),
            ),
        ),
    ),
    Group(
        "dags",
        "Manage and test DAGs",
        (
            Command(
                "list",
                "List the DAGs",
                "dags:list_dags",
                (OUTPUT, SUBDIR, arg("--columns", help="comma-separated columns to show")),
            ),
            Command(
                "list-import-errors",
                "List DAG files that failed to import",
                "dags:list_import_errors",
                (OUTPUT, SUBDIR),
            ),
            Command(
                "check-compat",
                "Check that Airflow DAG files import here, one line per file",
                "check_compat:check_compat",
                (
                    arg("path", nargs="?", help="file or folder of DAG files (default: [core] dags_folder)"),
                    arg("-o", "--output", choices=("table", "json"), default="table", help="output format"),
                ),
            ),
            Command(
                "show",
                "Show a DAG's structure as a tree or in DOT",
                "dags:show",
                (
                    DAG_ID,
                    SUBDIR,
                    arg("--dot", action="store_true", help="print Graphviz DOT instead of a tree"),
                    arg("--save", help="write the DOT to this file"),
                ),
            ),
            Command(
                "next-execution",
                "Show the next scheduled logical date(s)",
                "dags:next_execution",
                (DAG_ID, SUBDIR, arg("-n", "--num-executions", type=int, default=1, help="how many to show")),
            ),
            Command("details", "Show a DAG's settings", "dags:details", (DAG_ID, SUBDIR, OUTPUT)),
            Command(
                "test",
                "Run one DAG run in this process and report it",
                "dag_test:dags_test",
                (
                    DAG_ID,
                    LOGICAL_DATE,
                    SUBDIR,
                    arg("-c", "--conf", help="JSON object for the run's conf / params"),
                    arg("--run-id", help="run id (default: manual__<logical date>)"),
                    arg(
                        "--retry-delay",
                        type=float,
                        metavar="SECONDS",
                        help="wait this long between tries instead of each task's retry_delay",
                    ),
                    arg(
                        "--mark-success-pattern",
                        metavar="REGEX",
                        help="mark tasks whose id matches successful without running them (e.g. sensors)",
                    ),
                    arg(
                        "--use-executor",
                        action="store_true",
                        help="run the tasks through the configured executor instead of in this process",
                    ),
                    arg("-v", "--verbose", action="store_true", help="echo task logs to the terminal"),
                    arg("-o", "--output", choices=("table", "json"), default="table", help="final report format"),
                ),
            ),
            Command(
                "backfill",
                "Run every interval from START to END (inclusive) through the scheduler's machinery",
                "scheduler:backfill",
                (
                    DAG_ID,
                    SUBDIR,
                    arg("-s", "--start-date", required=True, help="first logical date (ISO 8601)"),
                    arg("-e", "--end-date", help="last logical date (default: the start date)"),
                    arg(
                        "--reset-dagruns",
                        action="store_true",
                        help="clear every task of existing runs in the range and run them again",
                    ),
                    arg(
                        "--rerun-failed-tasks",
                        action="store_true",
                        help="clear the failed and upstream_failed tasks of existing runs and run them again",
                    ),
                    arg("--dry-run", action="store_true", help="list the runs that would be created"),
                    arg("-o", "--output", choices=("table", "json"), default="table", help="final report format"),
                ),
            ),
            Command("pause", "Pause a DAG", "dags:pause", (DAG_ID, SUBDIR)),
            Command("unpause", "Unpause a DAG", "dags:unpause", (DAG_ID, SUBDIR)),
            Command(
                "trigger",
                "Create a manual run; the scheduler runs it",
                "runs:trigger",
                (
                    DAG_ID,
                    SUBDIR,
                    arg("-c", "--conf", help="JSON object for the run's conf / params"),
                    arg("-r", "--run-id", help="run id (default: manual__<logical date>)"),
                    arg(
                        "-e",
                        "--exec-date",
                        "--logical-date",
                        dest="logical_date",
                        help="logical date (ISO 8601; default: now)",
                    ),
                    arg("-o", "--output", choices=("table", "json"), default="table", help="output format"),
                ),
            ),
            Command(
                "list-runs",
                "List a DAG's runs, newest first",
                "runs:list_runs",
                (
                    arg("dag_id", nargs="?", help="the DAG's id"),
                    arg("-d", "--dag-id", dest="dag_id_flag", help="the DAG's id (Airflow 2's spelling)"),
                    arg("--state", help="only runs in this state (queued, running, success, failed)"),
                    arg("-s", "--start-date", help="only runs with a logical date at or after this one"),
                    arg("-e", "--end-date", help="only runs with a logical date at or before this one"),
                    arg("--no-backfill", action="store_true", help="leave out backfill runs"),
                    arg(
                        "-o",
                        "--output",
                        choices=("table", "json", "yaml", "plain"),
                        default="table",
                        help="output format",
                    ),
                ),
            ),
            Command(
                "state",
                "Print the state of a DAG run",
                "runs:state",
                (DAG_ID, arg("logical_date_or_run_id", help="the run's run_id or logical date")),
            ),
            Command(
                "delete",
                "Delete a DAG's runs, task instances, XComs and database records (not its file)",
                "runs:delete",
                (DAG_ID, YES),
            ),
        ),
    ),
    Group(
        "tasks",
        "Inspect and test tasks",
        (
            Command(
                "list",
                "List a DAG's tasks",
                "tasks:list_tasks",
                (DAG_ID, SUBDIR, arg("-t", "--tree", action="store_true", help="show dependencies as a tree")),
            ),
            Command(
                "test",
                "Run one task in this process, recording nothing but its XCom",
                "dag_test:tasks_test",
                (
                    DAG_ID,
                    TASK_ID,
                    LOGICAL_DATE,
                    SUBDIR,
                    arg("-m", "--map-index", type=int, default=-1, help="map index of a mapped task"),
                    arg("-t", "--task-params", help="JSON object of params for this test"),
                ),
            ),
            Command(
                "states-for-dag-run",
                "Show the state of every task instance of a run",
                "task_state:states_for_dag_run",
                (
                    DAG_ID,
                    RUN_ID,
                    arg(
                        "-o",
                        "--output",
                        choices=("table", "json", "yaml", "plain"),
                        default="table",
                        help="output format",
                    ),
                ),
            ),
            Command(
                "state", "Print the state of a task instance", "task_state:state", (DAG_ID, TASK_ID, RUN_ID, MAP_INDEX)
            ),
            Command(
                "explain",
                "Say why a task instance is not running (or what it is doing)",
                "task_state:explain",
                (
                    DAG_ID,
                    TASK_ID,
                    RUN_ID,
                    MAP_INDEX,
                    arg("-o", "--output", choices=("text", "json"), default="text", help="output format"),
                ),
            ),
            Command(
                "clear",
                "Clear task instances so that the scheduler runs them again",
                "task_state:clear",
                (
                    DAG_ID,
                    arg("-t", "--task-regex", help="only tasks whose id matches this regular expression"),
                    arg("-s", "--start-date", help="only runs with a logical date at or after this one"),
                    arg("-e", "--end-date", help="only runs with a logical date at or before this one"),
                    arg("-f", "--only-failed", action="store_true", help="only failed and upstream_failed instances"),
                    arg("-u", "--upstream", action="store_true", help="also the matched tasks' upstream tasks"),
                    arg("-d", "--downstream", action="store_true", help="also the matched tasks' downstream tasks"),
                    YES,
                ),
            ),
            Command(
                "run",
                "Run one task instance of an existing run (what a worker executes)",
                "task_run:run",
                (
                    DAG_ID,
                    TASK_ID,
                    RUN_ID,
                    MAP_INDEX,
                    SUBDIR,
                    arg(
                        "-i",
                        "--ignore-dependencies",
                        action="store_true",
                        help="run even if upstream tasks, depends_on_past or a retry delay hold it back",
                    ),
                ),
            ),
            Command(
                "log",
                "Print the log of a task instance's try",
                "task_run:log",
                (
                    DAG_ID,
                    TASK_ID,
                    RUN_ID,
                    MAP_INDEX,
                    arg("--try", dest="try_number", type=int, help="which try (default: the latest)"),
                    arg(
                        "-f",
                        "--follow",
                        action="store_true",
                        help="keep printing new lines until the task instance finishes",
                    ),
                ),
            ),
        ),
    ),
    Group(
        "celery",
        "Celery workers (the CeleryExecutor)",
        (
            Command(
                "worker",
                "Run a Celery worker that supervises the tasks sent to its queues (foreground)",
                "celery:worker",
                (
                    arg(
                        "-q",
                        "--queues",
                        help="comma-separated queues to take work from (default: [celery] default_queue)",
                    ),
                    arg("-c", "--concurrency", type=int, help="tasks at once (default: [celery] worker_concurrency)"),
                    arg("-H", "--hostname", help="the worker's Celery node name (default: tradewind@HOST)"),
                ),
            ),
        ),
    ),
    Group(
        "jobs",
        "Long-running processes and their heartbeats",
        (
            Command(
                "check",
                "Exit 0 if a job of this type is alive (heartbeat within [scheduler] scheduler_health_check_threshold)",
                "jobs:check",
                (
                    arg(
                        "--job-type",
                        choices=("SchedulerJob", "TriggererJob", "DagProcessorJob", "CeleryWorkerJob"),
                        default="SchedulerJob",
                        help="the kind of job (default: SchedulerJob)",
                    ),
                    arg("--hostname", help="only jobs on this host"),
                    arg("--local", action="store_true", help="only jobs on this host (its hostname)"),
                    arg("--limit", type=int, default=1, help="look at this many jobs at most (default: 1)"),
                    arg("--allow-multiple", action="store_true", help="succeed when several jobs are alive"),
                ),
            ),
        ),
    ),
    Command(
        "triggerer",
        "Run the triggers deferred tasks wait on, many in one process (foreground)",
        "triggerer:triggerer",
        (arg("-n", "--num-runs", type=int, default=-1, help="stop after this many passes (default: run forever)"),),
    ),
    Command(
        "dag-processor",
        "Parse DAG files into the database in a loop (foreground)",
        "dag_processor:dag_processor",
        (
            arg("-n", "--num-runs", type=int, default=-1, help="stop after this many passes (default: run forever)"),
            SUBDIR,
        ),
    ),
    Command(
        "scheduler",
        "Run the scheduler with its local executor (foreground)",
        "scheduler:scheduler",
        (
            arg(
                "-n",
                "--num-runs",
                type=int,
                default=-1,
                help="stop after this many scheduling loops (default: run forever)",
            ),
            arg("--pid", help="write the process id to this file"),
        ),
    ),
    Group(
        "datasets",
        "Inspect datasets (data-aware scheduling)",
        (
            Command(
                "list",
                "List datasets with the DAGs they trigger and the tasks that update them",
                "datasets:list_",
                (OUTPUT,),
            ),
            Command(
                "events",
                "List a dataset's events, newest first",
                "datasets:events",
                (
                    arg("uri", help="the dataset's URI"),
                    arg("--limit", type=int, default=100, help="at most this many events (default: 100)"),
                    OUTPUT,
                ),
            ),
        ),
    ),
    Group(
        "pools",
        "Manage pools (slot budgets shared by task instances)",
        (
            Command(
                "set",
                "Create or update a pool",
                "pools:set_",
                (
                    arg("name"),
                    arg("slots", type=int, help="number of slots (-1: unlimited)"),
                    arg("description", nargs="?", help="what the pool is for"),
                    arg("--include-deferred", action="store_true", help="deferred tasks count against the pool"),
                    OUTPUT,
                ),
            ),
            Command("get", "Show a pool", "pools:get", (arg("name"), OUTPUT)),
            Command("list", "List pools", "pools:list_", (OUTPUT,)),
            Command("delete", "Delete a pool (not default_pool)", "pools:delete", (arg("name"),)),
            Command("import", "Import pools from a JSON file", "pools:import_", (arg("file"),)),
            Command("export", "Export pools to a JSON file (- for stdout)", "pools:export", (arg("file"),)),
        ),
    ),
    Group(
        "variables",
        "Manage Variables",
        (
            Command(
                "get",
                "Print a variable",
                "variables:get",
                (
                    arg("key"),
                    arg("-d", "--default", help="value to print if the key does not exist"),
                    arg("-j", "--json", action="store_true", help="parse the value as JSON"),
                ),
            ),
            Command(
                "set",
                "Set a variable",
                "variables:set_",
                (
                    arg("key"),
                    arg("value"),
                    arg("--description"),
                    arg("-j", "--json", action="store_true", help="check the value is JSON"),
                ),
            ),
            Command("list", "List variables", "variables:list_", (OUTPUT,)),
            Command("delete", "Delete a variable", "variables:delete", (arg("key"),)),
            Command("import", "Import variables from a JSON file", "variables:import_", (arg("file"),)),
            Command("export", "Export variables to a JSON file", "variables:export", (arg("file"),)),
        ),
    ),
    Group(
        "connections",
        "Manage connections",
        (
            Command(
                "add",
                "Add a connection",
                "connections:add",
                (
                    arg("conn_id", help="the connection's id"),
                    arg(
                        "--conn-uri", help="the connection as a URI: type://login:password@host:port/schema?extra=value"
                    ),
                    arg("--conn-json", help="the connection as a JSON object of its fields"),
                    arg("--conn-type", help="connection type (ftp, postgres, http, ...), needed without --conn-uri"),
                    arg("--conn-host"),
                    arg("--conn-login"),
                    arg("--conn-password"),
                    arg("--conn-schema"),
                    arg("--conn-port", help="port number"),
                    arg("--conn-extra", help="extra settings as a JSON object"),
                    arg("--conn-description", help="a description of the connection"),
                ),
            ),
            Command("get", "Show a connection (password hidden)", "connections:get", (arg("conn_id"), OUTPUT)),
            Command(
                "list",
                "List connections (passwords hidden)",
                "connections:list_",
                (OUTPUT, arg("--conn-id", help="only this connection")),
            ),
            Command("delete", "Delete a connection", "connections:delete", (arg("conn_id"),)),
            Command(
                "test",
                "Check that a connection's system is reachable and accepts its credentials (http, ftp, ftps, sftp, ssh...)",
                "connections:test",
                (arg("conn_id"),),
            ),
            Command(
                "export",
                "Export connections to a .json, .yaml or .env file (- for stdout)",
                "connections:export",
                (
                    arg("file"),
                    arg(
                        "--file-format",
                        "--format",
                        dest="file_format",
                        choices=("json", "yaml", "env"),
                        help="file format (default: from the file's extension)",
                    ),
                    arg(
                        "--serialization-format",
                        choices=("uri", "json"),
                        default="uri",
                        help="how each connection is written in an .env file",
                    ),
                ),
            ),
            Command(
                "import",
                "Import connections from a .json, .yaml or .env file",
                "connections:import_",
                (arg("file"), arg("--overwrite", action="store_true", help="replace connections that already exist")),
            ),
        ),
    ),
    Group(
        "providers",
        "The providers Tradewind ships (http, ftp, sftp, ssh, SQL, S3...) and their connection types",
        (
            Command("list", "List the providers and the extra that installs each", "providers:list_", (OUTPUT,)),
            Command(
                "hooks",
                "List the connection types: label, fields of their form, whether `connections test` checks them",
                "providers:hooks",
                (OUTPUT,),
            ),
        ),
    ),
    Command("plugins", "List the plugins of [core] plugins_folder and what each holds", "plugins:list_", (OUTPUT,)),
    Command(
        "rotate-fernet-key",
        "Re-encrypt stored connections and variables with the first [core] fernet_key",
        "connections:rotate_fernet_key",
    ),
    Group(
        "users",
        "Manage web UI / REST API users",
        (
            Command(
                "create",
                "Create a user",
                "users:create",
                (
                    arg("-u", "--username", required=True),
                    arg("-f", "--firstname", required=True),
                    arg("-l", "--lastname", required=True),
                    arg("-e", "--email", required=True),
                    arg("-r", "--role", required=True, help="Admin, Op, User or Viewer"),
                    arg("-p", "--password", help="the password (default: asked twice, hidden)"),
                    PASSWORD_STDIN,
                    arg("--use-random-password", action="store_true", help="generate a password and print it"),
                ),
            ),
            Command("list", "List users", "users:list_", (OUTPUT,)),
            Command("delete", "Delete a user", "users:delete", (arg("-u", "--username", required=True),)),
            Command(
                "add-role",
                "Give a user a role",
                "users:add_role",
                (arg("-u", "--username", required=True), arg("-r", "--role", required=True)),
            ),
            Command(
                "remove-role",
                "Take a role from a user",
                "users:remove_role",
                (arg("-u", "--username", required=True), arg("-r", "--role", required=True)),
            ),
            Command(
                "reset-password",
                "Set a user's password",
                "users:reset_password",
                (
                    arg("-u", "--username", required=True),
                    arg("-p", "--password", help="the new password (default: asked twice, hidden)"),
                    PASSWORD_STDIN,
                    arg("--use-random-password", action="store_true", help="generate a password and print it"),
                ),
            ),
        ),
    ),
    Command(
        "webserver",
        "Run the web UI and REST API (uvicorn)",
        "webserver:webserver",
        (
            arg("-p", "--port", type=int, default=None, help="port (default: [webserver] web_server_port, 8080)"),
            arg(
                "-H", "--hostname", default=None, help="address to bind (default: [webserver] web_server_host, 0.0.0.0)"
            ),
            arg("-w", "--workers", type=int, default=None, help="worker processes (default: [webserver] workers, 1)"),
        ),
    ),
    Command(
        "standalone",
        "Migrate, create an admin user, run scheduler and webserver together",
        "webserver:standalone",
        (
            arg(
                "-p",
                "--port",
                type=int,
                default=None,
                help="webserver port (default: [webserver] web_server_port, 8080)",
            ),
            arg("-H", "--hostname", default=None, help="address to bind (default: [webserver] web_server_host)"),
        ),
    ),
)
