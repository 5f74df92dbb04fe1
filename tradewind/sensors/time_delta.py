"""`TimeDeltaSensor`: wait until `delta` after the run's data interval ends; `TimeSensor`: until a time of day.

The `…Async` forms are Airflow's deferrable versions; Tradewind has no triggerer yet, so they poke
like the sync forms (in poke mode, holding a slot) and ignore the trigger-only arguments.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from typing import Any

from tradewind.exceptions import DagDefinitionError
from tradewind.sdk.baseoperator import Context
from tradewind.sensors.base import BaseSensorOperator

__all__ = ["TimeDeltaSensor", "TimeDeltaSensorAsync", "TimeSensor", "TimeSensorAsync"]


class TimeDeltaSensor(BaseSensorOperator):
    """Done once now > data_interval_end + delta (the run's interval end: its schedule tick)."""

    def __init__(self, *, delta: timedelta, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not isinstance(delta, timedelta):
            raise DagDefinitionError(f"delta of {self.task_id} must be a timedelta, not {type(delta).__name__}")
        self.delta = delta

    def poke(self, context: Context) -> bool:
        target = context["data_interval_end"] + self.delta
        self.log.info("Checking if the time (%s) has come", target.isoformat())
        return datetime.now(timezone.utc) > target


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
        tz = getattr(context.get("dag"), "timezone", None) or timezone.utc
        now = datetime.now(timezone.utc).astimezone(tz)
        self.log.info("Checking if the time (%s) has come", self.target_time)
        return now.time() > self.target_time


class TimeDeltaSensorAsync(TimeDeltaSensor):
    """Airflow's deferrable TimeDeltaSensor; pokes as the sync form until Tradewind has a triggerer."""

    def __init__(self, *, end_from_trigger: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.end_from_trigger = end_from_trigger


class TimeSensorAsync(TimeSensor):
    """Airflow's deferrable TimeSensor; pokes as the sync form until Tradewind has a triggerer."""

    def __init__(
        self,
        *,
        start_from_trigger: bool = False,
        end_from_trigger: bool = False,
        trigger_kwargs: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.start_from_trigger = start_from_trigger
        self.end_from_trigger = end_from_trigger
        self.trigger_kwargs = trigger_kwargs
