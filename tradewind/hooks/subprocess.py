"""`SubprocessHook`: Airflow's hook for running a command from Python code (`airflow.hooks.subprocess`).

The command runs in its own process group with its output logged line by line, exactly as a
BashOperator's (they share `BashProcess`); `send_sigterm()` ends the whole tree.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from typing import Any, NamedTuple

from tradewind.hooks.base import BaseHook
from tradewind.operators.bash import BashProcess


class SubprocessResult(NamedTuple):
    """The exit code and the last line of output, as Airflow's hook returns them."""

    exit_code: int
    output: str


class SubprocessHook(BashProcess, BaseHook):
    """`SubprocessHook().run_command(["bash", "-c", "echo hi"])` → `SubprocessResult(0, "hi")`."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)

    def run_command(
        self,
        command: Sequence[str],
        env: dict[str, str] | None = None,
        output_encoding: str = "utf-8",
        cwd: str | None = None,
    ) -> SubprocessResult:
        """Run `command` (argv); without `cwd`, in a fresh temporary directory, as Airflow's hook."""
        self.log.info("Running command: %s", list(command))
        if cwd is not None:
            code, last = self.run_process(command, env=env, cwd=cwd, encoding=output_encoding)
        else:
            with tempfile.TemporaryDirectory(prefix="tradewind_subprocess") as tmp:
                code, last = self.run_process(command, env=env, cwd=tmp, encoding=output_encoding)
        self.log.info("Command exited with return code %s", code)
        return SubprocessResult(exit_code=code, output=last)

    def send_sigterm(self) -> None:
        """End the running command and its children (SIGTERM, then SIGKILL after 5 s)."""
        self.on_kill()
