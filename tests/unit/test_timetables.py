"""Timetables against Airflow 2.11.2's own answers (tests/data/airflow), plus the edges around them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from airflow_vectors import load as load_vectors

from tradewind.exceptions import InvalidScheduleError
from tradewind.timetables import create_timetable, deserialize_timetable
from tradewind.timetables.base import DagRunInfo, DataInterval, TimeRestriction, Timetable
from tradewind.timetables.interval import CronDataIntervalTimetable, DeltaDataIntervalTimetable
from tradewind.timetables.simple import ContinuousTimetable, DatasetTriggeredTimetable, NullTimetable, OnceTimetable
from tradewind.timetables.trigger import CronTriggerTimetable

UTC = timezone.utc
REPO = Path(__file__).resolve().parents[2]
VECTORS_NAME = "timetables-2.11.2.json"
CASES: list[dict[str, Any]] = load_vectors(VECTORS_NAME)["cases"]


def _schedule(raw: Any) -> Any:
    return timedelta(seconds=raw["timedelta_seconds"]) if isinstance(raw, dict) else raw


def _case_id(case: dict[str, Any]) -> str:
    raw = case["schedule"]
    name = f"timedelta-{int(raw['timedelta_seconds'])}s" if isinstance(raw, dict) else raw.replace(" ", "_")
    return f"{name}|{case['start_date']}|{case['timezone']}"


def _dt(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _assert_utc(*values: datetime) -> None:
    for value in values:
        assert value.tzinfo is UTC, f"{value!r} is not in UTC"


def _assert_info(info: DagRunInfo | None, expected: dict[str, str]) -> None:
    assert info is not None, f"expected a run {expected}, got None"
    got = {"start": info.data_interval.start, "end": info.data_interval.end, "run_after": info.run_after}
    want = {k: _dt(expected[k]) for k in ("start", "end", "run_after")}
    if "logical_date" in expected:
        got["logical_date"], want["logical_date"] = info.logical_date, _dt(expected["logical_date"])
    assert got == want
    _assert_utc(*got.values())


def test_airflow_vectors_are_present() -> None:
    assert len(CASES) == 56


# --- Airflow 2.11.2 vectors ----------------------------------------------------------------
@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_catchup_true_first_5(case: dict[str, Any]) -> None:
    timetable = create_timetable(_schedule(case["schedule"]), case["timezone"])
    restriction = TimeRestriction(earliest=_dt(case["start_date"]), latest=None, catchup=True)
    last: DataInterval | None = None
    expected = case["catchup_true_first_5"]
    for want in expected:
        info = timetable.next_dagrun_info(last_automated_data_interval=last, restriction=restriction)
        _assert_info(info, want)
        last = info.data_interval  # type: ignore[union-attr]
    if len(expected) < 5:  # @once: nothing after the only run
        assert timetable.next_dagrun_info(last_automated_data_interval=last, restriction=restriction) is None


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_catchup_false_first_at_now(case: dict[str, Any]) -> None:
    timetable = create_timetable(_schedule(case["schedule"]), case["timezone"])
    restriction = TimeRestriction(earliest=_dt(case["start_date"]), latest=None, catchup=False)
    for now, want in case["catchup_false_first_at_now"].items():
        info = timetable.next_dagrun_info(last_automated_data_interval=None, restriction=restriction, now=_dt(now))
        _assert_info(info, want)


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_manual(case: dict[str, Any]) -> None:
    timetable = create_timetable(_schedule(case["schedule"]), case["timezone"])
    for at, want in case["manual"].items():
        interval = timetable.infer_manual_data_interval(run_after=_dt(at))
        assert interval == DataInterval(_dt(want["start"]), _dt(want["end"]))
        _assert_utc(*interval)


# --- creating timetables -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("schedule", "cls"),
    [
        (None, NullTimetable),
        ("@once", OnceTimetable),
        ("@continuous", ContinuousTimetable),
        ("@daily", CronDataIntervalTimetable),
        ("5 4 * * *", CronDataIntervalTimetable),
        (timedelta(hours=6), DeltaDataIntervalTimetable),
    ],
)
def test_create_timetable_kinds(schedule: Any, cls: type) -> None:
    assert type(create_timetable(schedule)) is cls


@pytest.mark.parametrize(
    ("preset", "expression"),
    [
        ("@hourly", "0 * * * *"),
        ("@daily", "0 0 * * *"),
        ("@midnight", "0 0 * * *"),
        ("@weekly", "0 0 * * 0"),
        ("@monthly", "0 0 1 * *"),
        ("@quarterly", "0 0 1 */3 *"),
        ("@yearly", "0 0 1 1 *"),
        ("@annually", "0 0 1 1 *"),
    ],
)
def test_presets_map_to_cron(preset: str, expression: str) -> None:
    timetable = create_timetable(preset)
    assert timetable.summary == expression  # Airflow 2 shows the expanded expression
    assert timetable == create_timetable(preset)


def test_timetable_instance_is_returned_as_is() -> None:
    timetable = CronTriggerTimetable("0 3 * * *", timezone="Europe/Berlin")
    assert create_timetable(timetable, "UTC") is timetable


def test_weekly_is_sunday_to_sunday_in_dag_timezone() -> None:
    timetable = create_timetable("@weekly", "Europe/Berlin")
    restriction = TimeRestriction(datetime(2024, 1, 3, tzinfo=UTC), None, catchup=True)
    info = timetable.next_dagrun_info(last_automated_data_interval=None, restriction=restriction)
    assert info is not None
    assert info.data_interval == DataInterval(
        datetime(2024, 1, 6, 23, tzinfo=UTC), datetime(2024, 1, 13, 23, tzinfo=UTC)
    )
    assert timetable.description == "At 00:00, only on Sunday"


@pytest.mark.parametrize(
    "bad",
    ["61 * * * *", "* * * *", "0 0 31 2 *", "@fortnightly", "not a cron", "", "0 * * * * 5", "0 0 * * 8", "H * * * *"],
)
def test_bad_cron_strings_raise(bad: str) -> None:
    for runs_at_tick in (False, True):
        with pytest.raises(InvalidScheduleError) as err:
            create_timetable(bad, runs_at_tick=runs_at_tick)
        message = str(err.value)
        assert repr(bad) in message and "\n" not in message


def test_bad_cron_message_names_the_value() -> None:
    with pytest.raises(InvalidScheduleError, match=r"^invalid cron expression '61 \* \* \* \*': "):
        create_timetable("61 * * * *")


@pytest.mark.parametrize("bad", [5, 1.5, True, ["x", 3], object(), timedelta(0), timedelta(hours=-1)])
def test_bad_schedule_values_raise(bad: Any) -> None:
    with pytest.raises(InvalidScheduleError):
        create_timetable(bad)


def test_unknown_timezone_raises() -> None:
    with pytest.raises(InvalidScheduleError, match="Mars/Olympus"):
        create_timetable("@daily", "Mars/Olympus")


# --- scheduling rules ----------------------------------------------------------------------
def _runs(
    timetable: Timetable, restriction: TimeRestriction, limit: int = 50, now: datetime | None = None
) -> list[DagRunInfo]:
    runs: list[DagRunInfo] = []
    last = None
    while len(runs) < limit:
        info = timetable.next_dagrun_info(last_automated_data_interval=last, restriction=restriction, now=now)
        if info is None:
            break
        runs.append(info)
        last = info.data_interval
    return runs


def test_end_date_stops_runs() -> None:
    restriction = TimeRestriction(datetime(2024, 1, 1, tzinfo=UTC), datetime(2024, 1, 3, tzinfo=UTC), catchup=True)
    runs = _runs(create_timetable("@daily"), restriction)
    # Airflow keeps a run whose logical date equals end_date, and stops after it.
    assert [r.logical_date.day for r in runs] == [1, 2, 3]
    runs = _runs(create_timetable(timedelta(hours=12)), restriction)
    assert [r.logical_date for r in runs][-1] == datetime(2024, 1, 3, tzinfo=UTC)
    assert len(runs) == 5
    assert _runs(create_timetable("@daily", runs_at_tick=True), restriction)[-1].run_after == datetime(
        2024, 1, 3, tzinfo=UTC
    )


def test_end_date_before_start_date_gives_no_run() -> None:
    restriction = TimeRestriction(datetime(2024, 2, 1, tzinfo=UTC), datetime(2024, 1, 1, tzinfo=UTC), catchup=True)
    for schedule in ("@daily", "@once", timedelta(hours=1)):
        assert (
            create_timetable(schedule).next_dagrun_info(last_automated_data_interval=None, restriction=restriction)
            is None
        )


def test_no_start_date_with_catchup_gives_no_run() -> None:
    restriction = TimeRestriction(None, None, catchup=True)
    for schedule in ("@daily", "@once", timedelta(hours=1)):
        assert (
            create_timetable(schedule).next_dagrun_info(last_automated_data_interval=None, restriction=restriction)
            is None
        )


def test_timedelta_schedule() -> None:
    timetable = create_timetable(timedelta(hours=6), "Europe/Berlin")
    start = datetime(2024, 1, 3, 10, 17, tzinfo=UTC)
    runs = _runs(timetable, TimeRestriction(start, None, catchup=True), limit=3)
    assert [r.data_interval for r in runs] == [
        DataInterval(start + timedelta(hours=6 * i), start + timedelta(hours=6 * (i + 1))) for i in range(3)
    ]
    assert all(r.run_after == r.data_interval.end for r in runs)
    assert timetable.summary == "6:00:00"
    assert timetable.description == "Every 6 hours"
    at = datetime(2024, 3, 5, tzinfo=UTC)
    assert timetable.infer_manual_data_interval(run_after=at) == DataInterval(at - timedelta(hours=6), at)


def test_catchup_false_skips_to_latest_after_a_previous_run() -> None:
    timetable = create_timetable("@daily")
    last = DataInterval(datetime(2024, 1, 1, tzinfo=UTC), datetime(2024, 1, 2, tzinfo=UTC))
    restriction = TimeRestriction(datetime(2024, 1, 1, tzinfo=UTC), None, catchup=False)
    now = datetime(2024, 3, 10, 15, 0, tzinfo=UTC)
    info = timetable.next_dagrun_info(last_automated_data_interval=last, restriction=restriction, now=now)
    assert info is not None and info.data_interval == DataInterval(
        datetime(2024, 3, 9, tzinfo=UTC), datetime(2024, 3, 10, tzinfo=UTC)
    )
    # With catchup the next interval simply follows the last one.
    restriction = TimeRestriction(datetime(2024, 1, 1, tzinfo=UTC), None, catchup=True)
    info = timetable.next_dagrun_info(last_automated_data_interval=last, restriction=restriction, now=now)
    assert info is not None and info.logical_date == datetime(2024, 1, 2, tzinfo=UTC)


def test_now_defaults_to_the_wall_clock() -> None:
    restriction = TimeRestriction(datetime(2024, 1, 1, tzinfo=UTC), None, catchup=False)
    info = create_timetable("@hourly").next_dagrun_info(last_automated_data_interval=None, restriction=restriction)
    assert info is not None
    assert datetime.now(UTC) - timedelta(hours=2) <= info.logical_date <= datetime.now(UTC)


def test_hourly_runs_twice_through_the_repeated_dst_hour() -> None:
    # New York falls back at 06:00 UTC on 2024-11-03: 01:00 local happens twice, and both get a run.
    timetable = create_timetable("0 * * * *", "America/New_York")
    start = datetime(2024, 11, 3, 4, tzinfo=UTC)
    runs = _runs(timetable, TimeRestriction(start, None, catchup=True), limit=4)
    assert [r.logical_date.hour for r in runs] == [4, 5, 6, 7]


def test_daily_at_a_repeated_local_time_takes_the_second_occurrence() -> None:
    timetable = create_timetable("30 1 * * *", "America/New_York")
    runs = _runs(timetable, TimeRestriction(datetime(2024, 11, 1, 12, tzinfo=UTC), None, catchup=True), limit=2)
    # 01:30 EDT on the 2nd, then 01:30 EST (not EDT) on the 3rd, then 01:30 EST on the 4th.
    assert [r.data_interval.end for r in runs] == [
        datetime(2024, 11, 3, 6, 30, tzinfo=UTC),
        datetime(2024, 11, 4, 6, 30, tzinfo=UTC),
    ]
    assert runs[0].logical_date == datetime(2024, 11, 2, 5, 30, tzinfo=UTC)


# --- @once, None, @continuous, datasets ------------------------------------------------------
def test_once_runs_once_at_start_date() -> None:
    timetable = create_timetable("@once", "Europe/Berlin")
    start = datetime(2024, 5, 1, 8, tzinfo=timezone(timedelta(hours=2)))
    for catchup in (True, False):
        runs = _runs(timetable, TimeRestriction(start, None, catchup=catchup), now=datetime(2030, 1, 1, tzinfo=UTC))
        assert len(runs) == 1
        assert runs[0] == DagRunInfo(start, DataInterval(start, start))
        _assert_utc(runs[0].run_after, *runs[0].data_interval)
    assert not timetable.periodic and timetable.can_be_scheduled
    at = datetime(2024, 6, 1, tzinfo=UTC)
    assert timetable.infer_manual_data_interval(run_after=at) == DataInterval(at, at)


def test_none_never_runs() -> None:
    timetable = create_timetable(None)
    restriction = TimeRestriction(datetime(2024, 1, 1, tzinfo=UTC), None, catchup=True)
    assert timetable.next_dagrun_info(last_automated_data_interval=None, restriction=restriction) is None
    assert not timetable.can_be_scheduled and not timetable.periodic
    assert timetable.summary == "None" and timetable.description == "Never, external triggers only"
    at = datetime(2024, 3, 5, 12, tzinfo=UTC)
    assert timetable.infer_manual_data_interval(run_after=at) == DataInterval(at, at)


def test_continuous() -> None:
    timetable = create_timetable("@continuous")
    start = datetime(2024, 1, 1, tzinfo=UTC)
    now = datetime(2024, 1, 5, 12, tzinfo=UTC)
    restriction = TimeRestriction(start, None, catchup=False)
    first = timetable.next_dagrun_info(last_automated_data_interval=None, restriction=restriction, now=now)
    assert first == DagRunInfo(now, DataInterval(start, now))
    later = now + timedelta(minutes=3)
    second = timetable.next_dagrun_info(
        last_automated_data_interval=first.data_interval, restriction=restriction, now=later
    )  # type: ignore[union-attr]
    assert second == DagRunInfo(later, DataInterval(now, later))
    assert timetable.active_runs_limit == 1


def test_dataset_schedule() -> None:
    class Dataset:
        def __init__(self, uri: str) -> None:
            self.uri = uri

    timetable = create_timetable([Dataset("s3://bucket/a"), Dataset("s3://bucket/b")])
    assert isinstance(timetable, DatasetTriggeredTimetable)
    assert timetable.dataset_uris == ("s3://bucket/a", "s3://bucket/b")
    assert timetable.summary == "Dataset" and not timetable.can_be_scheduled
    assert create_timetable(Dataset("file:///x")).dataset_uris == ("file:///x",)  # type: ignore[attr-defined]


# --- runs_at_tick (CronTriggerTimetable, Airflow 3's default) --------------------------------
def test_runs_at_tick_catchup() -> None:
    timetable = create_timetable("@daily", "Europe/Berlin", runs_at_tick=True)
    assert isinstance(timetable, CronTriggerTimetable)
    start = datetime(2024, 3, 29, 10, 17, tzinfo=UTC)  # unaligned: first tick is the next local midnight
    runs = _runs(timetable, TimeRestriction(start, None, catchup=True), limit=3)
    ticks = [
        datetime(2024, 3, 29, 23, tzinfo=UTC),
        datetime(2024, 3, 30, 23, tzinfo=UTC),
        datetime(2024, 3, 31, 22, tzinfo=UTC),
    ]
    assert [r.run_after for r in runs] == ticks
    assert [r.logical_date for r in runs] == ticks
    assert all(r.data_interval == DataInterval(t, t) for r, t in zip(runs, ticks))


def test_runs_at_tick_aligned_start_runs_at_start() -> None:
    timetable = create_timetable("0 6 * * *", runs_at_tick=True)
    start = datetime(2024, 1, 1, 6, tzinfo=UTC)
    info = timetable.next_dagrun_info(last_automated_data_interval=None, restriction=TimeRestriction(start, None, True))
    assert info == DagRunInfo.exact(start)


def test_runs_at_tick_no_catchup_runs_the_tick_just_passed() -> None:
    timetable = create_timetable("@daily", runs_at_tick=True)
    restriction = TimeRestriction(datetime(2024, 1, 1, tzinfo=UTC), None, catchup=False)
    now = datetime(2024, 4, 2, 12, 34, tzinfo=UTC)
    info = timetable.next_dagrun_info(last_automated_data_interval=None, restriction=restriction, now=now)
    assert info == DagRunInfo.exact(datetime(2024, 4, 2, tzinfo=UTC))
    after = timetable.next_dagrun_info(
        last_automated_data_interval=info.data_interval, restriction=restriction, now=now
    )  # type: ignore[union-attr]
    assert after == DagRunInfo.exact(datetime(2024, 4, 3, tzinfo=UTC))


def test_runs_at_tick_manual_and_interval() -> None:
    at = datetime(2024, 3, 5, 7, 30, tzinfo=UTC)
    assert create_timetable("@daily", runs_at_tick=True).infer_manual_data_interval(run_after=at) == DataInterval(
        at, at
    )
    look_back = CronTriggerTimetable("0 0 * * *", timezone="UTC", interval=timedelta(days=1))
    assert look_back.infer_manual_data_interval(run_after=at) == DataInterval(at - timedelta(days=1), at)
    info = look_back.next_dagrun_info(
        last_automated_data_interval=None, restriction=TimeRestriction(datetime(2024, 1, 1, tzinfo=UTC), None, True)
    )
    assert info == DagRunInfo(
        datetime(2024, 1, 1, tzinfo=UTC),
        DataInterval(datetime(2023, 12, 31, tzinfo=UTC), datetime(2024, 1, 1, tzinfo=UTC)),
    )


def test_runs_at_tick_leaves_other_schedules_alone() -> None:
    assert isinstance(create_timetable(timedelta(hours=1), runs_at_tick=True), DeltaDataIntervalTimetable)
    assert isinstance(create_timetable("@once", runs_at_tick=True), OnceTimetable)
    assert isinstance(create_timetable(None, runs_at_tick=True), NullTimetable)


# --- serialization -------------------------------------------------------------------------
def _relativedelta(**kwargs: Any) -> Any:
    from dateutil.relativedelta import relativedelta

    return relativedelta(**kwargs)


@pytest.mark.parametrize(
    "timetable",
    [
        NullTimetable(),
        OnceTimetable(),
        ContinuousTimetable(),
        DatasetTriggeredTimetable(["s3://a", "s3://b"]),
        CronDataIntervalTimetable("@weekly", "Europe/Berlin"),
        CronDataIntervalTimetable("*/15 9-17 * * 1-5", "America/New_York"),
        CronDataIntervalTimetable("0 0 * * *", timezone(timedelta(hours=5, minutes=30))),
        DeltaDataIntervalTimetable(timedelta(hours=6)),
        DeltaDataIntervalTimetable(timedelta(days=7, seconds=1.5)),
        CronTriggerTimetable("@daily", timezone="Asia/Tokyo"),
        CronTriggerTimetable(
            "0 3 * * *", timezone="UTC", interval=timedelta(hours=3), run_immediately=timedelta(minutes=9)
        ),
    ],
    ids=lambda t: f"{type(t).__name__}:{t.summary}",
)
def test_serialize_roundtrip(timetable: Timetable) -> None:
    data = json.loads(json.dumps(timetable.serialize()))
    again = deserialize_timetable(data)
    assert type(again) is type(timetable)
    assert again == timetable
    assert again.serialize() == timetable.serialize()
    assert (again.summary, again.description) == (timetable.summary, timetable.description)
    restriction = TimeRestriction(datetime(2024, 3, 28, 10, tzinfo=UTC), None, catchup=True)
    now = datetime(2024, 4, 2, 12, 34, tzinfo=UTC)
    for t in (timetable, again):
        assert t.next_dagrun_info(
            last_automated_data_interval=None, restriction=restriction, now=now
        ) == timetable.next_dagrun_info(last_automated_data_interval=None, restriction=restriction, now=now)


def test_serialize_roundtrip_relativedelta() -> None:
    timetable = DeltaDataIntervalTimetable(_relativedelta(months=1, day=1))
    again = deserialize_timetable(json.loads(json.dumps(timetable.serialize())))
    assert again == timetable
    restriction = TimeRestriction(datetime(2024, 1, 15, tzinfo=UTC), None, catchup=True)
    runs = _runs(again, restriction, limit=2)
    assert [r.data_interval.end for r in runs] == [datetime(2024, 2, 1, tzinfo=UTC), datetime(2024, 3, 1, tzinfo=UTC)]


def test_serialize_keeps_preset_and_timezone() -> None:
    data = create_timetable("@daily", "Europe/Berlin").serialize()
    assert data == {"type": "cron_data_interval", "expression": "@daily", "timezone": "Europe/Berlin"}


@pytest.mark.parametrize(
    "bad",
    [
        {},
        {"type": "martian"},
        {"type": "cron_data_interval"},
        {"type": "cron_data_interval", "expression": "x", "timezone": "UTC"},
    ],
)
def test_deserialize_bad_data_raises(bad: dict[str, Any]) -> None:
    with pytest.raises(InvalidScheduleError):
        deserialize_timetable(bad)


# --- cheap import --------------------------------------------------------------------------
def test_import_does_not_load_croniter() -> None:
    code = "import sys, tradewind.timetables, tradewind.timetables.base; sys.exit('croniter' in sys.modules)"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    assert subprocess.run([sys.executable, "-c", code], env=env, cwd=REPO).returncode == 0
