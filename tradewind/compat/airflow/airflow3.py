"""`airflow.sdk`'s `DAG` and `@dag`: Tradewind's, with Airflow 3's defaults.

A DAG file written against Airflow 3 expects no schedule unless one is given, `catchup` off, and
a cron schedule (or preset) that runs *at* each tick with a zero-length data interval
(CronTriggerTimetable). Whatever the file passes explicitly still wins.
"""

from __future__ import annotations

import functools
import inspect
import os
import sys
from collections.abc import Callable
from typing import Any

from tradewind.sdk import dag as _sdk_dag

_SCHEDULE_ARGS = ("schedule", "schedule_interval", "timetable")
_TRADEWIND_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))) + os.sep


@functools.cache
def _positional_names() -> tuple[str, ...]:
    params = list(inspect.signature(_sdk_dag.DAG.__init__).parameters)[1:]  # without self
    return tuple(params)


def airflow3_kwargs(args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
    """`kwargs` plus Airflow 3's defaults for what neither `args` (after dag_id) nor `kwargs` set."""
    given = set(kwargs) | set(_positional_names()[1 : 1 + len(args)])
    out = dict(kwargs)
    if "catchup" not in given:
        out["catchup"] = False
    if not given.intersection(_SCHEDULE_ARGS):
        out["schedule"] = None
    return out


def _run_at_tick(dag: _sdk_dag.DAG) -> None:
    """Cron strings and presets get Airflow 3's trigger timetable instead of a data-interval one."""
    if isinstance(dag.schedule, str):
        from tradewind.timetables import create_timetable

        dag.timetable = create_timetable(dag.schedule, dag.timezone, runs_at_tick=True)


def _user_location() -> tuple[str, int]:
    """File and line of the first frame outside Tradewind (the DAG file that built the DAG)."""
    frame = sys._getframe(1)
    while frame is not None:
        filename = frame.f_code.co_filename
        if not os.path.abspath(filename).startswith(_TRADEWIND_DIR) and not filename.startswith("<frozen"):
            return filename, frame.f_lineno
        frame = frame.f_back  # type: ignore[assignment]
    return "", 0


class DAG(_sdk_dag.DAG):
    """Tradewind's DAG with Airflow 3's defaults (no schedule, catchup off, cron runs at each tick)."""

    def __init__(self, dag_id: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(dag_id, *args, **airflow3_kwargs(args, kwargs))
        _run_at_tick(self)
        self.fileloc, self.lineno = _user_location()


def dag(dag_id: str | Callable | None = None, **dag_kwargs: Any) -> Any:
    """Tradewind's `@dag` with Airflow 3's defaults; usable bare (`@dag`) or called (`@dag(...)`)."""
    if callable(dag_id):
        return dag()(dag_id)
    build_with = _sdk_dag.dag(dag_id, **airflow3_kwargs((), dag_kwargs))

    def decorator(fn: Callable[..., Any]) -> Callable[..., _sdk_dag.DAG]:
        factory = build_with(fn)

        @functools.wraps(fn)
        def build(*args: Any, **kwargs: Any) -> _sdk_dag.DAG:
            the_dag = factory(*args, **kwargs)
            _run_at_tick(the_dag)
            the_dag.fileloc, the_dag.lineno = _user_location()
            return the_dag

        return build

    return decorator
