"""`TimeDeltaSensor`: wait until `delta` after the run's data interval ends; `TimeSensor`: until a time of day.

With `deferrable=True` they wait on a `DateTimeTrigger` instead of poking; the `…Async` forms are
Airflow's always-deferrable versions.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from typing import Any

from tradewind.exceptions import DagDefinitionError
from tradewind.sdk.baseoperator import Context
from tradewind.sensors.base import BaseSensorOperator, TriggerArgs
from tradewind.triggers.base import BaseTrigger
from tradewind.triggers.temporal import DateTimeTrigger

__all__ = ["TimeDeltaSensor", "TimeDeltaSensorAsync", "TimeSensor", "TimeSensorAsync"]


class TimeDeltaSensor(BaseSensorOperator):
    """Done once now > data_interval_end + delta (the run's interval end: its schedule tick)."""

    def __init__(self, *, delta: timedelta, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not isinstance(delta, timedelta):
            raise DagDefinitionError(f"delta of {self.task_id} must be a timedelta, not {type(delta).__name__}")
        self.delta = delta

    def poke(self, context: Context) -> bool:
        target = self._target(context)
        self.log.info("Checking if the time (%s) has come", target.isoformat())
        return datetime.now(timezone.utc) > target

    def _target(self, context: Context) -> datetime:
        return context["data_interval_end"] + self.delta

    def trigger_for(self, context: Context) -> BaseTrigger:
        return DateTimeTrigger(self._target(context))


class TimeSensor(BaseSensorOperator):
    """Done once the time of day in the DAG's timezone is past `target_time` (Airflow 2's TimeSensor)."""

    def __init__(self, *, target_time: time, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not isinstance(target_time, time):
            raise DagDefinitionError(
                f"target_time of {self.task_id} must be a datetime.time, not {type(target_time).__name__}"
            )
        self.target_time = target_time

    def poke(self, context: Context) -> bool:
        self.log.info("Checking if the time (%s) has come", self.target_time)
        return _local_now(context).time() > self.target_time

    def trigger_for(self, context: Context) -> BaseTrigger:
        """Today's target time in the DAG's timezone (the poke has found it not yet passed)."""
        now = _local_now(context)
        return DateTimeTrigger(datetime.combine(now.date(), self.target_time, tzinfo=now.tzinfo))


def _local_now(context: Context) -> datetime:
    tz = getattr(context.get("dag"), "timezone", None) or timezone.utc
    return datetime.now(timezone.utc).astimezone(tz)


class TimeDeltaSensorAsync(TimeDeltaSensor):
    """Airflow's deferrable TimeDeltaSensor: waits on a DateTimeTrigger."""

    def __init__(self, *, end_from_trigger: bool = False, deferrable: bool = True, **kwargs: Any) -> None:
        super().__init__(deferrable=deferrable, **kwargs)
        self.end_from_trigger = end_from_trigger


class TimeSensorAsync(TriggerArgs, TimeSensor):
    """Airflow's deferrable TimeSensor: waits on a DateTimeTrigger."""

    def __init__(
        self,
        *,
        start_from_trigger: bool = False,
        end_from_trigger: bool = False,
        trigger_kwargs: dict[str, Any] | None = None,
        deferrable: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(deferrable=deferrable, **kwargs)
        self.keep_trigger_args(start_from_trigger, end_from_trigger, trigger_kwargs)
