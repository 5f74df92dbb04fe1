"""`explain_task_instance` against a real SQLite database: one test per reason that holds a task back."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from tradewind import DAG
from tradewind.operators.empty import EmptyOperator
from tradewind.scheduler.explain import Code, explain_task_instance
from tradewind.states import DagRunState

UTC = timezone.utc


@pytest.fixture
def db():
    from tradewind.store.migrate import migrate

    migrate()


def _sync(dag: DAG, *, paused: bool = False):
    from tradewind.scheduler.runs import sync_dag
    from tradewind.store import dags

    structure = sync_dag(dag)
    dags.set_paused(dag.dag_id, paused)
    return structure


def _run(dag: DAG, day: int = 1, state: str = "running"):
    from tradewind.scheduler.runs import create_manual_run
    from tradewind.store import dags
    from tradewind.structure import DagStructure

    structure = DagStructure.from_serialized(dags.get_serialized(dag.dag_id))
    return create_manual_run(dag, structure, logical_date=datetime(2024, 1, day, tzinfo=UTC), state=DagRunState(state))


def _set(run, task_id: str, state: str, **fields) -> None:
    from tradewind.store import task_instances
    from tradewind.store.task_instances import StateChange

    current = task_instances.get_task_instance(run.dag_id, run.run_id, task_id)
    assert task_instances.set_states(
        [StateChange(run.dag_id, run.run_id, task_id, -1, frozenset({current.state}), state, fields)]
    ) == [True]


def _set_mapped(run, task_id: str, states: tuple[str, ...]) -> None:
    from tradewind.store import task_instances
    from tradewind.store.task_instances import StateChange

    assert all(
        task_instances.set_states(
            [StateChange(run.dag_id, run.run_id, task_id, i, frozenset({"none"}), s) for i, s in enumerate(states)]
        )
    )


def _scheduler_alive() -> None:
    from tradewind.store import jobs

    jobs.start_job(jobs.SCHEDULER, hostname="test", pid=1)


def _chain(dag_id: str, **dag_kw) -> DAG:
    with DAG(dag_id, schedule=None, start_date=datetime(2024, 1, 1), **dag_kw) as dag:
        EmptyOperator(task_id="a") >> EmptyOperator(task_id="b")
    return dag


def _codes(reasons) -> list[str]:
    return [r.code for r in reasons]


def _one(reasons, code: Code):
    found = [r for r in reasons if r.code == code]
    assert found, f"no {code} in {reasons}"
    return found[0]


def test_upstream_pending_names_each_upstream_and_its_state(db):
    with DAG("fan", schedule=None, start_date=datetime(2024, 1, 1)) as dag:
        [EmptyOperator(task_id="x"), EmptyOperator(task_id="y")] >> EmptyOperator(task_id="join")
    _sync(dag)
    _scheduler_alive()
    run = _run(dag)
    _set(run, "x", "success")
    _set(run, "y", "running")
    reasons = explain_task_instance("fan", run.run_id, "join")
    assert _codes(reasons) == [Code.UPSTREAM_PENDING]
    sentence = reasons[0].sentence
    assert "all_success" in sentence and "'y'" in sentence
    assert "x is success" in sentence and "y is running" in sentence
    assert reasons[0].details["pending"] == ["y"]


def test_trigger_rule_that_can_no_longer_be_met(db):
    dag = _chain("broken")
    _sync(dag)
    _scheduler_alive()
    run = _run(dag)
    _set(run, "a", "failed")
    reason = _one(explain_task_instance("broken", run.run_id, "b"), Code.TRIGGER_RULE_UNMET)
    assert "a is failed" in reason.sentence and "upstream_failed" in reason.sentence


def test_met_trigger_rule_with_free_slots_is_ready(db):
    with DAG("done", schedule=None, start_date=datetime(2024, 1, 1)) as dag:
        EmptyOperator(task_id="a") >> EmptyOperator(task_id="b", trigger_rule="all_done")
    _sync(dag)
    _scheduler_alive()
    run = _run(dag)
    _set(run, "a", "failed")
    assert _codes(explain_task_instance("done", run.run_id, "b")) == [Code.READY]


def test_full_pool_says_slots_used_of_total(db):
    from tradewind.store import pools

    pools.set_pool("tiny", 2)
    with DAG("pooled", schedule=None, start_date=datetime(2024, 1, 1)) as dag:
        EmptyOperator(task_id="hog", pool="tiny", pool_slots=2)
        EmptyOperator(task_id="wait", pool="tiny")
    _sync(dag)
    _scheduler_alive()
    run = _run(dag)
    _set(run, "hog", "running")
    reason = _one(explain_task_instance("pooled", run.run_id, "wait"), Code.POOL_FULL)
    assert "'tiny'" in reason.sentence and "2 of 2 slots" in reason.sentence
    assert reason.details == {"pool": "tiny", "used": 2, "slots": 2, "needed": 1}


def test_max_active_tasks_reached(db):
    with DAG("narrow", schedule=None, start_date=datetime(2024, 1, 1), max_active_tasks=1) as dag:
        EmptyOperator(task_id="a")
        EmptyOperator(task_id="b")
    _sync(dag)
    _scheduler_alive()
    run = _run(dag)
    _set(run, "a", "queued")
    reason = _one(explain_task_instance("narrow", run.run_id, "b"), Code.MAX_ACTIVE_TASKS)
    assert "max_active_tasks=1" in reason.sentence


def test_core_parallelism_reached(db, monkeypatch):
    from tradewind.config import conf

    monkeypatch.setenv("TRADEWIND__CORE__PARALLELISM", "1")
    conf.reload()
    with DAG("para", schedule=None, start_date=datetime(2024, 1, 1)) as dag:
        EmptyOperator(task_id="a")
        EmptyOperator(task_id="b")
    _sync(dag)
    _scheduler_alive()
    run = _run(dag)
    _set(run, "a", "running")
    reason = _one(explain_task_instance("para", run.run_id, "b"), Code.PARALLELISM)
    assert "[core] parallelism=1" in reason.sentence


def test_retry_time_in_the_future_then_past(db):
    dag = _chain("retrying")
    _sync(dag)
    _scheduler_alive()
    run = _run(dag)
    now = datetime.now(UTC)
    _set(run, "a", "running")  # a try ends up_for_retry/up_for_reschedule: it ran first
    _set(run, "a", "up_for_retry", try_number=1, max_tries=1, next_retry_at=now + timedelta(minutes=5))
    reasons = explain_task_instance("retrying", run.run_id, "a", now=now)
    assert _codes(reasons) == [Code.RETRY_WAIT]
    assert "try 2 of 2" in reasons[0].sentence and "(in 5m 0s)" in reasons[0].sentence
    later = now + timedelta(minutes=6)
    assert _codes(explain_task_instance("retrying", run.run_id, "a", now=later))[0] != Code.RETRY_WAIT


def test_reschedule_time_in_the_future(db):
    dag = _chain("sensing")
    _sync(dag)
    _scheduler_alive()
    run = _run(dag)
    now = datetime.now(UTC)
    _set(run, "a", "running")  # a try ends up_for_retry/up_for_reschedule: it ran first
    _set(run, "a", "up_for_reschedule", reschedule_at=now + timedelta(seconds=30))
    reason = _one(explain_task_instance("sensing", run.run_id, "a", now=now), Code.RESCHEDULE_WAIT)
    assert "(in 30s)" in reason.sentence


def test_paused_dag(db):
    dag = _chain("sleepy")
    _sync(dag, paused=True)
    _scheduler_alive()
    run = _run(dag, state="queued")
    reasons = explain_task_instance("sleepy", run.run_id, "a")
    assert _codes(reasons) == [Code.DAG_PAUSED]
    assert "tradewind dags unpause sleepy" in reasons[0].sentence


def test_depends_on_past_with_previous_run_not_successful(db):
    with DAG("past", schedule=None, start_date=datetime(2024, 1, 1)) as dag:
        EmptyOperator(task_id="a", depends_on_past=True)
    _sync(dag)
    _scheduler_alive()
    first = _run(dag, day=1)
    _set(first, "a", "failed")
    second = _run(dag, day=2)
    reason = _one(explain_task_instance("past", second.run_id, "a"), Code.DEPENDS_ON_PAST)
    assert first.run_id in reason.sentence and "failed" in reason.sentence
    _set(first, "a", "none")
    _set(first, "a", "success")  # cleared and re-run: no longer holds the next run back
    assert _codes(explain_task_instance("past", second.run_id, "a")) == [Code.READY]


def test_run_queued_behind_max_active_runs(db):
    dag = _chain("one_at_a_time", max_active_runs=1)
    _sync(dag)
    _scheduler_alive()
    first = _run(dag, day=1, state="running")
    second = _run(dag, day=2, state="queued")
    reason = _one(explain_task_instance("one_at_a_time", second.run_id, "a"), Code.MAX_ACTIVE_RUNS)
    assert "max_active_runs=1" in reason.sentence and first.run_id in reason.sentence


def test_queued_run_not_yet_started_and_no_scheduler(db):
    dag = _chain("idle")
    _sync(dag)
    run = _run(dag, state="queued")
    assert _codes(explain_task_instance("idle", run.run_id, "a")) == [Code.RUN_QUEUED, Code.NO_SCHEDULER]


def test_finished_and_running_say_since_when(db):
    dag = _chain("busy")
    _sync(dag)
    run = _run(dag)
    now = datetime.now(UTC)
    _set(run, "a", "success", try_number=1, end_date=now - timedelta(minutes=3))
    _set(run, "b", "running", try_number=1, start_date=now - timedelta(seconds=20), hostname="w1", pid=42)
    finished = explain_task_instance("busy", run.run_id, "a", now=now)
    assert _codes(finished) == [Code.FINISHED]
    assert "success" in finished[0].sentence and "(3m 0s ago)" in finished[0].sentence
    running = explain_task_instance("busy", run.run_id, "b", now=now)
    assert _codes(running) == [Code.RUNNING]
    assert "(20s ago)" in running[0].sentence and "w1 (pid 42)" in running[0].sentence


def test_unfinished_instance_of_a_finished_run(db):
    from tradewind.store import runs

    dag = _chain("over")
    _sync(dag)
    run = _run(dag)
    runs.set_dag_run_state("over", run.run_id, "failed", end_date=datetime.now(UTC))
    assert _codes(explain_task_instance("over", run.run_id, "b")) == [Code.RUN_FINISHED]


def test_unknown_run_or_task_raises_not_found(db):
    from tradewind.exceptions import DagRunNotFound, TaskNotFound

    dag = _chain("known")
    _sync(dag)
    run = _run(dag)
    with pytest.raises(DagRunNotFound):
        explain_task_instance("known", "nope", "a")
    with pytest.raises(TaskNotFound):
        explain_task_instance("known", run.run_id, "zzz")


def test_mapped_task_awaiting_expansion_then_its_instances_listed_downstream(db):
    from tradewind.operators.bash import BashOperator
    from tradewind.scheduler.expansion import expand_task

    with DAG("mapped", schedule=None, start_date=datetime(2024, 1, 1)) as dag:
        (
            EmptyOperator(task_id="start")
            >> BashOperator.partial(task_id="echo").expand(bash_command=["echo 1", "echo 2", "echo 3"])
            >> EmptyOperator(task_id="end")
        )
    structure = _sync(dag)
    _scheduler_alive()
    run = _run(dag)
    _set(run, "start", "success")
    assert _codes(explain_task_instance("mapped", run.run_id, "echo")) == [Code.AWAITING_EXPANSION]
    expand_task("mapped", run.run_id, structure.nodes["echo"], 3)  # as the scheduler does
    _set_mapped(run, "echo", ("success", "success", "running"))
    reason = _one(explain_task_instance("mapped", run.run_id, "end"), Code.UPSTREAM_PENDING)
    assert "echo has 3 mapped instances (1 running, 2 success)" in reason.sentence
    assert reason.details["upstream"] == {"echo": ["success", "success", "running"]}


def test_indirect_setup_that_failed_holds_a_work_task_back(db):
    with DAG("scoped", schedule=None, start_date=datetime(2024, 1, 1)) as dag:
        create = EmptyOperator(task_id="create")
        tolerant = EmptyOperator(task_id="tolerant", trigger_rule="all_done")
        work = EmptyOperator(task_id="work")
        delete = EmptyOperator(task_id="delete")
        create >> tolerant >> work >> delete.as_teardown(setups=create)
    _sync(dag)
    _scheduler_alive()
    run = _run(dag)
    _set(run, "create", "running")
    _set(run, "tolerant", "success")
    waiting = _one(explain_task_instance("scoped", run.run_id, "work"), Code.UPSTREAM_PENDING)
    assert "setup task(s) 'create'" in waiting.sentence and waiting.details["pending"] == ["create"]
    _set(run, "create", "failed")
    reason = _one(explain_task_instance("scoped", run.run_id, "work"), Code.TRIGGER_RULE_UNMET)
    assert "create is failed" in reason.sentence and "upstream_failed" in reason.sentence
    assert reason.details["setups"] == {"create": ["failed"]}
