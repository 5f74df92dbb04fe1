"""Timetables without a period: None (manual only), @once, @continuous, and dataset-triggered."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tradewind.timetables.base import DagRunInfo, DataInterval, TimeRestriction, Timetable, as_utc, current_time


class _TrivialTimetable(Timetable):
    """No period: a manual run covers only its own instant."""

    periodic = False
    _type = ""

    def serialize(self) -> dict[str, Any]:
        return {"type": self._type}

    def infer_manual_data_interval(self, *, run_after: datetime) -> DataInterval:
        return DataInterval.exact(run_after)


class NullTimetable(_TrivialTimetable):
    """`schedule=None`: never scheduled, runs only when triggered."""

    can_be_scheduled = False
    description = "Never, external triggers only"
    _type = "null"

    @property
    def summary(self) -> str:
        return "None"

    def next_dagrun_info(
        self,
        *,
        last_automated_data_interval: DataInterval | None,
        restriction: TimeRestriction,
        now: datetime | None = None,
    ) -> DagRunInfo | None:
        return None


class OnceTimetable(_TrivialTimetable):
    """`schedule="@once"`: one run at start_date, whatever catchup says (Airflow since 1.10)."""

    description = "Once, as soon as possible"
    _type = "once"

    @property
    def summary(self) -> str:
        return "@once"

    def next_dagrun_info(
        self,
        *,
        last_automated_data_interval: DataInterval | None,
        restriction: TimeRestriction,
        now: datetime | None = None,
    ) -> DagRunInfo | None:
        if last_automated_data_interval is not None or restriction.earliest is None:
            return None  # already ran, or no start_date to run at
        run_after = as_utc(restriction.earliest)
        if restriction.latest is not None and run_after > as_utc(restriction.latest):
            return None
        return DagRunInfo.exact(run_after)


class ContinuousTimetable(_TrivialTimetable):
    """`schedule="@continuous"`: a new run as soon as the previous one ends, one at a time."""

    description = "As frequently as possible, but only one run at a time."
    active_runs_limit = 1
    _type = "continuous"

    @property
    def summary(self) -> str:
        return "@continuous"

    def next_dagrun_info(
        self,
        *,
        last_automated_data_interval: DataInterval | None,
        restriction: TimeRestriction,
        now: datetime | None = None,
    ) -> DagRunInfo | None:
        if restriction.earliest is None:
            return None
        current = current_time(now)
        if last_automated_data_interval is not None:
            start, end = as_utc(last_automated_data_interval.end), current
        else:
            start = as_utc(restriction.earliest)
            end = max(start, current)
        if restriction.latest is not None and end > as_utc(restriction.latest):
            return None
        return DagRunInfo.interval(start, end)


class DatasetTriggeredTimetable(NullTimetable):
    """`schedule=[Dataset(...), ...]`: never on a clock; runs when the datasets are updated."""

    description = "Triggered by datasets"
    _type = "dataset"

    def __init__(self, uris: list[str] | tuple[str, ...] = (), condition: Any = None) -> None:
        self.dataset_uris: tuple[str, ...] = tuple(uris)
        #: JSON condition (see tradewind.datasets): a list schedule means "all of them"
        self.condition: Any = condition if condition is not None else {"all": list(self.dataset_uris)}

    @property
    def summary(self) -> str:
        return "Dataset"

    def is_ready(self, updated_uris: set[str] | frozenset[str]) -> bool:
        """True when the datasets updated since the last dataset-triggered run satisfy the schedule."""
        from tradewind.datasets import evaluate_condition

        return evaluate_condition(self.condition, {uri: uri in updated_uris for uri in self.dataset_uris})

    def serialize(self) -> dict[str, Any]:
        data: dict[str, Any] = {"type": self._type, "datasets": list(self.dataset_uris)}
        if self.condition != {"all": list(self.dataset_uris)}:
            data["condition"] = self.condition
        return data
