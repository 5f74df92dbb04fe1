"""`EventsTimetable`: runs at a fixed list of instants (irregular but known ahead, like match days).

Each run's data interval is its event's instant. Without catchup only events from now on are
scheduled; `restrict_to_events` makes a manual run cover the latest event at or before its date.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from tradewind.timetables.base import DagRunInfo, DataInterval, TimeRestriction, Timetable, as_utc, current_time


class EventsTimetable(Timetable):
    """Airflow's `airflow.timetables.events.EventsTimetable` (duplicates ignored, naive dates read as UTC).

    `presorted` is accepted for compatibility; the dates are always sorted here.
    """

    def __init__(
        self,
        event_dates: Iterable[datetime],
        restrict_to_events: bool = False,
        presorted: bool = False,
        description: str | None = None,
    ) -> None:
        dates = sorted(
            {datetime.fromisoformat(as_utc(d).isoformat()) for d in event_dates}
        )  # stdlib, even from pendulum
        self.event_dates = dates
        self.restrict_to_events = restrict_to_events
        self.periodic = len(dates) > 1
        self._custom_description = description
        if description is None:
            self.description = f"{len(dates)} events between {dates[0]} and {dates[-1]}" if dates else "No events"
            self._summary = f"{len(dates)} events"
        else:
            self.description = self._summary = description

    @property
    def summary(self) -> str:
        return self._summary

    def next_dagrun_info(
        self,
        *,
        last_automated_data_interval: DataInterval | None,
        restriction: TimeRestriction,
        now: datetime | None = None,
    ) -> DagRunInfo | None:
        earliest = as_utc(restriction.earliest) if restriction.earliest is not None else None
        if not restriction.catchup:
            moment = current_time(now)
            earliest = moment if earliest is None or moment > earliest else earliest
        after = as_utc(last_automated_data_interval.end) if last_automated_data_interval is not None else None
        for event in self.event_dates:
            if (earliest is None or event >= earliest) and (after is None or event > after):
                break
        else:
            return None
        if restriction.latest is not None and event > as_utc(restriction.latest):
            return None
        return DagRunInfo.exact(event)

    def infer_manual_data_interval(self, *, run_after: datetime) -> DataInterval:
        if not self.restrict_to_events or not self.event_dates:
            return DataInterval.exact(run_after)
        at = as_utc(run_after)
        past = [event for event in self.event_dates if event <= at]
        return DataInterval.exact(past[-1] if past else self.event_dates[0])

    def serialize(self) -> dict[str, Any]:
        return {
            "type": "events",
            "event_dates": [d.isoformat() for d in self.event_dates],
            "restrict_to_events": self.restrict_to_events,
            "description": self._custom_description,
        }
