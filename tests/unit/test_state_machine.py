"""The state machine of `tradewind/states.py`, enforced by the store on real SQLite: every (old, new) pair.

Each pair starts from an instance (or run) created in `old` and asks the store to move it to
`new`, once as the machine and once as a user: a legal move is written, an illegal one raises
IllegalTransition and leaves the row as it was.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from tradewind.exceptions import IllegalTransition
from tradewind.states import (
    FINISHED,
    RUN_TRANSITIONS,
    TRANSITIONS,
    USER_RUN_TARGETS,
    USER_TARGETS,
    DagRunState,
    TaskState,
    can_transition,
    can_transition_run,
)

T0 = datetime(2024, 3, 4, tzinfo=timezone.utc)
TI_PAIRS = list(itertools.product(TaskState, TaskState))
RUN_PAIRS = list(itertools.product(DagRunState, DagRunState))
_SECONDS = itertools.count()  # a logical date per run: they share one database


@pytest.fixture(scope="module")
def shared_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """One migrated SQLite file for the module (a migration per pair would cost minutes)."""
    from tradewind.store.engine import reset_engine
    from tradewind.store.migrate import migrate

    url = f"sqlite:///{tmp_path_factory.mktemp('state-machine') / 'tradewind.db'}"
    with pytest.MonkeyPatch.context() as mp:
        _point(mp, url)
        migrate()
        reset_engine()
    return url


@pytest.fixture
def db(shared_db: str, tradewind_home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    from tradewind.store.engine import reset_engine

    _point(monkeypatch, shared_db)
    yield
    reset_engine()


def _point(mp: pytest.MonkeyPatch, url: str) -> None:
    from tradewind.config import conf
    from tradewind.store.engine import reset_engine

    mp.setenv("TRADEWIND__DATABASE__SQL_ALCHEMY_CONN", url)
    reset_engine()
    conf.reload()


def _run_with(run_id: str, run_state: DagRunState, ti_state: TaskState) -> None:
    """A run created in `run_state` with one instance created in `ti_state` (an insert is no transition)."""
    from tradewind.store import runs

    runs.create_dag_run(
        dag_id="sm",
        run_id=run_id,
        logical_date=T0 + timedelta(seconds=next(_SECONDS)),
        data_interval=None,
        run_type="manual",
        conf={},
        state=run_state,
        external_trigger=True,
        task_instances=[{"task_id": "t", "state": ti_state}],
    )


def test_the_tables_cover_every_state_and_finished_states_only_move_by_a_user() -> None:
    assert set(TRANSITIONS) == set(TaskState) and set(RUN_TRANSITIONS) == set(DagRunState)
    assert all(not TRANSITIONS[s] for s in FINISHED)
    assert all(old not in news for old, news in TRANSITIONS.items())  # staying is no move (a re-queue would be)
    assert all(can_transition(s, target, by_user=True) for s in TaskState for target in USER_TARGETS)
    assert all(can_transition_run(s, target, by_user=True) for s in DagRunState for target in USER_RUN_TARGETS)


@pytest.mark.parametrize(("old", "new"), TI_PAIRS, ids=[f"{o}->{n}" for o, n in TI_PAIRS])
def test_store_accepts_exactly_the_legal_task_instance_moves(db: None, old: TaskState, new: TaskState) -> None:
    from tradewind.store import task_instances
    from tradewind.store.task_instances import StateChange

    for by_user in (False, True):
        run_id = f"{old}-{new}-{'user' if by_user else 'machine'}"
        _run_with(run_id, DagRunState.RUNNING, old)
        change = StateChange("sm", run_id, "t", -1, frozenset({old}), new)
        write = task_instances.set_states if by_user else task_instances._apply
        if can_transition(old, new, by_user=by_user):
            assert write([change]) == [True]
            assert task_instances.get_task_instance("sm", run_id, "t").state == new
        else:
            with pytest.raises(IllegalTransition, match=f"from {old} to {new}"):
                write([change])
            assert task_instances.get_task_instance("sm", run_id, "t").state == old


@pytest.mark.parametrize(("old", "new"), RUN_PAIRS, ids=[f"{o}->{n}" for o, n in RUN_PAIRS])
def test_store_accepts_exactly_the_legal_dag_run_moves(db: None, old: DagRunState, new: DagRunState) -> None:
    from tradewind.store import runs
    from tradewind.store.engine import transaction
    from tradewind.store.runs import _move

    for by_user in (False, True):
        run_id = f"run-{old}-{new}-{'user' if by_user else 'machine'}"
        _run_with(run_id, old, TaskState.NONE)
        if can_transition_run(old, new, by_user=by_user):
            with transaction() as conn:
                assert _move(conn, "sm", run_id, new, {old}, by_user=by_user)
            assert runs.get_dag_run("sm", run_id).state == new
        else:
            with pytest.raises(IllegalTransition, match=f"from {old} to {new}"), transaction() as conn:
                _move(conn, "sm", run_id, new, {old}, by_user=by_user)
            assert runs.get_dag_run("sm", run_id).state == old


@pytest.mark.parametrize("state", list(TaskState))
def test_claim_finish_and_clear_check_their_moves_too(db: None, state: TaskState) -> None:
    from tradewind.store import task_instances, tries
    from tradewind.store.records import Deferral

    claimed = f"claim-{state}"  # a claim moves from `state` to running
    _run_with(claimed, DagRunState.RUNNING, state)
    claim = dict(expected={state}, hostname="h", pid=1, log_path="x", start_date=T0)
    if can_transition(state, TaskState.RUNNING):
        assert tries.start_try("sm", claimed, "t", **claim).state == TaskState.RUNNING
    else:
        with pytest.raises(IllegalTransition, match=f"from {state} to running"):
            tries.start_try("sm", claimed, "t", **claim)
        assert task_instances.get_task_instance("sm", claimed, "t").state == state

    finished = f"finish-{state}"  # a try's result moves from running to `state`
    _run_with(finished, DagRunState.RUNNING, TaskState.RUNNING)
    if can_transition(TaskState.RUNNING, state):
        deferral = None  # a deferral is stored with the deferred state, and only then
        if state is TaskState.DEFERRED:
            deferral = Deferral(
                "tradewind.triggers.temporal.DateTimeTrigger", {"moment": "2030-01-01T00:00:00+00:00"}, "go", {}, None
            )
        assert tries.finish_try("sm", finished, "t", state=state, end_date=T0, deferral=deferral).state == state
    else:
        with pytest.raises(IllegalTransition, match=f"from running to {state}"):
            tries.finish_try("sm", finished, "t", state=state, end_date=T0)
        assert task_instances.get_task_instance("sm", finished, "t").state == TaskState.RUNNING

    for run_id in (claimed, finished):  # a user may clear anything
        assert task_instances.clear_task_instances("sm", run_id) == 1
        assert task_instances.get_task_instance("sm", run_id, "t").state == TaskState.NONE
