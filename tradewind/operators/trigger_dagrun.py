"""TriggerDagRunOperator: start a run of another DAG, optionally wait for it to finish.

The run is created through `tradewind.scheduler.trigger.trigger_dag`, exactly as `dags trigger`
and the REST API create one (conf validated against the target's params, scheduler woken).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from tradewind.exceptions import DagDefinitionError, DagRunAlreadyExists, SkipTask, TriggeredDagRunFailed, UsageError
from tradewind.sdk.baseoperator import BaseOperator
from tradewind.states import DagRunState
from tradewind.timetables.base import as_utc, parse_iso

__all__ = ["TriggerDagRunOperator", "XCOM_EXECUTION_DATE_ISO", "XCOM_LOGICAL_DATE_ISO", "XCOM_RUN_ID"]

XCOM_LOGICAL_DATE_ISO = "trigger_logical_date_iso"
#: Airflow 2's key (until 2.10) for the same date: DAG files written for it pull this one.
XCOM_EXECUTION_DATE_ISO = "trigger_execution_date_iso"
XCOM_RUN_ID = "trigger_run_id"


class TriggerDagRunOperator(BaseOperator):
    """Trigger a run of `trigger_dag_id` (Airflow's operator, same arguments and XComs).

    Pushes the run's id as XCom `trigger_run_id` (and its logical date as `trigger_logical_date_iso`,
    and under Airflow 2's older key `trigger_execution_date_iso`).
    With `wait_for_completion`, checks the run's state every `poke_interval` seconds: the task
    succeeds when it reaches one of `allowed_states` and fails when it reaches one of `failed_states`.
    `reset_dag_run` clears an existing run with the same run id / logical date instead of failing;
    `skip_when_already_exists` skips the task in that case.
    """

    template_fields = ("trigger_dag_id", "trigger_run_id", "logical_date", "conf")
    template_fields_renderers = {"conf": "py"}
    ui_color = "#ffefeb"

    def __init__(
        self,
        *,
        trigger_dag_id: str,
        trigger_run_id: str | None = None,
        conf: dict[str, Any] | None = None,
        logical_date: str | datetime | None = None,
        reset_dag_run: bool = False,
        wait_for_completion: bool = False,
        poke_interval: float = 60,
        allowed_states: Iterable[str] | None = None,
        failed_states: Iterable[str] | None = None,
        skip_when_already_exists: bool = False,
        deferrable: bool = False,
        execution_date: str | datetime | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        _check_arguments(
            self.task_id, conf, logical_date if logical_date is not None else execution_date, poke_interval
        )
        self.trigger_dag_id = trigger_dag_id
        self.trigger_run_id = trigger_run_id
        self.conf = conf
        self.logical_date = logical_date if logical_date is not None else execution_date  # Airflow 2's older name
        self.reset_dag_run = reset_dag_run
        self.wait_for_completion = wait_for_completion
        self.poke_interval = float(poke_interval)
        self.allowed_states = _states(allowed_states, [DagRunState.SUCCESS.value])
        self.failed_states = _states(failed_states, [DagRunState.FAILED.value])
        self.skip_when_already_exists = skip_when_already_exists
        self.deferrable = deferrable  # accepted for Airflow DAG files; waiting always polls here

    def execute(self, context: dict[str, Any]) -> None:
        from tradewind.actions.runs import check_run_id
        from tradewind.runtime import comms
        from tradewind.runtime.protocol import TriggerDagRun

        logical_date = _parse_logical_date(self.logical_date)
        conf = dict(self.conf or {})
        try:
            json.dumps(conf)
        except (TypeError, ValueError):
            raise UsageError("conf of TriggerDagRunOperator must be JSON serializable") from None
        run_id = check_run_id(str(self.trigger_run_id)) if self.trigger_run_id else None  # the UI's, API's, CLI's rule
        try:
            dag_run = comms.request(TriggerDagRun(self.trigger_dag_id, conf, run_id, logical_date))
        except DagRunAlreadyExists:
            if self.reset_dag_run:
                dag_run = self._reset(run_id, logical_date)
            elif self.skip_when_already_exists:
                raise SkipTask(
                    f"a run of {self.trigger_dag_id} already exists and skip_when_already_exists is set"
                ) from None
            else:
                raise
        self.log.info("Triggered %s: run %s", self.trigger_dag_id, dag_run.run_id)
        ti = context["ti"]
        ti.xcom_push(XCOM_LOGICAL_DATE_ISO, dag_run.logical_date.isoformat())
        ti.xcom_push(XCOM_EXECUTION_DATE_ISO, dag_run.logical_date.isoformat())
        ti.xcom_push(XCOM_RUN_ID, dag_run.run_id)
        if self.wait_for_completion:
            self._wait(dag_run.run_id)

    def _reset(self, run_id: str | None, logical_date: datetime | None) -> Any:
        """Airflow's reset_dag_run: clear the clashing run so that it runs again from the start."""
        from tradewind.runtime import comms
        from tradewind.runtime.protocol import ClearDagRun, FindDagRun, GetDagRun

        existing = comms.request(GetDagRun(self.trigger_dag_id, run_id)) if run_id else None
        if existing is None and logical_date is not None:
            existing = comms.request(FindDagRun(self.trigger_dag_id, logical_date))
        if existing is None:
            raise DagRunAlreadyExists(f"cannot find the existing run of {self.trigger_dag_id} to reset")
        self.log.info("Clearing run %s of %s", existing.run_id, self.trigger_dag_id)
        comms.request(ClearDagRun(self.trigger_dag_id, existing.run_id))
        return existing

    def _wait(self, run_id: str) -> None:
        from tradewind.runtime import comms
        from tradewind.runtime.protocol import GetDagRun

        while True:
            self.log.info("Waiting for run %s of %s to reach %s ...", run_id, self.trigger_dag_id, self.allowed_states)
            time.sleep(self.poke_interval)
            run = comms.request(GetDagRun(self.trigger_dag_id, run_id))
            if run is None:
                raise TriggeredDagRunFailed(f"run {run_id} of {self.trigger_dag_id} was deleted while waiting for it")
            if run.state in self.failed_states:
                raise TriggeredDagRunFailed(f"{self.trigger_dag_id} run {run_id} ended in failed state {run.state}")
            if run.state in self.allowed_states:
                self.log.info("%s run %s finished in allowed state %s", self.trigger_dag_id, run_id, run.state)
                return
            if run.state in (DagRunState.SUCCESS, DagRunState.FAILED):
                raise TriggeredDagRunFailed(
                    f"{self.trigger_dag_id} run {run_id} ended in state {run.state}, "
                    f"which is in neither allowed_states {self.allowed_states} nor failed_states {self.failed_states}"
                )


def _check_arguments(task_id: str, conf: Any, logical_date: Any, poke_interval: Any) -> None:
    """As Airflow, reject what can never work when the DAG file loads, not when the task runs."""
    try:
        json.dumps(conf)
    except (TypeError, ValueError):
        raise DagDefinitionError(f"conf of {task_id} must be JSON serializable (templated strings are)") from None
    if logical_date is not None and not isinstance(logical_date, (str, datetime)):
        raise DagDefinitionError(
            f"logical_date of {task_id} must be a datetime or an ISO 8601 string, not {type(logical_date).__name__}"
        )
    if isinstance(poke_interval, bool) or not isinstance(poke_interval, (int, float)) or poke_interval < 0:
        raise DagDefinitionError(f"poke_interval of {task_id} must be a number of seconds >= 0, got {poke_interval!r}")


def _states(given: Iterable[str] | None, default: list[str]) -> list[str]:
    if given is None:
        return default
    if isinstance(given, str):
        return [given]
    return [getattr(s, "value", s) for s in given]


def _parse_logical_date(value: str | datetime | None) -> datetime | None:
    """A datetime or ISO 8601 string (templated), as aware UTC; None means now (trigger_dag decides)."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return parse_iso(value, "logical_date")
    if not isinstance(value, datetime):
        raise UsageError(f"logical_date must be a datetime or an ISO 8601 string, not {type(value).__name__}")
    return as_utc(value)
