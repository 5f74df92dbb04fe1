"""BashOperator: run a shell command or a `.sh` template; its last stdout line is the XCom."""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Iterable, Sequence
from typing import Any, ClassVar

from tradewind.exceptions import SkipTask, TradewindException
from tradewind.sdk.baseoperator import BaseOperator


class BashCommandFailed(TradewindException):
    """The command exited with a non-zero code that is not a skip code."""


class BashProcess:
    """Runs one bash command in its own process group, logging its output; `on_kill` ends the whole tree.

    Shared by BashOperator and BashSensor.
    """

    _proc: subprocess.Popen[bytes] | None = None
    log: Any

    def run_bash(self, command: str, *, env: dict[str, str] | None, cwd: str | None, encoding: str) -> tuple[int, str]:
        """(exit code, last line of output) of `bash -c command`."""
        return self.run_process(["bash", "-c", command], env=env, cwd=cwd, encoding=encoding)

    def run_process(
        self, argv: Sequence[str], *, env: dict[str, str] | None, cwd: str | None, encoding: str
    ) -> tuple[int, str]:
        """(exit code, last line of output) of the command `argv`, its output logged line by line."""
        self._proc = subprocess.Popen(
            list(argv),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            cwd=cwd,
            env=env,
            start_new_session=True,  # its own process group, so a timeout kills the whole tree
        )
        last_line = ""
        try:
            assert self._proc.stdout is not None
            for raw in self._proc.stdout:
                line = raw.decode(encoding, errors="backslashreplace").rstrip("\n")
                self.log.info(line)
                last_line = line
            code = self._proc.wait()
        finally:
            self.on_kill()
        return code, last_line

    def on_kill(self) -> None:
        proc = self._proc
        if proc is not None and proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(timeout=5)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            proc.wait()


class BashOperator(BashProcess, BaseOperator):
    template_fields: ClassVar[Sequence[str]] = ("bash_command", "env", "cwd")
    template_ext = (".sh", ".bash")
    template_fields_renderers = {"bash_command": "bash", "env": "json"}
    ui_color = "#f0ede4"

    def __init__(
        self,
        *,
        bash_command: str,
        env: dict[str, str] | None = None,
        append_env: bool = False,
        output_encoding: str = "utf-8",
        skip_on_exit_code: int | Iterable[int] | None = 99,
        cwd: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.bash_command = bash_command
        self.env = env
        self.append_env = append_env
        self.output_encoding = output_encoding
        self.skip_on_exit_code = (
            ()
            if skip_on_exit_code is None
            else (skip_on_exit_code,)
            if isinstance(skip_on_exit_code, int)
            else tuple(skip_on_exit_code)
        )
        self.cwd = cwd

    def _environment(self, context: dict[str, Any]) -> dict[str, str]:
        from tradewind.runtime.context import context_to_env

        if self.env is None:
            env = dict(os.environ)
        elif self.append_env:
            env = {**os.environ, **self.env}
        else:
            env = dict(self.env)
        env.update(context_to_env(context))
        return {k: str(v) for k, v in env.items()}

    def execute(self, context: dict[str, Any]) -> str | None:
        if self.cwd is not None and not os.path.isdir(self.cwd):
            raise BashCommandFailed(f"cwd {self.cwd!r} does not exist or is not a directory")
        code, last_line = self.run_bash(
            self.bash_command, env=self._environment(context), cwd=self.cwd, encoding=self.output_encoding
        )
        if code in self.skip_on_exit_code:
            raise SkipTask(f"bash command exited with skip code {code}")
        if code != 0:
            raise BashCommandFailed(f"bash command failed: exit code {code}")
        return last_line if self.do_xcom_push else None
