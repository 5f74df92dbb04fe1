"""Airflow 2's data-interval timetables: a run covers `[start, end)` and is created after `end`.

`schedule="@daily"` or a cron string gives `CronDataIntervalTimetable`; a `timedelta` gives
`DeltaDataIntervalTimetable`. The rules (alignment of start_date, catchup=False skipping to the
latest complete interval, manual runs covering the last complete period) follow Airflow 2.11,
including its "legacy" catchup=False behaviour (`catchup_false_no_dagrun_airflow_2_fix` off).
"""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo
from typing import Any

from tradewind.timetables import delta as deltas
from tradewind.timetables.base import UTC, DagRunInfo, DataInterval, TimeRestriction, Timetable, as_utc, current_time
from tradewind.timetables.cron import CronBacked, CronSchedule


class _DataIntervalTimetable(Timetable):
    """Shared scheduling loop; subclasses say how to step, align and skip ahead."""

    def _get_next(self, current: datetime) -> datetime:
        raise NotImplementedError

    def _get_prev(self, current: datetime) -> datetime:
        raise NotImplementedError

    def _align_to_next(self, current: datetime) -> datetime:
        raise NotImplementedError

    def _align_to_prev(self, current: datetime) -> datetime:
        raise NotImplementedError

    def _skip_to_latest(self, earliest: datetime | None, now: datetime) -> datetime:
        """Where scheduling starts when catchup=False: the latest complete interval before `now`."""
        raise NotImplementedError

    def _next_run(
        self, last: DataInterval | None, restriction: TimeRestriction, now: datetime | None
    ) -> DagRunInfo | None:
        earliest = restriction.start
        if not restriction.catchup:
            earliest = self._skip_to_latest(earliest, current_time(now))
        elif earliest is not None:
            earliest = self._align_to_next(earliest)
        if last is None:
            if earliest is None:
                return None  # no start_date: nothing to schedule from
            start = earliest
        else:
            # Re-align in case the schedule changed since the last run.
            start = self._align_to_prev(as_utc(last.end))
            if earliest is not None:
                start = max(start, earliest)
        if restriction.is_past_end(start):
            return None
        return DagRunInfo.interval(start=start, end=self._get_next(start))


class CronDataIntervalTimetable(CronBacked, _DataIntervalTimetable):  # type: ignore[override]  # description: property
    """Data intervals between consecutive cron ticks, in the DAG's time zone (`schedule="0 0 * * *"`)."""

    def __init__(self, cron: str, timezone: str | tzinfo = "UTC") -> None:
        self._cron = CronSchedule(cron, timezone)

    def serialize(self) -> dict[str, Any]:
        return {"type": "cron_data_interval", **self._cron.serialize()}

    def _get_next(self, current: datetime) -> datetime:
        return self._cron.next_after(current)

    def _get_prev(self, current: datetime) -> datetime:
        return self._cron.prev_before(current)

    def _align_to_next(self, current: datetime) -> datetime:
        return self._cron.align_to_next(current)

    def _align_to_prev(self, current: datetime) -> datetime:
        return self._cron.align_to_prev(current)

    def _skip_to_latest(self, earliest: datetime | None, now: datetime) -> datetime:
        # Start one full period back, so the run created now covers a period that has ended.
        last_start = self._get_prev(now)
        next_start = self._get_next(last_start)
        new_start = last_start if next_start == now else self._get_prev(last_start)
        if earliest is None:
            return new_start
        return max(new_start, self._align_to_next(earliest))

    def infer_manual_data_interval(self, *, run_after: datetime) -> DataInterval:
        # The last complete period: a @daily run triggered at 01:00 on the 25th covers 24th -> 25th.
        end = self._align_to_prev(as_utc(run_after))
        return DataInterval(start=self._get_prev(end), end=end)


class DeltaDataIntervalTimetable(_DataIntervalTimetable):
    """Back-to-back intervals of a fixed length from start_date (`schedule=timedelta(hours=6)`)."""

    def __init__(self, delta: Any) -> None:
        if not isinstance(delta, timedelta) and not deltas.is_relativedelta(delta):
            from tradewind.exceptions import InvalidScheduleError

            raise InvalidScheduleError(f"invalid schedule {delta!r}: expected a timedelta or relativedelta")
        deltas.check_positive(delta)
        self._delta = delta

    @property
    def delta(self) -> Any:
        return self._delta

    @property
    def summary(self) -> str:
        return str(self._delta)

    @property
    def description(self) -> str:  # type: ignore[override]
        return deltas.describe(self._delta)

    def serialize(self) -> dict[str, Any]:
        return {"type": "delta_data_interval", "delta": deltas.encode(self._delta)}

    def _get_next(self, current: datetime) -> datetime:
        return deltas.add(current, self._delta)

    def _get_prev(self, current: datetime) -> datetime:
        return deltas.subtract(current, self._delta)

    def _align_to_next(self, current: datetime) -> datetime:
        return current

    def _align_to_prev(self, current: datetime) -> datetime:
        return current

    def _skip_to_latest(self, earliest: datetime | None, now: datetime) -> datetime:
        # Round now down to a multiple of the delta since the epoch, then go back one interval.
        step = deltas.approx_seconds(self._delta)
        stamp = now.timestamp()
        rounded = datetime.fromtimestamp(stamp - stamp % step, tz=UTC)
        next_start = self._get_prev(rounded)
        if earliest is None:
            return next_start
        return max(next_start, earliest)

    def infer_manual_data_interval(self, *, run_after: datetime) -> DataInterval:
        end = as_utc(run_after)
        return DataInterval(start=self._get_prev(end), end=end)
