"""`BaseSensorOperator`: poke until a condition holds, in one process (poke) or across slots (reschedule).

Poke mode sleeps between pokes inside the task's process, holding its executor slot. Reschedule
mode pokes once per run and, when not done, raises `RescheduleTask`: the task instance goes to
up_for_reschedule with the same try number, the slot is free, and the scheduler queues it again
at the reschedule date. With `deferrable=True`, a sensor that has a trigger (`trigger_for`) pokes
once and, when not done, defers on it (see `runtime/deferral.py`). The sensor's `timeout` counts
from its first poke in either mode (in reschedule mode, from the first `task_reschedule` row of the
try, or of the first try since a clear).
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from typing import Any

from tradewind.exceptions import (
    DagDefinitionError,
    FailTask,
    RescheduleTask,
    SensorTimeout,
    SkipTask,
    TaskTimeout,
)
from tradewind.sdk.baseoperator import BaseOperator, Context
from tradewind.triggers.base import BaseTrigger

__all__ = ["BaseSensorOperator", "PokeReturnValue"]

MODES = ("poke", "reschedule")


class PokeReturnValue:
    """What `poke` may return instead of a bool: done or not, and the value to push as XCom once done."""

    def __init__(self, is_done: bool, xcom_value: Any = None) -> None:
        self.is_done = is_done
        self.xcom_value = xcom_value

    def __bool__(self) -> bool:
        return bool(self.is_done)

    def __repr__(self) -> str:
        return f"PokeReturnValue(is_done={self.is_done!r}, xcom_value={self.xcom_value!r})"


def _seconds(value: timedelta | float | int, name: str, task_id: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (timedelta, int, float)):
        raise DagDefinitionError(
            f"{name} of sensor {task_id} must be a number of seconds or a timedelta, got {value!r}"
        )
    seconds = value.total_seconds() if isinstance(value, timedelta) else float(value)
    if seconds < 0:
        raise DagDefinitionError(f"{name} of sensor {task_id} must be >= 0, got {value!r}")
    return seconds


class BaseSensorOperator(BaseOperator):
    """Subclass and implement `poke(context)`; it returns True (or a done `PokeReturnValue`) when satisfied."""

    ui_color = "#e6f1f2"

    def __init__(
        self,
        *,
        poke_interval: timedelta | float = 60,
        timeout: timedelta | float = 7 * 24 * 3600,
        soft_fail: bool = False,
        mode: str = "poke",
        exponential_backoff: bool = False,
        max_wait: timedelta | float | None = None,
        silent_fail: bool = False,
        deferrable: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.deferrable = deferrable
        self.poke_interval = _seconds(poke_interval, "poke_interval", self.task_id)
        self.timeout = _seconds(timeout, "timeout", self.task_id)
        self.max_wait = None if max_wait is None else _seconds(max_wait, "max_wait", self.task_id)
        if mode not in MODES:
            raise DagDefinitionError(f"mode of sensor {self.task_id} must be one of {', '.join(MODES)}, not {mode!r}")
        self.mode = mode
        self.soft_fail = soft_fail
        self.silent_fail = silent_fail
        self.exponential_backoff = exponential_backoff

    @property
    def reschedule(self) -> bool:
        return self.mode == "reschedule"

    def poke(self, context: Context) -> bool | PokeReturnValue:
        """Check the condition once; subclasses implement it."""
        raise NotImplementedError(f"{type(self).__name__} must implement poke()")

    def trigger_for(self, context: Context) -> BaseTrigger | None:
        """What this sensor waits on when `deferrable` (instead of poking); None: it cannot defer, and pokes."""
        return None

    def execute_complete(self, context: Context, event: Any = None) -> None:
        """Where a deferred sensor resumes: its trigger fired, so its condition holds."""
        self.log.info("Trigger fired (%r); success criteria met.", event)

    # --- the loop --------------------------------------------------------------------------
    def execute(self, context: Context) -> Any:
        if self.deferrable and (trigger := self.trigger_for(context)) is not None:
            result = self._poke_once(context)
            if not result:
                self.defer(trigger=trigger, method_name="execute_complete", timeout=timedelta(seconds=self.timeout))
            return result.xcom_value if isinstance(result, PokeReturnValue) else None
        started_at, poke_count = self._started(context)
        while True:
            result = self._poke_once(context)
            if result:
                self.log.info("Success criteria met. Exiting.")
                return result.xcom_value if isinstance(result, PokeReturnValue) else None
            waited = (_now() - started_at).total_seconds()
            if waited > self.timeout:
                message = (
                    f"Sensor has timed out; run duration of {waited:.1f} s exceeds the timeout of {self.timeout:g} s."
                )
                if self.soft_fail:
                    raise SkipTask(message)
                raise SensorTimeout(message)
            interval = self.next_poke_interval(poke_count, waited)
            if self.reschedule:
                raise RescheduleTask(_now() + timedelta(seconds=interval))
            self.log.info("Condition not met; next poke in %.1f s", interval)
            time.sleep(interval)
            poke_count += 1

    def _started(self, context: Context) -> tuple[datetime, int]:
        """(when this sensor started waiting, how many pokes it has made); see the module docstring."""
        if not self.reschedule:
            return _now(), 1
        from tradewind.runtime import comms
        from tradewind.runtime.protocol import GetFirstPoke

        ti = context["ti"]
        # first try since the last clear: clearing gives back `retries` tries on top of try_number
        first_try = max(1, ti.max_tries - self.retries + 1)
        first, count = comms.request(GetFirstPoke(ti.dag_id, ti.run_id, ti.task_id, ti.map_index, first_try))
        return (first or ti.start_date or _now()), count + 1

    def _poke_once(self, context: Context) -> bool | PokeReturnValue:
        """One poke, with Airflow's soft_fail / silent_fail handling of what it raises."""
        try:
            return self.poke(context)
        except (SkipTask, RescheduleTask):
            raise
        except (SensorTimeout, TaskTimeout, FailTask) as exc:
            if self.soft_fail:
                raise SkipTask(f"soft_fail: {exc}") from exc
            raise
        except Exception as exc:
            if self.silent_fail:
                self.log.error("Sensor poke failed (silent_fail, poking on): %s: %s", type(exc).__name__, exc)
                return False
            if self.soft_fail:
                raise SkipTask(f"soft_fail: {type(exc).__name__}: {exc}") from exc
            raise

    def next_poke_interval(self, poke_count: int, waited: float) -> float:
        """Seconds until the next poke: poke_interval, or doubling with exponential_backoff (capped by max_wait).

        Never past the timeout, so a sensor about to time out pokes once more at its deadline.
        """
        interval = self.poke_interval
        if self.exponential_backoff:
            interval = max(self.poke_interval, 1.0) * 2.0 ** min(max(poke_count - 1, 0), 60)
            if self.max_wait is not None:
                interval = min(interval, self.max_wait)
        remaining = self.timeout - waited
        return max(0.0, min(interval, remaining + 0.01))


def _now() -> datetime:
    return datetime.now(timezone.utc)


class TriggerArgs:
    """The `…Async` sensors' Airflow-3 trigger arguments: kept on the sensor (so files import), not acted on."""

    start_from_trigger: bool
    end_from_trigger: bool
    trigger_kwargs: dict[str, Any] | None

    def keep_trigger_args(self, start: bool, end: bool, trigger_kwargs: dict[str, Any] | None) -> None:
        self.start_from_trigger, self.end_from_trigger, self.trigger_kwargs = start, end, trigger_kwargs
