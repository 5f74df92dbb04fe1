"""Trigger rules against Airflow 2.11.2's recorded answers, plus early decisions and edge cases."""

from __future__ import annotations

import pytest
from airflow_vectors import load as load_vectors

from tradewind.exceptions import DagDefinitionError
from tradewind.scheduler.trigger_rules import (
    Decision,
    TriggerRule,
    UpstreamSummary,
    evaluate,
    validate_trigger_rule,
)
from tradewind.states import TaskState

VECTORS_NAME = "trigger_rules-2.11.2.json"


def _vector_cases() -> list:
    table = load_vectors(VECTORS_NAME)["table"]
    return [
        pytest.param(tuple(row["upstream_states"]), rule, expected, id=f"{'+'.join(row['upstream_states'])}-{rule}")
        for row in table
        for rule, expected in row["result"].items()
    ]


def _final_state(decision: Decision) -> str:
    # The downstream in the recordings is an EmptyOperator-like task: once it runs, it succeeds.
    return TaskState.SUCCESS.value if decision is Decision.RUN else decision.value


@pytest.mark.parametrize(("upstream_states", "rule", "expected"), _vector_cases())
def test_matches_airflow_final_state(upstream_states: tuple[str, ...], rule: str, expected: str) -> None:
    decision = evaluate(rule, UpstreamSummary.from_states(upstream_states))
    assert _final_state(decision) == expected


def test_vectors_cover_every_rule_and_all_combinations() -> None:
    table = load_vectors(VECTORS_NAME)["table"]
    assert len(table) == 14
    for row in table:
        # the teardown rule is recorded in test_setup_teardown.py: it reads which upstreams are setups
        assert set(row["result"]) == {r.value for r in TriggerRule} - {TriggerRule.ALL_DONE_SETUP_SUCCESS}


@pytest.mark.parametrize(
    ("upstream_states", "rule", "expected"), [c for c in _vector_cases() if c.values[1] == "all_done"]
)
def test_teardown_rule_without_setups_is_all_done(upstream_states: tuple[str, ...], rule: str, expected: str) -> None:
    """Airflow: all_done_setup_success over upstreams that are no setups is all_done."""
    no_setups = UpstreamSummary.from_states([])
    decision = evaluate(TriggerRule.ALL_DONE_SETUP_SUCCESS, UpstreamSummary.from_states(upstream_states), no_setups)
    assert _final_state(decision) == expected


W, R, S, U = Decision.WAIT, Decision.RUN, Decision.SKIP, Decision.UPSTREAM_FAILED

EARLY_CASES = [
    # all_success: fails or skips as soon as it cannot succeed any more.
    ("all_success", ["success", "running"], W),
    ("all_success", ["success", "up_for_retry"], W),
    ("all_success", ["failed", "running"], U),
    ("all_success", ["upstream_failed", "queued"], U),
    ("all_success", ["skipped", "running"], S),
    ("all_success", ["failed", "skipped", "running"], U),
    # all_failed: skipped (not upstream_failed) once anything succeeded or was skipped.
    ("all_failed", ["failed", "running"], W),
    ("all_failed", ["success", "running"], S),
    ("all_failed", ["skipped", "none"], S),
    ("all_failed", ["failed", "upstream_failed"], R),
    # all_done: waits for everything, whatever the outcome; a retry is not done.
    ("all_done", ["success", "running"], W),
    ("all_done", ["failed", "up_for_retry"], W),
    ("all_done", ["failed", "skipped", "upstream_failed"], R),
    # all_skipped: skipped once anything did not skip.
    ("all_skipped", ["skipped", "running"], W),
    ("all_skipped", ["success", "running"], S),
    ("all_skipped", ["failed", "none"], S),
    ("all_skipped", ["upstream_failed", "scheduled"], S),
    # one_success: runs on the first success; otherwise decides only when all are done.
    ("one_success", ["success", "running"], R),
    ("one_success", ["failed", "running"], W),
    ("one_success", ["skipped", "running"], W),
    ("one_success", ["skipped", "skipped"], S),
    ("one_success", ["skipped", "failed"], U),
    # one_failed: runs on the first failed/upstream_failed; skipped when all done without one.
    ("one_failed", ["failed", "running"], R),
    ("one_failed", ["upstream_failed", "running"], R),
    ("one_failed", ["success", "running"], W),
    ("one_failed", ["up_for_retry", "success"], W),
    ("one_failed", ["success", "skipped"], S),
    # one_done: success or failed count; skipped / upstream_failed do not.
    ("one_done", ["success", "running"], R),
    ("one_done", ["failed", "running"], R),
    ("one_done", ["skipped", "running"], W),
    ("one_done", ["upstream_failed", "running"], W),
    # none_failed: upstream_failed at the first failure; otherwise waits for all.
    ("none_failed", ["failed", "running"], U),
    ("none_failed", ["upstream_failed", "running"], U),
    ("none_failed", ["success", "skipped", "running"], W),
    ("none_failed", ["skipped", "skipped"], R),
    # none_failed_min_one_success: no early skip; skipped only when every upstream skipped.
    ("none_failed_min_one_success", ["upstream_failed", "running"], U),
    ("none_failed_min_one_success", ["skipped", "running"], W),
    ("none_failed_min_one_success", ["success", "running"], W),
    ("none_failed_min_one_success", ["skipped", "success"], R),
    # none_skipped: skipped at the first skip; otherwise waits for all.
    ("none_skipped", ["skipped", "running"], S),
    ("none_skipped", ["failed", "running"], W),
    ("none_skipped", ["failed", "upstream_failed"], R),
    # always: never waits.
    ("always", ["running", "none"], R),
    ("always", ["up_for_retry"], R),
]


@pytest.mark.parametrize(
    ("rule", "states", "expected"), EARLY_CASES, ids=lambda v: "+".join(v) if isinstance(v, list) else str(v)
)
def test_early_decisions(rule: str, states: list[str], expected: Decision) -> None:
    assert evaluate(rule, UpstreamSummary.from_states(states)) is expected


def test_mapped_upstream_counts_every_map_index() -> None:
    states = ["success", "success", "success", "running"]
    summary = UpstreamSummary.from_states(states)
    assert evaluate(TriggerRule.ALL_SUCCESS, summary) is Decision.WAIT
    assert evaluate(TriggerRule.ONE_SUCCESS, summary) is Decision.RUN
    assert evaluate(TriggerRule.ALL_SUCCESS, UpstreamSummary.from_states(states[:3])) is Decision.RUN


@pytest.mark.parametrize(
    ("rule", "states", "expected"),
    [
        ("all_success", ["success", "removed"], R),
        ("all_failed", ["failed", "removed"], R),
        ("all_skipped", ["skipped", "removed"], R),
        ("one_success", ["skipped", "removed"], S),
        ("none_failed_min_one_success", ["skipped", "removed"], S),
        ("all_done", ["removed", "running"], W),
        ("all_success", ["removed", "removed"], R),
    ],
)
def test_removed_upstreams_are_done_and_ignored(rule: str, states: list[str], expected: Decision) -> None:
    assert evaluate(rule, UpstreamSummary.from_states(states)) is expected


@pytest.mark.parametrize("rule", list(TriggerRule))
def test_no_upstream_always_runs(rule: TriggerRule) -> None:
    assert evaluate(rule, UpstreamSummary(total=0)) is Decision.RUN
    assert evaluate(rule.value, UpstreamSummary.from_states([])) is Decision.RUN


def test_from_states_counts() -> None:
    summary = UpstreamSummary.from_states(
        [TaskState.SUCCESS, "success", "skipped", "failed", "upstream_failed", "removed", "running", "none", None]
    )
    assert summary == UpstreamSummary(total=9, success=2, skipped=1, failed=1, upstream_failed=1, removed=1, done=6)
    assert summary.pending == 3


def test_from_states_rejects_unknown_state() -> None:
    with pytest.raises(ValueError):
        UpstreamSummary.from_states(["succeeded"])


@pytest.mark.parametrize(
    "kwargs",
    [{"total": 1, "success": 2, "done": 2}, {"total": 2, "success": 2, "done": 1}, {"total": -1}],
)
def test_inconsistent_summary_is_rejected(kwargs: dict[str, int]) -> None:
    with pytest.raises(ValueError):
        UpstreamSummary(**kwargs)


def test_decision_values_are_task_states() -> None:
    assert Decision.SKIP.value == TaskState.SKIPPED.value
    assert Decision.UPSTREAM_FAILED.value == TaskState.UPSTREAM_FAILED.value


@pytest.mark.parametrize("rule", list(TriggerRule))
def test_validate_accepts_every_rule(rule: TriggerRule) -> None:
    assert validate_trigger_rule(rule.value) is rule
    assert validate_trigger_rule(rule) is rule


def test_validate_takes_airflow_2_deprecated_names() -> None:
    # Airflow 2's BaseOperator maps them (with a RemovedInAirflow3Warning) before validating.
    assert validate_trigger_rule("none_failed_or_skipped") is TriggerRule.NONE_FAILED_MIN_ONE_SUCCESS
    assert validate_trigger_rule("dummy") is TriggerRule.ALWAYS


@pytest.mark.parametrize("bad", ["sometimes", "ALL_SUCCESS", "", "Dummy"])
def test_validate_rejects_unknown_rule(bad: str) -> None:
    with pytest.raises(DagDefinitionError, match=rf"unknown trigger_rule '{bad}'; expected one of all_success, "):
        validate_trigger_rule(bad)


def test_evaluate_rejects_unknown_rule() -> None:
    with pytest.raises(DagDefinitionError, match="unknown trigger_rule 'sometimes'"):
        evaluate("sometimes", UpstreamSummary.from_states(["success"]))
