"""Timetables without a period: None (manual only), @once, @continuous, and dataset-triggered."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from tradewind.timetables.base import DagRunInfo, DataInterval, TimeRestriction, Timetable, as_utc, current_time


class _TrivialTimetable(Timetable):
    """No period: a manual run covers only its own instant."""

    periodic = False
    _type = ""
    _summary = ""

    @property
    def summary(self) -> str:
        return self._summary

    def serialize(self) -> dict[str, Any]:
        return {"type": self._type}

    def infer_manual_data_interval(self, *, run_after: datetime) -> DataInterval:
        return DataInterval.exact(run_after)


class NullTimetable(_TrivialTimetable):
    """`schedule=None`: never scheduled, runs only when triggered."""

    can_be_scheduled = False
    description = "Never, external triggers only"
    _type = "null"
    _summary = "None"

    def _next_run(
        self, last: DataInterval | None, restriction: TimeRestriction, now: datetime | None
    ) -> DagRunInfo | None:
        return None


class OnceTimetable(_TrivialTimetable):
    """`schedule="@once"`: one run at start_date, whatever catchup says (Airflow since 1.10)."""

    description = "Once, as soon as possible"
    _type = "once"
    _summary = "@once"

    def _next_run(
        self, last: DataInterval | None, restriction: TimeRestriction, now: datetime | None
    ) -> DagRunInfo | None:
        run_after = restriction.start
        if last is not None or run_after is None:
            return None  # already ran, or no start_date to run at
        return None if restriction.is_past_end(run_after) else DagRunInfo.exact(run_after)


class ContinuousTimetable(_TrivialTimetable):
    """`schedule="@continuous"`: a new run as soon as the previous one ends, one at a time."""

    description = "As frequently as possible, but only one run at a time."
    active_runs_limit = 1
    _type = "continuous"
    _summary = "@continuous"

    def _next_run(
        self, last: DataInterval | None, restriction: TimeRestriction, now: datetime | None
    ) -> DagRunInfo | None:
        earliest = restriction.start
        if earliest is None:
            return None
        current = current_time(now)
        if last is not None:
            start, end = as_utc(last.end), current
        else:
            start, end = earliest, max(earliest, current)
        return None if restriction.is_past_end(end) else DagRunInfo.interval(start, end)


class DatasetTriggeredTimetable(NullTimetable):
    """`schedule=[Dataset(...), ...]`: never on a clock; runs when the datasets are updated."""

    description = "Triggered by datasets"
    _type = "dataset"
    _summary = "Dataset"

    def __init__(self, uris: list[str] | tuple[str, ...] = (), condition: Any = None) -> None:
        self.dataset_uris: tuple[str, ...] = tuple(uris)
        #: JSON condition (see tradewind.datasets): a list schedule means "all of them"
        self.condition: Any = condition if condition is not None else {"all": list(self.dataset_uris)}

    @property
    def alias_names(self) -> list[str]:
        """The DatasetAlias names the schedule names (what they stand for is in the database)."""
        from tradewind.datasets import condition_aliases

        return condition_aliases(self.condition)

    def resolved_uris(self, resolved: Mapping[str, Iterable[str]]) -> list[str]:
        """The datasets the schedule waits for: its own and those its aliases resolved to (alias → URIs)."""
        found = dict.fromkeys(self.dataset_uris)
        for name in self.alias_names:
            found.update(dict.fromkeys(resolved.get(name, ())))
        return list(found)

    def is_ready(
        self, updated_uris: set[str] | frozenset[str], resolved: Mapping[str, Iterable[str]] | None = None
    ) -> bool:
        """True when the datasets updated since the last dataset-triggered run satisfy the schedule.

        An alias counts as updated when any dataset it resolved to (`resolved`: alias → URIs) is.
        """
        from tradewind.datasets import evaluate_condition, resolve_condition

        condition = resolve_condition(self.condition, resolved or {})
        uris = self.resolved_uris(resolved or {})
        return evaluate_condition(condition, {uri: uri in updated_uris for uri in uris})

    def serialize(self) -> dict[str, Any]:
        data: dict[str, Any] = {"type": self._type, "datasets": list(self.dataset_uris)}
        if self.condition != {"all": list(self.dataset_uris)}:
            data["condition"] = self.condition
        return data
