"""Airflow 2 arguments of `DAG` and `BaseOperator` that mean nothing in Tradewind: accepted, one warning each.

An Airflow DAG file passes them (often through `default_args`); refusing them would make the
file an import error for no gain. Each one logs one line, once per file and argument, naming the
file and line (`tradewind.parsing` logger): `dags.py:12: DAG argument 'sla_miss_callback' has no
effect in Tradewind (no SLAs)`. Arguments Tradewind honours under another name are renamed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, MutableMapping
from typing import Any

log = logging.getLogger("tradewind.parsing")

#: DAG argument → why it has no effect.
DAG_IGNORED: dict[str, str] = {
    "sla_miss_callback": "no SLAs",
    "access_control": "permissions are per role, not per DAG",
    "owner_links": "the UI shows no owner links",
    "orientation": "the graph view has one orientation",
    "max_consecutive_failed_dag_runs": "DAGs are not paused automatically after failed runs",
    "full_filepath": "removed in Airflow 2; the file is known from the import",
    "auto_register": "every DAG a file creates is registered",
}
#: Operator argument → why it has no effect.
TASK_IGNORED: dict[str, str] = {
    "sla": "no SLAs",
    "resources": "no per-task resources",
    "run_as_user": "tasks run as the worker's user",
    "executor": "one executor runs every task",
    "ignore_first_depends_on_past": "depends_on_past always looks at the previous run",
    "wait_for_past_depends_before_skipping": "depends_on_past does not delay skipping",
    "logger_name": "task logs go to the try's log file",
}
#: Operator arguments Airflow deprecated in favour of one Tradewind has.
TASK_ALIASES: dict[str, str] = {"task_concurrency": "max_active_tis_per_dag"}
#: Operator arguments kept as attributes, which the runtime reads where it has a use for them.
TASK_ATTRIBUTES: dict[str, str] = {
    "doc_json": "doc_json",
    "doc_yaml": "doc_yaml",
    "doc_rst": "doc_rst",
    "task_display_name": "_task_display_name",
    "allow_nested_operators": "allow_nested_operators",
    "pre_execute": "_pre_execute_hook",
    "post_execute": "_post_execute_hook",
    "on_skipped_callback": "on_skipped_callback",
    "map_index_template": "map_index_template",  # Airflow 2.9's label of a mapped instance, for its UI
}

#: Values that ask for what Tradewind does anyway (Airflow's defaults): no warning for these.
HARMLESS: dict[str, Any] = {
    "auto_register": True,
    "max_consecutive_failed_dag_runs": 0,
    "orientation": "LR",
    "ignore_first_depends_on_past": True,
    "wait_for_past_depends_before_skipping": False,
}

_warned: set[tuple[str, str]] = set()


def warn_ignored(what: str, name: str, value: Any, why: str, locate: Callable[[], tuple[str, int]]) -> None:
    """One line per (file, argument) set to something Tradewind does not do: where, and why."""
    if value is None or (name in HARMLESS and value == HARMLESS[name]):
        return
    if isinstance(value, (dict, list, tuple, set)) and not value:
        return
    filename, lineno = locate()
    if (filename, name) in _warned:
        return
    _warned.add((filename, name))
    log.warning("%s:%d: %s argument '%s' has no effect in Tradewind (%s)", filename, lineno, what, name, why)


def take_task_extras(
    kwargs: MutableMapping[str, Any], accepted: frozenset[str], locate: Callable[[], tuple[str, int]]
) -> dict[str, Any]:
    """Remove Airflow-only arguments the operator does not itself `accept` from its `kwargs`.

    Ignored ones are warned about, deprecated aliases renamed (unless the new name is given too);
    returns the attributes to set on the operator.
    """
    for name, why in TASK_IGNORED.items():
        if name in kwargs and name not in accepted:
            warn_ignored("task", name, kwargs.pop(name), why, locate)
    for old, new in TASK_ALIASES.items():
        if old in kwargs and old not in accepted:
            value = kwargs.pop(old)
            kwargs.setdefault(new, value)
    return {
        attribute: kwargs.pop(name)
        for name, attribute in TASK_ATTRIBUTES.items()
        if name in kwargs and name not in accepted
    }


def warn_dag_ignored(given: dict[str, Any], location: tuple[str, int]) -> None:
    """Warn for each ignored DAG argument the file set (to anything but its default)."""
    for name, value in given.items():
        warn_ignored("DAG", name, value, DAG_IGNORED[name], lambda: location)


#: Every operator argument `take_task_extras` handles: these are taken from default_args too.
TASK_NAMES: frozenset[str] = frozenset(TASK_IGNORED) | frozenset(TASK_ALIASES) | frozenset(TASK_ATTRIBUTES)
