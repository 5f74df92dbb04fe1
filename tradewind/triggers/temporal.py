"""`DateTimeTrigger` (fire at a moment) and `TimeDeltaTrigger` (fire a delta from now), as Airflow's."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime, timedelta, timezone
from typing import Any

from tradewind.triggers.base import BaseTrigger, TriggerEvent

__all__ = ["DateTimeTrigger", "TimeDeltaTrigger"]

#: Sleep at most this long at a time, so a clock jump is noticed within the hour (as Airflow).
_MAX_SLEEP = 3600.0


class DateTimeTrigger(BaseTrigger):
    """Yields `TriggerEvent(moment)` once `moment` (timezone-aware) has passed."""

    def __init__(self, moment: datetime | str, *, end_from_trigger: bool = False) -> None:
        super().__init__()
        if isinstance(moment, str):
            moment = datetime.fromisoformat(moment)
        if not isinstance(moment, datetime):
            raise TypeError(f"moment must be a datetime, not {type(moment).__name__}")
        if moment.tzinfo is None:
            raise ValueError("moment must be timezone-aware")
        self.moment = moment
        self.end_from_trigger = end_from_trigger

    def serialize(self) -> tuple[str, dict[str, Any]]:
        return (
            "tradewind.triggers.temporal.DateTimeTrigger",
            {"moment": self.moment.isoformat(), "end_from_trigger": self.end_from_trigger},
        )

    async def run(self) -> AsyncIterator[TriggerEvent]:
        while (remaining := (self.moment - datetime.now(timezone.utc)).total_seconds()) > 0:
            await asyncio.sleep(min(remaining, _MAX_SLEEP))
        self.log.info("Trigger fired: %s has passed", self.moment.isoformat())
        yield TriggerEvent(self.moment.isoformat())


class TimeDeltaTrigger(DateTimeTrigger):
    """A DateTimeTrigger `delta` from when it was created (so it serializes as a DateTimeTrigger)."""

    def __init__(self, delta: timedelta, *, end_from_trigger: bool = False) -> None:
        super().__init__(datetime.now(timezone.utc) + delta, end_from_trigger=end_from_trigger)
