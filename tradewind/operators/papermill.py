"""PapermillOperator: run a Jupyter notebook as a task, with parameters injected, and keep the result.

The executed notebook (outputs, injected parameters, the traceback of a failing cell) is kept
per run, so a data scientist opens exactly what ran. Without a `kernel_name` the notebook runs
on the interpreter that runs the task (the venv's python with ipykernel), whatever kernels are
registered on the machine: nothing is installed globally.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from tradewind.exceptions import NotebookExecutionFailed
from tradewind.sdk.baseoperator import BaseOperator

__all__ = ["NotebookExecutionFailed", "NotebookOperator", "PapermillOperator"]


class PapermillOperator(BaseOperator):
    """Execute `input_nb` into `output_nb` through papermill with `parameters` injected.

    All three are templated (`parameters` recursively), so `{{ ds }}`, `{{ run_id }}` and
    `{{ var.value.x }}` work. `output_nb` defaults to
    `$TRADEWIND_HOME/notebooks/<dag_id>/<run_id>/<task_id>.ipynb`. The XCom is the output path.
    """

    template_fields = ("input_nb", "output_nb", "parameters", "cwd")
    template_fields_renderers = {"parameters": "json"}
    ui_color = "#fff7e6"

    def __init__(
        self,
        *,
        input_nb: str,
        output_nb: str | None = None,
        parameters: dict[str, Any] | None = None,
        kernel_name: str | None = None,
        language: str | None = None,
        cwd: str | None = None,
        start_timeout: float = 60,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.input_nb = input_nb
        self.output_nb = output_nb
        self.parameters = dict(parameters or {})
        self.kernel_name = kernel_name
        self.language = language
        self.cwd = cwd
        self.start_timeout = start_timeout

    def execute(self, context: dict[str, Any]) -> str:
        try:
            import papermill
            from papermill.exceptions import PapermillExecutionError
        except ImportError as exc:
            raise NotebookExecutionFailed(
                f"papermill is not installed ({exc}): pip install 'tradewind[notebook]'"
            ) from None

        input_nb = self._resolve_input(context)
        output_nb = self._resolve_output(context)
        output_nb.parent.mkdir(parents=True, exist_ok=True)
        cwd = self.cwd or str(input_nb.parent)
        self.log.info("Executing notebook %s -> %s", input_nb, output_nb)
        self.log.info("Parameters: %s", self.parameters)
        kwargs: dict[str, Any] = {}
        kernel_name = self.kernel_name
        language = self.language
        if kernel_name is None:
            kernel_name, language = "python3", language or "python"
            kwargs["kernel_manager_class"] = current_interpreter_kernel_manager()
        try:
            papermill.execute_notebook(
                str(input_nb),
                str(output_nb),
                parameters=self.parameters,
                kernel_name=kernel_name,
                language=language,
                cwd=cwd,
                progress_bar=False,
                log_output=False,
                start_timeout=self.start_timeout,
                **kwargs,
            )
        except PapermillExecutionError as exc:
            self.log.error("Cell %s failed; the executed notebook is %s", exc.exec_count, output_nb)
            for line in (exc.traceback or [])[-15:]:
                self.log.error("%s", _strip_ansi(line))
            raise NotebookExecutionFailed(
                f"notebook {input_nb.name} failed in cell {exc.exec_count}: {exc.ename}: {exc.evalue} "
                f"(executed notebook: {output_nb})"
            ) from None
        self.log.info("Executed notebook written to %s", output_nb)
        return str(output_nb)

    def _resolve_output(self, context: dict[str, Any]) -> Path:
        if self.output_nb:
            return Path(self.output_nb).expanduser()
        from tradewind.config import tradewind_home

        run_id = str(context.get("run_id") or "no-run")
        return tradewind_home() / "notebooks" / _dag_id(self, context) / run_id / f"{self.task_id}.ipynb"

    def _resolve_input(self, context: dict[str, Any]) -> Path:
        """A relative `input_nb` is looked up beside the DAG file (as template files are)."""
        path = Path(self.input_nb).expanduser()
        if not path.is_absolute():
            fileloc = getattr(_dag(self, context), "fileloc", None)
            if fileloc:
                path = Path(fileloc).resolve().parent / path
        if not path.is_file():
            raise NotebookExecutionFailed(f"input notebook {path} does not exist")
        return path


class NotebookOperator(PapermillOperator):
    """Another name for PapermillOperator (the seed says "train a model using a Jupyter notebook")."""


def _dag(task: BaseOperator, context: dict[str, Any]) -> Any:
    """The running DAG (from the context), else the one the task was defined in."""
    return context.get("dag") or task.dag


def _dag_id(task: BaseOperator, context: dict[str, Any]) -> str:
    return str(getattr(_dag(task, context), "dag_id", None) or "no-dag")


def _strip_ansi(text: str) -> str:
    import re

    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def current_interpreter_kernel_manager() -> type:
    """A jupyter KernelManager class whose kernel is ipykernel on `sys.executable`.

    A `python3` kernelspec registered in the user's Jupyter folders could point at another
    Python, without the task's packages; this one ignores every registered kernelspec.
    """
    from jupyter_client.kernelspec import KernelSpec
    from jupyter_client.manager import AsyncKernelManager

    class CurrentInterpreterKernelManager(AsyncKernelManager):
        @property
        def kernel_spec(self) -> KernelSpec:
            if self._kernel_spec is None:
                self._kernel_spec = KernelSpec(
                    argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                    display_name=f"Python {sys.version_info[0]}.{sys.version_info[1]} (task interpreter)",
                    language="python",
                    resource_dir="",
                )
            return self._kernel_spec

    return CurrentInterpreterKernelManager
