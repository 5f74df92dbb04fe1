"""Setup and teardown tasks (Airflow 2.7+): authoring, the stored marks, and the planner's outcomes.

The outcome cases follow Airflow's "Setup and Teardown" how-to and its TriggerRuleDep /
DagRun.update_state code: a teardown runs after its work even when the work failed, is skipped
when its setups were skipped and upstream_failed when none of them succeeded; a work task whose
(indirect) setup failed is upstream_failed; teardowns do not decide the run's state unless
`on_failure_fail_dagrun=True`. Every run below is driven pass by pass with a fixed clock.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pytest

from tradewind.exceptions import DagDefinitionError
from tradewind.scheduler.planner import plan
from tradewind.scheduler.trigger_rules import Decision, TriggerRule, UpstreamSummary, evaluate, setup_constraint
from tradewind.sdk.dag import DAG
from tradewind.serialization import serialize_dag
from tradewind.structure import DagStructure

NOW = datetime(2024, 3, 5, tzinfo=timezone.utc)
START = datetime(2024, 1, 1, tzinfo=timezone.utc)


def _dag(dag_id: str = "st") -> DAG:
    return DAG(dag_id, schedule=None, start_date=START)


def _structure(dag: DAG) -> DagStructure:
    dag.check_cycle()
    return DagStructure.from_serialized(serialize_dag(dag))


@dataclass
class TI:
    task_id: str
    map_index: int
    state: str
    next_retry_at: datetime | None = None
    reschedule_at: datetime | None = None


def run_to_end(structure: DagStructure, outcomes: dict[str, str]) -> tuple[dict[str, str], str | None]:
    """Plan pass by pass; a ready task ends in `outcomes[task]` (success by default)."""
    tis = {t: TI(t, -1, "none") for t in structure.order}
    for _ in range(4 * len(tis) + 4):
        decided = plan(structure, list(tis.values()), NOW)
        for (task_id, _), state in decided.changes.items():
            tis[task_id].state = state.value
        for task_id, _ in decided.ready:
            tis[task_id].state = outcomes.get(task_id, "success")
        if decided.run_state is not None:
            return {t: ti.state for t, ti in tis.items()}, decided.run_state.value
        if not decided.changes and not decided.ready:
            break
    return {t: ti.state for t, ti in tis.items()}, None


# --- authoring --------------------------------------------------------------------------------------------
def _basic(on_failure_fail_dagrun: bool | None = None) -> DagStructure:
    from tradewind.operators.empty import EmptyOperator

    with _dag() as dag:
        create = EmptyOperator(task_id="create_cluster")
        query = EmptyOperator(task_id="run_query")
        delete = EmptyOperator(task_id="delete_cluster")
        create >> query >> delete.as_teardown(setups=create, on_failure_fail_dagrun=on_failure_fail_dagrun)
    return _structure(dag)


def test_as_teardown_marks_both_tasks_and_links_setup_to_teardown() -> None:
    structure = _basic()
    nodes = structure.nodes
    assert nodes["create_cluster"].is_setup and not nodes["create_cluster"].is_teardown
    assert nodes["delete_cluster"].is_teardown and not nodes["delete_cluster"].is_setup
    assert nodes["delete_cluster"].trigger_rule == "all_done_setup_success"
    assert set(nodes["delete_cluster"].upstream) == {"create_cluster", "run_query"}
    assert not nodes["run_query"].is_setup and not nodes["run_query"].is_teardown
    assert structure.state_leaves == ("run_query",)  # the teardown leaf does not decide the run


def test_on_failure_fail_dagrun_is_stored_and_makes_the_teardown_count() -> None:
    structure = _basic(on_failure_fail_dagrun=True)
    assert structure.nodes["delete_cluster"].on_failure_fail_dagrun
    assert structure.state_leaves == ("delete_cluster",)


def test_marks_that_contradict_each_other_fail_at_load() -> None:
    from tradewind.operators.empty import EmptyOperator

    with _dag():
        a = EmptyOperator(task_id="a").as_setup()
        b = EmptyOperator(task_id="b").as_teardown()
        plain = EmptyOperator(task_id="plain")
        with pytest.raises(DagDefinitionError, match="setup and cannot also be a teardown"):
            a.as_teardown()
        with pytest.raises(DagDefinitionError, match="teardown and cannot also be a setup"):
            b.as_setup()
        with pytest.raises(DagDefinitionError, match="not a teardown"):
            plain.on_failure_fail_dagrun = True
        with pytest.raises(DagDefinitionError, match="neither a setup nor a teardown"), plain:
            pass


@pytest.fixture
def airflow_names() -> Iterator[None]:
    from tradewind.compat.airflow import install, uninstall

    uninstall()
    install()
    yield
    uninstall()


def test_taskflow_decorators_and_context_manager(airflow_names: None) -> None:
    """The how-to's TaskFlow example, written against `airflow.decorators` (the compat layer)."""
    from airflow.decorators import setup, task, teardown

    @setup
    def create_cluster() -> str:
        return "c1"

    @teardown(on_failure_fail_dagrun=True)
    def delete_cluster(name: str) -> None:
        pass

    @task
    def query_one() -> None:
        pass

    @task
    def query_two() -> None:
        pass

    @task
    def summarize() -> None:
        pass

    with _dag() as dag:
        cluster = create_cluster()
        with delete_cluster(cluster).as_teardown(setups=cluster) as scope:
            [query_one(), query_two()] >> summarize()
        assert scope.task.task_id == "delete_cluster"
    structure = _structure(dag)
    nodes = structure.nodes
    assert nodes["create_cluster"].is_setup and nodes["delete_cluster"].is_teardown
    assert nodes["delete_cluster"].on_failure_fail_dagrun
    assert set(nodes["query_one"].upstream) == {"create_cluster"} == set(nodes["query_two"].upstream)
    assert set(nodes["delete_cluster"].upstream) == {"create_cluster", "summarize"}
    assert not nodes["summarize"].downstream[1:] and nodes["summarize"].downstream == ("delete_cluster",)


def test_tradewind_names_and_scope_add_task() -> None:
    import tradewind
    from tradewind.operators.empty import EmptyOperator

    @tradewind.setup
    def make() -> None:
        pass

    @tradewind.teardown
    def drop() -> None:
        pass

    with _dag() as dag:
        earlier = EmptyOperator(task_id="earlier")
        made = make()
        assert made.is_setup and made.as_setup() is made  # XComArg keeps chaining
        with made as scope:
            scope.add_task(earlier)
            later = EmptyOperator(task_id="later")
            earlier >> later
        made >> drop().as_teardown(setups=made)
    nodes = _structure(dag).nodes
    assert nodes["earlier"].upstream == ("make",)
    assert set(nodes["later"].upstream) == {"earlier"}
    assert nodes["drop"].is_teardown and set(nodes["drop"].upstream) == {"make"}


def test_nested_context_managers_wrap_inner_setup_and_teardown() -> None:
    from tradewind.operators.empty import EmptyOperator

    with _dag() as dag:
        outer_setup = EmptyOperator(task_id="outer_setup")
        outer_teardown = EmptyOperator(task_id="outer_teardown")
        with outer_teardown.as_teardown(setups=outer_setup):
            inner_setup = EmptyOperator(task_id="inner_setup")
            inner_teardown = EmptyOperator(task_id="inner_teardown")
            with inner_teardown.as_teardown(setups=inner_setup):
                EmptyOperator(task_id="work")
    nodes = _structure(dag).nodes
    assert nodes["work"].upstream == ("inner_setup",) and nodes["work"].downstream == ("inner_teardown",)
    assert set(nodes["inner_setup"].upstream) == {"outer_setup"}
    assert set(nodes["outer_teardown"].upstream) == {"outer_setup", "inner_teardown"}


def test_a_group_chained_downstream_looks_through_its_teardown() -> None:
    """Airflow: "teardown tasks are ignored when setting dependencies against task groups"."""
    from tradewind.operators.empty import EmptyOperator
    from tradewind.sdk.taskgroup import TaskGroup

    with _dag() as dag:
        with TaskGroup("g") as group:
            s = EmptyOperator(task_id="s")
            w = EmptyOperator(task_id="w")
            t = EmptyOperator(task_id="t")
            s >> w >> t.as_teardown(setups=s)
        group >> EmptyOperator(task_id="after")
    nodes = _structure(dag).nodes
    assert nodes["after"].upstream == ("g.w",)


def test_work_right_after_a_setup_must_keep_all_success(tmp_path: Path) -> None:
    """As Airflow's DAG.validate_setup_teardown: the file gets an import error naming the task."""
    from tradewind.parsing.dagbag import DagBag

    (tmp_path / "bad.py").write_text(
        "from datetime import datetime\n"
        "from tradewind import DAG\n"
        "from tradewind.operators.empty import EmptyOperator\n"
        "with DAG('bad', schedule=None, start_date=datetime(2024, 1, 1)):\n"
        "    s = EmptyOperator(task_id='s').as_setup()\n"
        "    s >> EmptyOperator(task_id='w', trigger_rule='all_done')\n"
    )
    bag = DagBag(tmp_path, include_examples=False)
    assert "bad" not in bag.dags
    (error,) = bag.import_errors.values()
    assert "task w follows setup task s and must keep trigger rule all_success, not all_done" in error.message


# --- the trigger rule -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("upstream", "setups", "expected"),
    [
        (["success", "running"], ["success"], Decision.WAIT),  # waits for the work
        (["success", "failed"], ["success"], Decision.RUN),  # work failed: the teardown still runs
        (["success", "upstream_failed"], ["success"], Decision.RUN),
        (["skipped", "skipped"], ["skipped"], Decision.SKIP),  # setup skipped: skipped
        (["failed", "upstream_failed"], ["failed"], Decision.UPSTREAM_FAILED),  # no setup succeeded
        (["failed", "success", "upstream_failed"], ["failed", "success"], Decision.RUN),  # one succeeded
        (["skipped", "failed", "upstream_failed"], ["skipped", "failed"], Decision.UPSTREAM_FAILED),
        (["failed", "success"], [], Decision.RUN),  # no setup upstream: all_done
    ],
)
def test_all_done_setup_success(upstream: list[str], setups: list[str], expected: Decision) -> None:
    summary = UpstreamSummary.from_states(upstream)
    assert evaluate(TriggerRule.ALL_DONE_SETUP_SUCCESS, summary, UpstreamSummary.from_states(setups)) is expected


@pytest.mark.parametrize(
    ("setups", "expected"),
    [
        (["success", "success"], None),
        (["success", "running"], Decision.WAIT),
        (["failed", "running"], Decision.UPSTREAM_FAILED),  # decided without waiting for the others
        (["upstream_failed"], Decision.UPSTREAM_FAILED),
        (["skipped", "success"], Decision.SKIP),
    ],
)
def test_indirect_setup_constraint(setups: list[str], expected: Decision | None) -> None:
    assert setup_constraint(UpstreamSummary.from_states(setups)) is expected


# --- whole runs -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("outcomes", "fail_dagrun", "states", "run_state"),
    [
        ({}, False, ("success", "success", "success"), "success"),
        # "If run_query fails, then delete_cluster will still run"; the run follows run_query
        ({"run_query": "failed"}, False, ("success", "failed", "success"), "failed"),
        # a setup's failure: its work is upstream_failed and so is the teardown (no setup succeeded)
        ({"create_cluster": "failed"}, False, ("failed", "upstream_failed", "upstream_failed"), "failed"),
        # a skipped setup: everything it wraps is skipped, the run succeeds
        ({"create_cluster": "skipped"}, False, ("skipped", "skipped", "skipped"), "success"),
        # teardowns are ignored for the run's state…
        ({"delete_cluster": "failed"}, False, ("success", "success", "failed"), "success"),
        # …unless on_failure_fail_dagrun
        ({"delete_cluster": "failed"}, True, ("success", "success", "failed"), "failed"),
        ({"run_query": "failed", "delete_cluster": "failed"}, False, ("success", "failed", "failed"), "failed"),
        ({"create_cluster": "skipped"}, True, ("skipped", "skipped", "skipped"), "success"),
    ],
)
def test_basic_setup_work_teardown(
    outcomes: dict[str, str], fail_dagrun: bool, states: tuple[str, str, str], run_state: str
) -> None:
    final, state = run_to_end(_basic(on_failure_fail_dagrun=fail_dagrun), outcomes)
    assert (final["create_cluster"], final["run_query"], final["delete_cluster"]) == states
    assert state == run_state


def test_the_run_is_not_over_while_its_teardown_has_not_run() -> None:
    structure = _basic()
    tis = [TI("create_cluster", -1, "success"), TI("run_query", -1, "failed"), TI("delete_cluster", -1, "none")]
    decided = plan(structure, tis, NOW)
    assert decided.ready == [("delete_cluster", -1)] and decided.run_state is None
    tis[2].state = "running"
    decided = plan(structure, tis, NOW)
    assert decided.run_state is None and not decided.ready


def _nested() -> DagStructure:
    from tradewind.operators.empty import EmptyOperator

    with _dag() as dag:
        outer_setup = EmptyOperator(task_id="outer_setup")
        inner_setup = EmptyOperator(task_id="inner_setup")
        work = EmptyOperator(task_id="work")
        inner_teardown = EmptyOperator(task_id="inner_teardown")
        outer_teardown = EmptyOperator(task_id="outer_teardown")
        outer_setup >> inner_setup >> work >> inner_teardown >> outer_teardown
        inner_teardown.as_teardown(setups=inner_setup)
        outer_teardown.as_teardown(setups=outer_setup)
    return _structure(dag)


ORDER = ("outer_setup", "inner_setup", "work", "inner_teardown", "outer_teardown")


@pytest.mark.parametrize(
    ("outcomes", "states", "run_state"),
    [
        ({}, ("success",) * 5, "success"),
        # the inner setup fails: its work and teardown cannot run; the outer teardown still cleans up
        (
            {"inner_setup": "failed"},
            ("success", "failed", "upstream_failed", "upstream_failed", "success"),
            "failed",
        ),
        # the outer setup fails: nothing it wraps runs, its teardown included
        ({"outer_setup": "failed"}, ("failed",) + ("upstream_failed",) * 4, "failed"),
        ({"outer_setup": "skipped"}, ("skipped",) * 5, "success"),
        ({"work": "failed"}, ("success", "success", "failed", "success", "success"), "failed"),
        ({"inner_teardown": "failed"}, ("success", "success", "success", "failed", "success"), "success"),
    ],
)
def test_nested_setups(outcomes: dict[str, str], states: tuple[str, ...], run_state: str) -> None:
    structure = _nested()
    assert structure.state_leaves == ("work",)
    final, state = run_to_end(structure, outcomes)
    assert tuple(final[t] for t in ORDER) == states
    assert state == run_state


def test_a_failed_indirect_setup_stops_work_whatever_its_trigger_rule() -> None:
    """Airflow's setup constraint: `later` would run under all_done, but its setup failed."""
    from tradewind.operators.empty import EmptyOperator

    with _dag() as dag:
        s = EmptyOperator(task_id="s")
        w = EmptyOperator(task_id="w")
        later = EmptyOperator(task_id="later", trigger_rule="all_done")
        t = EmptyOperator(task_id="t")
        s >> w >> later >> t.as_teardown(setups=s)
    structure = _structure(dag)
    assert structure.indirect_setups == {"later": ("s",)}
    final, state = run_to_end(structure, {"s": "failed"})
    assert final == {"s": "failed", "w": "upstream_failed", "later": "upstream_failed", "t": "upstream_failed"}
    assert state == "failed"
    final, state = run_to_end(structure, {"w": "failed"})  # setup fine: all_done lets `later` run
    assert final == {"s": "success", "w": "failed", "later": "success", "t": "success"}
    assert state == "success"


def test_two_setups_one_failed_the_teardown_still_runs() -> None:
    from tradewind.operators.empty import EmptyOperator

    with _dag() as dag:
        s1 = EmptyOperator(task_id="s1")
        s2 = EmptyOperator(task_id="s2")
        w = EmptyOperator(task_id="w")
        t = EmptyOperator(task_id="t")
        [s1, s2] >> w >> t.as_teardown(setups=[s1, s2])
    final, state = run_to_end(_structure(dag), {"s1": "failed"})
    assert final == {"s1": "failed", "s2": "success", "w": "upstream_failed", "t": "success"}
    assert state == "failed"


# --- what clearing a task clears --------------------------------------------------------------------------
def test_clear_selection_follows_airflow_partial_subset() -> None:
    structure = _nested()
    assert set(structure.clear_selection(["work"])) == set(ORDER)
    assert set(structure.clear_selection(["inner_setup"])) == {"inner_setup", "inner_teardown"}
    # a teardown alone brings no setup (Airflow's "relevant" setups have a teardown downstream of the task)
    assert structure.clear_selection(["outer_teardown"]) == ["outer_teardown"]
    assert set(structure.clear_selection(["inner_teardown"], upstream=True)) == set(ORDER)
