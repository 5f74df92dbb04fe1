"""Python callables run in another interpreter: a cached virtualenv with requirements, or a given python.

As Airflow's: the callable travels as its source (dedented, decorators stripped), so it must be
self-contained (imports inside the function); its arguments go over in a file written with the
`serializer` (pickle, cloudpickle or dill) and its return value comes back the same way. Tradewind
is not installed in the venv, so only context values that unpickle without it are passed.
"""

from __future__ import annotations

import inspect
import os
import sys
import textwrap
import types
from collections.abc import Callable, Collection, Container, Iterable, Mapping
from pathlib import Path
from typing import Any

from tradewind.exceptions import DagDefinitionError, SkipTask, VirtualenvError
from tradewind.operators.python import BranchMixin, PythonOperator, callable_kwargs

__all__ = [
    "PythonVirtualenvOperator",
    "ExternalPythonOperator",
    "BranchPythonVirtualenvOperator",
    "BranchExternalPythonOperator",
]

SERIALIZERS = ("pickle", "cloudpickle", "dill")

# Airflow's lists: plain values any interpreter unpickles, and pendulum dates (needs pendulum there).
BASE_SERIALIZABLE_CONTEXT_KEYS = frozenset(
    {
        "ds",
        "ds_nodash",
        "expanded_ti_count",
        "inlets",
        "map_index_template",
        "next_ds",
        "next_ds_nodash",
        "outlets",
        "prev_ds",
        "prev_ds_nodash",
        "run_id",
        "task_instance_key_str",
        "test_mode",
        "tomorrow_ds",
        "tomorrow_ds_nodash",
        "ts",
        "ts_nodash",
        "ts_nodash_with_tz",
        "yesterday_ds",
        "yesterday_ds_nodash",
    }
)
PENDULUM_SERIALIZABLE_CONTEXT_KEYS = frozenset(
    {
        "data_interval_end",
        "data_interval_start",
        "execution_date",
        "logical_date",
        "next_execution_date",
        "prev_data_interval_end_success",
        "prev_data_interval_start_success",
        "prev_execution_date",
        "prev_execution_date_success",
        "prev_start_date_success",
        "prev_end_date_success",
    }
)

_SCRIPT = """\
from __future__ import annotations  # the callable's annotations may name what only the DAG file imports

import sys
import {serializer}

{source}

with open(sys.argv[1], "rb") as file:
    arg_dict = {serializer}.load(file)
with open(sys.argv[3]) as file:
    virtualenv_string_args = [line.strip() for line in file]
try:
    res = {name}(*arg_dict["args"], **arg_dict["kwargs"])
except Exception as e:
    with open(sys.argv[4], "w") as file:
        file.write(str(e))
    raise
with open(sys.argv[2], "wb") as file:
    if res is not None:
        {serializer}.dump(res, file)
"""


def callable_source(fn: Callable[..., Any]) -> str:
    """The function's own source, dedented, without its decorators (`@task.virtualenv(...)` and others)."""
    import ast

    try:
        source = textwrap.dedent(inspect.getsource(fn))
    except (OSError, TypeError) as exc:
        raise VirtualenvError(f"cannot read the source of {fn.__name__}: {exc}") from None
    node = ast.parse(source).body[0]
    assert isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    return "".join(source.splitlines(keepends=True)[node.lineno - 1 :])


def _load_serializer(name: str) -> types.ModuleType:
    import importlib

    if name not in SERIALIZERS:
        raise DagDefinitionError(f"serializer={name!r} is not one of {', '.join(map(repr, SERIALIZERS))}")
    try:
        return importlib.import_module(name)
    except ImportError:
        raise DagDefinitionError(f"serializer={name!r} needs the {name} package installed beside Tradewind") from None


class _BasePythonVirtualenvOperator(PythonOperator):
    """Runs the callable's source with another python; subclasses say which python."""

    python_callable: Callable[..., Any]  # set by PythonOperator (bind_callable)
    op_args: list[Any]
    op_kwargs: dict[str, Any]
    templates_dict: dict[str, Any] | None

    def __init__(
        self,
        *,
        python_callable: Callable[..., Any],
        serializer: str | None = None,
        use_dill: bool = False,
        op_args: Collection[Any] | None = None,
        op_kwargs: Mapping[str, Any] | None = None,
        string_args: Iterable[str] | None = None,
        templates_dict: dict[str, Any] | None = None,
        templates_exts: list[str] | None = None,
        expect_airflow: bool = True,
        skip_on_exit_code: int | Container[int] | None = None,
        env_vars: dict[str, str] | None = None,
        inherit_env: bool = True,
        **kwargs: Any,
    ) -> None:
        if not isinstance(python_callable, types.FunctionType) or python_callable.__name__ == "<lambda>":
            raise DagDefinitionError(
                f"{type(self).__name__} {kwargs.get('task_id')}: python_callable must be a function defined "
                "with def (its source is what runs), not a lambda or another callable"
            )
        super().__init__(
            python_callable=python_callable,
            op_args=op_args,
            op_kwargs=op_kwargs,
            templates_dict=templates_dict,
            templates_exts=templates_exts,
            **kwargs,
        )
        self.serializer = serializer or ("dill" if use_dill else "pickle")
        _load_serializer(self.serializer)  # a missing package is a DAG import error, with file and line
        self.string_args = list(string_args or [])
        self.expect_airflow = expect_airflow  # accepted; Tradewind is never installed in the target
        if skip_on_exit_code is None:
            self.skip_on_exit_code: Container[int] = ()
        elif isinstance(skip_on_exit_code, int):
            self.skip_on_exit_code = (skip_on_exit_code,)
        else:
            self.skip_on_exit_code = skip_on_exit_code
        self.env_vars = env_vars
        self.inherit_env = inherit_env

    @property
    def pickling_library(self) -> types.ModuleType:
        """The serializer's module (a property: an operator is copied, and a module cannot be)."""
        return _load_serializer(self.serializer)

    def _python(self) -> Path:
        """The interpreter to run the callable with (a subclass builds or checks it)."""
        raise NotImplementedError

    def _has_pendulum(self, python: Path) -> bool:
        """Whether the target unpickles pendulum dates; asked only when the callable wants one."""
        import subprocess

        return subprocess.run([str(python), "-c", "import pendulum"], capture_output=True).returncode == 0

    def _context_for(self, context: Mapping[str, Any], python: Path) -> dict[str, Any]:
        """The context values the callable asks for that the target can unpickle, as Airflow passes."""
        params = inspect.signature(self.python_callable).parameters.values()
        wanted = {p.name for p in params}
        if any(p.kind is p.VAR_KEYWORD for p in params):
            wanted = set(context)
        keys = set(BASE_SERIALIZABLE_CONTEXT_KEYS)
        if wanted & PENDULUM_SERIALIZABLE_CONTEXT_KEYS and self._has_pendulum(python):
            keys |= PENDULUM_SERIALIZABLE_CONTEXT_KEYS
        out = {key: context[key] for key in keys & wanted if key in context}
        if "params" in wanted and "params" in context:
            out["params"] = dict(context["params"])  # values only: ParamsDict is Tradewind's class
        out["templates_dict"] = self.templates_dict
        return out

    def execute(self, context: dict[str, Any]) -> Any:
        python = self._python()
        kwargs = callable_kwargs(self.python_callable, self._context_for(context, python), self.op_args, self.op_kwargs)
        result = self._run(python, kwargs)
        if self.show_return_value_in_logs:
            self.log.info("Done. Returned value was: %r", result)
        return result

    def _run(self, python: Path, kwargs: dict[str, Any]) -> Any:
        import tempfile

        from tradewind.operators.virtualenv_cache import run_logged

        with tempfile.TemporaryDirectory(prefix="venv-call") as tmp:
            paths = [Path(tmp) / name for name in ("script.in", "script.out", "string_args.txt", "termination.log")]
            script = Path(tmp) / "script.py"
            with open(paths[0], "wb") as file:
                self.pickling_library.dump({"args": list(self.op_args), "kwargs": kwargs}, file)
            paths[2].write_text("\n".join(map(str, self.string_args)), encoding="utf-8")
            source = callable_source(self.python_callable)
            script.write_text(
                _SCRIPT.format(serializer=self.serializer, source=source, name=self.python_callable.__name__),
                encoding="utf-8",
            )
            env = dict(os.environ) if self.inherit_env else {}
            env.update(self.env_vars or {})
            code, _ = run_logged([str(python), str(script), *map(str, paths)], self.log, env)
            if code in self.skip_on_exit_code:
                raise SkipTask(f"Process exited with code {code}. Skipping.")
            if code != 0:
                message = paths[3].read_text(encoding="utf-8") if paths[3].exists() else ""
                raise VirtualenvError(f"Process returned non-zero exit status {code}.\n{message}".rstrip())
            return self._read_result(paths[1])

    def _read_result(self, path: Path) -> Any:
        if path.stat().st_size == 0:
            return None
        with open(path, "rb") as file:
            try:
                return self.pickling_library.load(file)
            except Exception as exc:
                raise VirtualenvError(
                    f"cannot read the return value of {self.python_callable.__name__} with {self.serializer}: {exc}"
                ) from None


class PythonVirtualenvOperator(_BasePythonVirtualenvOperator):
    """The callable in a virtualenv with `requirements`, cached by their hash and reused across runs.

    `requirements` is a list of pip requirement lines, or a `.txt` requirements file (rendered as a
    template, as Airflow's). The cache is `venv_cache_path`, else `$TRADEWIND_HOME/venvs`.
    """

    template_fields = ("requirements", "index_urls", "venv_cache_path", "templates_dict", "op_args", "op_kwargs")
    template_ext = (".txt",)
    ui_color = "#ffefeb"

    def __init__(
        self,
        *,
        python_callable: Callable[..., Any],
        requirements: Iterable[str] | str | None = None,
        python_version: str | None = None,
        system_site_packages: bool = True,
        pip_install_options: list[str] | None = None,
        index_urls: Collection[str] | str | None = None,
        venv_cache_path: os.PathLike[str] | str | None = None,
        **kwargs: Any,
    ) -> None:
        if python_version is not None and str(python_version).split(".")[0] != str(sys.version_info.major):
            if kwargs.get("op_args") or kwargs.get("op_kwargs"):
                raise DagDefinitionError("op_args and op_kwargs cannot cross Python major versions; use string_args")
        super().__init__(python_callable=python_callable, **kwargs)
        if not requirements:
            self.requirements: list[str] = []
        elif isinstance(requirements, str):
            self.requirements = [requirements]
        else:
            self.requirements = list(requirements)
        self.python_version = None if python_version is None else str(python_version)
        self.system_site_packages = system_site_packages
        self.pip_install_options = list(pip_install_options or [])
        self.index_urls = [index_urls] if isinstance(index_urls, str) else index_urls
        self.venv_cache_path = venv_cache_path

    def _requirements_list(self) -> list[str]:
        """Requirement lines, sorted so the cache key is stable; the serializer's package added as Airflow."""
        lines = [line.strip() for item in self.requirements for line in str(item).splitlines()]
        requirements = [line for line in lines if line and not line.startswith("#")]
        if self.serializer != "pickle" and not self.system_site_packages and self.serializer not in requirements:
            requirements.append(self.serializer)
        return sorted(requirements)

    def _python(self) -> Path:
        from tradewind.config import tradewind_home
        from tradewind.operators.virtualenv_cache import VenvSpec, ensure_venv

        spec = VenvSpec(
            requirements=tuple(self._requirements_list()),
            python_version=self.python_version,
            system_site_packages=self.system_site_packages,
            pip_install_options=tuple(self.pip_install_options),
            index_urls=None if self.index_urls is None else tuple(self.index_urls),
        )
        cache = Path(self.venv_cache_path) if self.venv_cache_path else tradewind_home() / "venvs"
        return ensure_venv(spec, cache, self.log)


class ExternalPythonOperator(_BasePythonVirtualenvOperator):
    """The callable run by an existing interpreter, `python` (an absolute path, e.g. a venv's bin/python)."""

    template_fields = ("python", "templates_dict", "op_args", "op_kwargs")
    ui_color = "#ffefeb"

    def __init__(
        self, *, python: str, python_callable: Callable[..., Any], expect_pendulum: bool = False, **kwargs: Any
    ) -> None:
        """`expect_pendulum` is accepted as Airflow's: whether the target has pendulum is asked when needed."""
        if not python:
            raise DagDefinitionError(f"ExternalPythonOperator {kwargs.get('task_id')} needs python=<interpreter path>")
        super().__init__(python_callable=python_callable, **kwargs)
        self.python = python

    def _python(self) -> Path:
        path = Path(self.python)
        if not path.is_absolute():
            raise VirtualenvError(f"Python Path '{path}' must be an absolute path.")
        if not path.exists():
            raise VirtualenvError(f"Python Path '{path}' must exist")
        if not path.is_file():
            raise VirtualenvError(f"Python Path '{path}' must be a file")
        return path


class BranchPythonVirtualenvOperator(BranchMixin, PythonVirtualenvOperator):
    """The callable, run in a virtualenv, returns the task id(s) to follow."""

    ui_color = "#ffd6a5"

    def execute(self, context: dict[str, Any]) -> Any:
        return self.do_branch(context, super().execute(context))


class BranchExternalPythonOperator(BranchMixin, ExternalPythonOperator):
    """The callable, run by an existing interpreter, returns the task id(s) to follow."""

    ui_color = "#ffd6a5"

    def execute(self, context: dict[str, Any]) -> Any:
        return self.do_branch(context, super().execute(context))
