"""The contract every timetable fulfils: data intervals, run info, and the restriction a DAG imposes.

Kept free of croniter and of the rest of Tradewind so that the scheduler, the store and the CLI can
import these small value types cheaply.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, NamedTuple

UTC = timezone.utc


def as_utc(value: datetime) -> datetime:
    """Aware datetime in UTC; a naive one is read as UTC (Airflow's `coerce_datetime` rule)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def as_utc_or_none(value: datetime | None) -> datetime | None:
    """`as_utc` for an optional value (an API filter left out stays None)."""
    return as_utc(value) if value is not None else None


def parse_iso(text: str, what: str) -> datetime:
    """ISO 8601 text (`Z` accepted) as aware UTC; anything else is one clear UsageError naming `what`."""
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        from tradewind.exceptions import UsageError

        raise UsageError(
            f"invalid {what} {text!r}: expected ISO 8601, e.g. 2024-03-05 or 2024-03-05T10:00:00+00:00"
        ) from None
    return as_utc(value)


class DataInterval(NamedTuple):
    """The half-open period `[start, end)` of data a DAG run is about."""

    start: datetime
    end: datetime

    @classmethod
    def exact(cls, at: datetime) -> DataInterval:
        """A zero-length interval, for runs that are about an instant rather than a period."""
        at = as_utc(at)
        return cls(at, at)


class DagRunInfo(NamedTuple):
    """What a timetable says about the next run: when it may be created, and what it covers."""

    run_after: datetime
    data_interval: DataInterval

    @property
    def logical_date(self) -> datetime:
        """Airflow 2's rule: a run is named after the start of its data interval."""
        return self.data_interval.start

    @classmethod
    def exact(cls, at: datetime) -> DagRunInfo:
        """A run at `at` covering no time at all (@once, trigger-style timetables)."""
        at = as_utc(at)
        return cls(at, DataInterval(at, at))

    @classmethod
    def interval(cls, start: datetime, end: datetime) -> DagRunInfo:
        """A run covering `[start, end)`, which may be created once `end` has passed."""
        start, end = as_utc(start), as_utc(end)
        return cls(end, DataInterval(start, end))


@dataclass(frozen=True)
class TimeRestriction:
    """Bounds the DAG puts on scheduling: `start_date`, `end_date` and `catchup`."""

    earliest: datetime | None
    latest: datetime | None
    catchup: bool

    @property
    def start(self) -> datetime | None:
        """`earliest` as aware UTC (None without a start_date)."""
        return as_utc(self.earliest) if self.earliest is not None else None

    def is_past_end(self, at: datetime) -> bool:
        """True when a run at `at` would fall after end_date, so the timetable has no more runs."""
        return self.latest is not None and at > as_utc(self.latest)


class Timetable:
    """Decides when a DAG runs and which data interval each run covers.

    Subclasses set the class attributes and implement `_next_run`, `infer_manual_data_interval` and
    `serialize`. `now` is a parameter (not read from the clock inside) so that the scheduler and tests
    can drive a fixed clock.
    """

    #: runs repeat on a schedule (False for None, @once, dataset-triggered)
    periodic: bool = True
    #: the scheduler may create runs by itself (False for None and dataset-triggered)
    can_be_scheduled: bool = True
    #: at most this many active runs regardless of max_active_runs (1 for @continuous)
    active_runs_limit: int | None = None
    description: str = ""

    @property
    def summary(self) -> str:
        """A short label for lists and the CLI (Airflow shows the cron expression here)."""
        return type(self).__name__

    def next_dagrun_info(
        self,
        *,
        last_automated_data_interval: DataInterval | None,
        restriction: TimeRestriction,
        now: datetime | None = None,
    ) -> DagRunInfo | None:
        """The next scheduled run after the last automated one, or None if there is none."""
        return self._next_run(last_automated_data_interval, restriction, now)

    def _next_run(
        self, last: DataInterval | None, restriction: TimeRestriction, now: datetime | None
    ) -> DagRunInfo | None:
        """`next_dagrun_info` with positional arguments: what each built-in timetable implements."""
        raise NotImplementedError

    def infer_manual_data_interval(self, *, run_after: datetime) -> DataInterval:
        """The data interval of a manual run (trigger/test) whose logical date is `run_after`."""
        raise NotImplementedError

    def validate(self) -> None:
        """Raise InvalidScheduleError if unusable; built-in timetables already check in __init__."""

    def serialize(self) -> dict[str, Any]:
        """A JSON-safe dict that `tradewind.timetables.deserialize_timetable` turns back into an equal timetable."""
        raise NotImplementedError

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Timetable) or type(other) is not type(self):
            return NotImplemented
        return self.serialize() == other.serialize()

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.summary))

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.summary!r}>"


def current_time(now: datetime | None) -> datetime:
    """`now` as aware UTC, defaulting to the wall clock."""
    return datetime.now(UTC) if now is None else as_utc(now)
