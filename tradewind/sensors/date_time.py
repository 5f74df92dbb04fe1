"""`DateTimeSensor`: wait until a (templated) date and time has passed."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from tradewind.exceptions import DagDefinitionError
from tradewind.sdk.baseoperator import Context
from tradewind.sensors.base import BaseSensorOperator, TriggerArgs
from tradewind.timetables.base import as_utc
from tradewind.triggers.base import BaseTrigger
from tradewind.triggers.temporal import DateTimeTrigger

__all__ = ["DateTimeSensor", "DateTimeSensorAsync"]


class DateTimeSensor(BaseSensorOperator):
    """Done once now > target_time: a datetime, or an ISO string such as "{{ data_interval_end }}".

    A naive target is taken as UTC.
    """

    template_fields = ("target_time",)

    def __init__(self, *, target_time: str | datetime, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not isinstance(target_time, (str, datetime)):
            raise DagDefinitionError(
                f"target_time of {self.task_id} must be a string or datetime, not {type(target_time).__name__}"
            )
        self.target_time = target_time.isoformat() if isinstance(target_time, datetime) else target_time
        if "{{" not in self.target_time:  # a template is checked once rendered, at poke time
            try:
                datetime.fromisoformat(self.target_time)
            except ValueError:
                raise DagDefinitionError(
                    f"target_time of {self.task_id} is not an ISO 8601 date and time: {self.target_time!r}"
                ) from None

    def poke(self, context: Context) -> bool:
        target = self._target()
        self.log.info("Checking if the time (%s) has come", target.isoformat())
        return datetime.now(timezone.utc) > target

    def _target(self) -> datetime:
        return as_utc(datetime.fromisoformat(str(self.target_time)))

    def trigger_for(self, context: Context) -> BaseTrigger:
        return DateTimeTrigger(self._target())


class DateTimeSensorAsync(TriggerArgs, DateTimeSensor):
    """Airflow's deferrable DateTimeSensor: waits on a DateTimeTrigger."""

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
