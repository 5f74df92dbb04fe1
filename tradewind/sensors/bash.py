"""`BashSensor`: poke by running a bash command until it exits 0."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from typing import Any, ClassVar

from tradewind.exceptions import FailTask
from tradewind.operators.bash import BashProcess
from tradewind.sdk.baseoperator import Context
from tradewind.sensors.base import BaseSensorOperator

__all__ = ["BashSensor"]


class BashSensor(BashProcess, BaseSensorOperator):
    """Exit 0 is done; any other code pokes again, unless `retry_exit_code` is set: then only that
    code pokes again and any other fails the task (Airflow's rule). Runs in a fresh temporary directory."""

    template_fields: ClassVar[Sequence[str]] = ("bash_command", "env")

    def __init__(
        self,
        *,
        bash_command: str,
        env: dict[str, str] | None = None,
        output_encoding: str = "utf-8",
        retry_exit_code: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.bash_command = bash_command
        self.env = env
        self.output_encoding = output_encoding
        self.retry_exit_code = retry_exit_code

    def poke(self, context: Context) -> bool:
        with tempfile.TemporaryDirectory(prefix="tradewindtmp") as tmp_dir:
            code, _ = self.run_bash(self.bash_command, env=self.env, cwd=tmp_dir, encoding=self.output_encoding)
        self.log.info("Command exited with return code %s", code)
        if code == 0:
            return True
        if self.retry_exit_code is None:
            self.log.info("Non-zero return code and no retry code set, will retry later")
            return False
        if code == self.retry_exit_code:
            self.log.info("Return code matches retry code, will retry later")
            return False
        raise FailTask(f"Command exited with return code {code}")
