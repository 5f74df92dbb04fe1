"""Scheduled-run creation against a real database: catchup, max_active_runs, end_date, pausing."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from tradewind import DAG
from tradewind.operators.empty import EmptyOperator

UTC = timezone.utc


def _sync(dag: DAG, paused: bool = False) -> None:
    from tradewind.scheduler.runs import sync_dag
    from tradewind.store import dags
    from tradewind.store.migrate import migrate

    migrate()
    sync_dag(dag)
    dags.set_paused(dag.dag_id, paused)


def _creator():
    from tradewind.scheduler.dag_cache import DagCache
    from tradewind.scheduler.run_creation import RunCreator

    cache = DagCache()
    cache.refresh()
    return RunCreator(cache)


def _dag(dag_id: str, **kw) -> DAG:
    with DAG(dag_id, **kw) as dag:
        EmptyOperator(task_id="t")
    return dag


def test_catchup_creates_runs_up_to_max_active_runs_then_the_rest():
    from tradewind.store import runs

    _sync(
        _dag("c", schedule="@daily", start_date=datetime(2024, 1, 1), end_date=datetime(2024, 1, 5), max_active_runs=2)
    )
    creator = _creator()
    now = datetime(2024, 6, 1, tzinfo=UTC)
    created, _ = creator.create_due_runs(now)
    assert [r.logical_date.day for r in created] == [1, 2]
    assert creator.create_due_runs(now)[0] == []  # max_active_runs reached
    for r in created:
        runs.set_dag_run_state("c", r.run_id, "success")
    created, wake = creator.create_due_runs(now)
    assert [r.logical_date.day for r in created] == [3, 4]
    for r in created:
        runs.set_dag_run_state("c", r.run_id, "success")
    created, wake = creator.create_due_runs(now)
    assert [r.logical_date.day for r in created] == [5] and wake is None  # end_date: nothing more planned
    assert [r.run_type for r in runs.list_dag_runs("c")] == ["scheduled"] * 5


def test_no_catchup_creates_only_the_latest_interval_and_waits_for_the_next():
    from tradewind.store import dags

    _sync(_dag("nc", schedule="@daily", start_date=datetime(2024, 1, 1), catchup=False))
    now = datetime(2024, 3, 10, 12, tzinfo=UTC)
    created, wake = _creator().create_due_runs(now)
    assert [(r.data_interval_start, r.data_interval_end) for r in created] == [
        (datetime(2024, 3, 9, tzinfo=UTC), datetime(2024, 3, 10, tzinfo=UTC))
    ]
    assert wake == datetime(2024, 3, 11, tzinfo=UTC)
    assert dags.get_dag("nc").next_dagrun == datetime(2024, 3, 10, tzinfo=UTC)


def test_paused_and_unscheduled_dags_get_no_runs():
    _sync(_dag("paused", schedule="@daily", start_date=datetime(2024, 1, 1)), paused=True)
    _sync(_dag("manual_only", schedule=None, start_date=datetime(2024, 1, 1)))
    created, wake = _creator().create_due_runs(datetime(2024, 1, 10, tzinfo=UTC))
    assert created == [] and wake is None


def test_backfill_intervals_cover_the_range_inclusive():
    from tradewind.scheduler.backfill import backfill_intervals

    dag = _dag("bf", schedule="@weekly", start_date=datetime(2024, 1, 1))
    infos = backfill_intervals(dag.timetable, datetime(2024, 1, 7, tzinfo=UTC), datetime(2024, 1, 21, tzinfo=UTC))
    assert [i.logical_date.date().isoformat() for i in infos] == ["2024-01-07", "2024-01-14", "2024-01-21"]
    assert all(i.data_interval.end - i.data_interval.start == timedelta(days=7) for i in infos)
