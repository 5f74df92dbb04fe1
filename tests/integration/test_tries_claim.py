"""A claim drops the XComs of its own instance only (not another map index's), and only for a new try:
a try resuming after a deferral keeps them. On SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

T0 = datetime(2024, 3, 4, tzinfo=timezone.utc)
CLAIM = dict(expected={"none", "scheduled", "up_for_retry"}, hostname="h", pid=1, log_path="x", start_date=T0)


def _run() -> None:
    from tradewind.store import runs
    from tradewind.store import task_instances as tis

    task = {"task_id": "m", "state": "none", "max_tries": 2, "operator": "PythonOperator"}
    runs.create_dag_run(
        dag_id="d",
        run_id="r",
        logical_date=T0,
        data_interval=(T0 - timedelta(days=1), T0),
        run_type="manual",
        conf=None,
        state="running",
        external_trigger=True,
        task_instances=[task],
    )
    assert tis.expand_mapped("d", "r", "m", [{**task, "map_index": 1}])


def _keys() -> list[tuple[int, str]]:
    from tradewind.store import xcom

    return sorted((x.map_index, x.key) for x in xcom.list_xcoms("d", "r", "m"))


def test_a_new_try_drops_its_own_xcoms_only(migrated_db) -> None:
    from tradewind.store import tries, xcom

    _run()
    first = tries.start_try("d", "r", "m", 0, **CLAIM)
    assert first is not None and first.try_number == 1
    for map_index in (0, 1):
        xcom.push("d", "r", "m", map_index, "k", map_index)
    tries.finish_try("d", "r", "m", 0, state="up_for_retry", end_date=T0, next_retry_at=T0)
    second = tries.start_try("d", "r", "m", 0, **CLAIM)
    assert second is not None and second.try_number == 2
    assert _keys() == [(1, "k")]  # map index 1 is another instance: its XComs stay


def test_a_try_resumed_after_a_deferral_keeps_its_xcoms(migrated_db) -> None:
    from tradewind.store import tries, triggers, xcom
    from tradewind.store.records import Deferral

    _run()
    tries.start_try("d", "r", "m", 0, **CLAIM)
    xcom.push("d", "r", "m", 0, "before", 1)
    deferral = Deferral("tradewind.triggers.temporal.TimeDeltaTrigger", {"delta": 1.0}, "resume", {}, None)
    deferred = tries.finish_try("d", "r", "m", 0, state="deferred", end_date=T0, deferral=deferral)
    assert deferred is not None and deferred.trigger_id is not None
    assert triggers.fire_trigger(deferred.trigger_id, {"fired": True}) == 1  # scheduled, to resume
    resumed = tries.start_try("d", "r", "m", 0, **CLAIM)
    assert resumed is not None and resumed.try_number == 1 and resumed.next_method == "resume"
    assert _keys() == [(0, "before")]


def test_the_claim_names_the_log_after_the_try_it_starts_or_continues(migrated_db) -> None:
    """`log_path` as (before, after): the number between them is the claimed try's, decided in the claim itself."""
    from tradewind.store import tries

    _run()
    claim = {**CLAIM, "expected": {"none", "up_for_retry", "up_for_reschedule"}, "log_path": ("logs/attempt=", ".log")}
    first = tries.start_try("d", "r", "m", 0, **claim)
    assert first is not None and (first.try_number, first.log_path) == (1, "logs/attempt=1.log")
    tries.finish_try("d", "r", "m", 0, state="up_for_retry", end_date=T0, next_retry_at=T0)
    retry = tries.start_try("d", "r", "m", 0, **claim)
    assert retry is not None and (retry.try_number, retry.log_path) == (2, "logs/attempt=2.log")
    tries.finish_try("d", "r", "m", 0, state="up_for_reschedule", end_date=T0, reschedule_at=T0)
    poke = tries.start_try("d", "r", "m", 0, **claim)  # a rescheduled sensor continues its try
    assert poke is not None and (poke.try_number, poke.log_path, poke.reschedule_at) == (2, "logs/attempt=2.log", None)
    assert tries.start_try("d", "r", "m", 0, **claim) is None  # running: not in an expected state
