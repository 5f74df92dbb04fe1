"""Cron that runs *at* each tick (POSIX cron, Airflow 3's default for cron schedules).

The run for the 00:00 tick is created at 00:00, not a period later, and its data interval is
`[tick - interval, tick]` (zero-length by default), so its logical date is the tick itself.
Semantics follow Airflow 2.11's `CronTriggerTimetable`.
"""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo
from typing import Any

from tradewind.exceptions import InvalidScheduleError
from tradewind.timetables import delta as deltas
from tradewind.timetables.base import DagRunInfo, DataInterval, TimeRestriction, Timetable, as_utc, current_time
from tradewind.timetables.cron import CronBacked, CronSchedule


class CronTriggerTimetable(CronBacked, Timetable):  # type: ignore[override]  # description: property
    """Runs at each cron tick; `interval` optionally gives each run a look-back data interval.

    `run_immediately` only matters with no start_date: True runs the tick just passed, False
    waits for the next one, a timedelta runs the past tick if it was at most that long ago;
    the default (False) means "the past tick if within 10% of the period (min. 5 minutes)".
    """

    def __init__(
        self,
        cron: str,
        *,
        timezone: str | tzinfo = "UTC",
        interval: Any = timedelta(0),
        run_immediately: bool | timedelta = False,
    ) -> None:
        self._cron = CronSchedule(cron, timezone)
        if not isinstance(interval, timedelta) and not deltas.is_relativedelta(interval):
            raise InvalidScheduleError(f"invalid interval {interval!r}: expected a timedelta or relativedelta")
        self._interval = interval
        self._run_immediately = run_immediately

    def serialize(self) -> dict[str, Any]:
        run_immediately: bool | timedelta | dict[str, float] = self._run_immediately
        if isinstance(run_immediately, timedelta):
            run_immediately = {"seconds": run_immediately.total_seconds()}
        return {
            "type": "cron_trigger",
            **self._cron.serialize(),
            "interval": deltas.encode(self._interval),
            "run_immediately": run_immediately,
        }

    def _start_of(self, tick: datetime) -> datetime:
        return deltas.subtract(tick, self._interval)

    def infer_manual_data_interval(self, *, run_after: datetime) -> DataInterval:
        end = as_utc(run_after)
        return DataInterval(self._start_of(end), end)

    def _next_run(
        self, last: DataInterval | None, restriction: TimeRestriction, now: datetime | None
    ) -> DagRunInfo | None:
        cron = self._cron
        earliest = restriction.start
        last_end = as_utc(last.end) if last is not None else None
        if restriction.catchup:
            if last_end is not None:
                tick = cron.next_after(last_end)
            elif earliest is None:
                tick = self._first_tick(current_time(now))
            else:
                tick = cron.align_to_next(earliest)
        else:
            current = current_time(now)
            candidates = [cron.align_to_prev(current)]  # the tick just passed runs, older ones are skipped
            if last_end is not None:
                candidates.append(cron.next_after(last_end))
            elif earliest is None:
                candidates.append(self._first_tick(current))
            if earliest is not None:
                candidates.append(cron.align_to_next(earliest))
            tick = max(candidates)
        if restriction.is_past_end(tick):
            return None
        return DagRunInfo(run_after=tick, data_interval=DataInterval(self._start_of(tick), tick))

    def _first_tick(self, now: datetime) -> datetime:
        """With no start_date: the tick just passed or the next one, per `run_immediately`."""
        past, upcoming = self._cron.align_to_prev(now), self._cron.align_to_next(now)
        if self._run_immediately is True:
            return past
        if isinstance(self._run_immediately, timedelta):
            buffer = self._run_immediately
        else:
            buffer = max((upcoming - past) / 10, timedelta(minutes=5))
        return past if now - past <= buffer else upcoming
