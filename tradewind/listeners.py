"""Listeners: objects told about task-instance and DAG-run state changes, as Airflow's `airflow.listeners`.

A listener is any object (a module, a class, an instance) with some of the spec's functions:
`on_task_instance_running/success/failed(previous_state, task_instance[, error])` — called in the
task's process — and `on_dag_run_running/success/failed(dag_run, msg)` — called where the run
changes state (the scheduler, or `dags test`). Each gets only the arguments it names, as pluggy
calls Airflow's. Register one with `register(listener)` or an `AirflowPlugin` subclass's
`listeners = [...]`; plugin files in `[core] plugins_folder` are imported once per process, before
the first event, so a scheduler (which never imports DAG files) has them too. A failing listener
is logged and never changes the outcome.
"""

from __future__ import annotations

import importlib.util
import inspect
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

log = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])

TASK_INSTANCE_EVENTS = ("on_task_instance_running", "on_task_instance_success", "on_task_instance_failed")
DAG_RUN_EVENTS = ("on_dag_run_running", "on_dag_run_success", "on_dag_run_failed")

_listeners: list[Any] = []
_plugins: set[str] = set()  # names of the plugins whose listeners are registered
_plugins_loaded = False
_plugin_files: dict[str, Path] = {}  # module name → plugin file, for each file that loaded
_plugin_errors: dict[Path, str] = {}  # plugin file → why it did not load
_silenced = False


def hookimpl(fn: F | None = None, **_options: Any) -> Any:
    """Airflow's `@hookimpl` marker: listener functions are found by name, so it returns them as they are."""
    if fn is None:
        return lambda f: f
    return fn


def register(listener: Any) -> None:
    """Tell `listener` about state changes from now on (registering the same object twice is one listener)."""
    if not any(known is listener for known in _listeners):
        _listeners.append(listener)


def register_plugin(name: str, plugin_listeners: list[Any]) -> None:
    """A plugin's listeners, once per plugin name: a module imported twice (as a DAG file and by
    another) defines its plugin twice, and Airflow, too, keeps the first plugin of a name."""
    if name in _plugins:
        return
    _plugins.add(name)
    for listener in plugin_listeners:
        register(listener)


def unregister(listener: Any) -> None:
    _listeners[:] = [known for known in _listeners if known is not listener]


def notify(event: str, **arguments: Any) -> None:
    """Call `event` on every listener that has it, with the arguments it names; never raises."""
    _load_plugins_once()
    if _silenced:
        return
    for listener in list(_listeners):
        hook = getattr(listener, event, None)
        if not callable(hook):
            continue
        try:
            hook(**_accepted(hook, arguments))
        except Exception:  # noqa: BLE001 - a listener's bug must not fail the task or the run
            log.exception("listener %r failed in %s", listener, event)


@contextmanager
def silenced() -> Iterator[None]:
    """No events inside (a worker's warm-up task is no task of anyone's); plugins still load."""
    global _silenced
    _silenced = True
    try:
        yield
    finally:
        _silenced = False


def _accepted(hook: Callable[..., Any], arguments: dict[str, Any]) -> dict[str, Any]:
    params = inspect.signature(hook).parameters
    if any(p.kind is p.VAR_KEYWORD for p in params.values()):
        return arguments
    return {name: value for name, value in arguments.items() if name in params}


def load_plugins() -> None:
    """Import the plugin files of `[core] plugins_folder`, once per process (their AirflowPlugin
    classes register listeners, macros and timetables)."""
    _load_plugins_once()


def _load_plugins_once() -> None:
    """Import each `*.py` in `[core] plugins_folder` (their AirflowPlugin classes register listeners)."""
    global _plugins_loaded
    if _plugins_loaded:
        return
    _plugins_loaded = True
    from tradewind.config import conf

    folder = conf.getpath("core", "plugins_folder")
    if not folder.is_dir():
        return
    from tradewind.compat import airflow
    from tradewind.compat.airflow.plugins import defined_in

    airflow.install()  # plugin files import `airflow.plugins_manager`, as on Airflow
    if str(folder) not in sys.path:
        sys.path.append(str(folder))  # plugins import their helper modules, as Airflow allows
    for path in sorted(folder.glob("*.py")):
        name = f"tradewind_plugin_{path.stem}"
        try:
            spec = importlib.util.spec_from_file_location(name, path)
            assert spec is not None and spec.loader is not None
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module
            spec.loader.exec_module(module)
            for plugin in defined_in(name):
                plugin.on_load()  # as Airflow: once, when the plugin is loaded
        except Exception as exc:  # noqa: BLE001 - a broken plugin file must not stop the others
            sys.modules.pop(name, None)
            _plugin_errors[path] = _reason(exc, path)
            log.exception("cannot load plugin file %s", path)
        else:
            _plugin_files[name] = path


def _reason(exc: BaseException, path: Path) -> str:
    """One line: the exception, and the line of the plugin file it came from."""
    import traceback

    if isinstance(exc, SyntaxError) and exc.lineno:
        line: int | None = exc.lineno
    else:
        lines = [f.lineno for f in traceback.extract_tb(exc.__traceback__) if f.filename == str(path)]
        line = lines[-1] if lines else None
    return f"{type(exc).__name__}: {exc}" + (f" (line {line})" if line else "")


def plugin_files() -> tuple[dict[str, Path], dict[Path, str]]:
    """The plugin files of `[core] plugins_folder` (imported now if not yet): those loaded by module
    name, and why the others did not load."""
    _load_plugins_once()
    return dict(_plugin_files), dict(_plugin_errors)


def dag_run_changed(dag_id: str, run_id: str, state: str, msg: str = "") -> None:
    """`on_dag_run_<state>` with the run as stored now; no database read when no listener wants it."""
    event = f"on_dag_run_{state}"
    _load_plugins_once()
    if not any(callable(getattr(listener, event, None)) for listener in _listeners):
        return
    from tradewind.store import runs

    dag_run = runs.get_dag_run(dag_id, run_id)
    if dag_run is not None:
        notify(event, dag_run=dag_run, msg=msg)


def run_message(state: str, timed_out: bool = False) -> str:
    """The `msg` Airflow passes with a run's end: `success`, `task_failure` or `timed_out`."""
    if timed_out:
        return "timed_out"
    return "success" if state == "success" else "task_failure"
