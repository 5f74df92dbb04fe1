"""Trigger rules: what a task instance does next, given its direct upstreams' states.

Pure logic (no DB, no DAG objects) so the scheduler, the inline `dags test` runner and tests
share one answer. It follows Airflow 2.11's TriggerRuleDep with `flag_upstream_failed` on, i.e.
what the scheduler does: a rule that can no longer be met turns the task skipped or
upstream_failed *as soon as that is certain*, and a rule that is already met (one_success,
one_failed, one_done) runs without waiting for the other upstreams.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from tradewind.exceptions import DagDefinitionError
from tradewind.states import FINISHED, TaskState


class TriggerRule(StrEnum):
    """When a task may run, judged on its direct upstream task instances (Airflow's names)."""

    ALL_SUCCESS = "all_success"
    ALL_FAILED = "all_failed"
    ALL_DONE = "all_done"
    ALL_DONE_SETUP_SUCCESS = "all_done_setup_success"  # a teardown's rule (Airflow 2.7+)
    ALL_SKIPPED = "all_skipped"
    ONE_SUCCESS = "one_success"
    ONE_FAILED = "one_failed"
    ONE_DONE = "one_done"
    NONE_FAILED = "none_failed"
    NONE_FAILED_MIN_ONE_SUCCESS = "none_failed_min_one_success"
    NONE_SKIPPED = "none_skipped"
    ALWAYS = "always"


class Decision(StrEnum):
    """Outcome of a trigger-rule check; SKIP / UPSTREAM_FAILED values are the TaskState to set."""

    WAIT = "wait"
    RUN = "run"
    SKIP = "skipped"
    UPSTREAM_FAILED = "upstream_failed"


@dataclass(frozen=True, slots=True)
class UpstreamSummary:
    """Counts over the direct upstream task instances (one per map index for mapped tasks).

    `done` counts instances in a finished state (success, failed, skipped, upstream_failed,
    removed); `total - done` are still pending (none, scheduled, queued, running, retrying…).
    """

    total: int
    success: int = 0
    skipped: int = 0
    failed: int = 0
    upstream_failed: int = 0
    removed: int = 0
    done: int = 0

    def __post_init__(self) -> None:
        # A hand-built summary that cannot describe real states would give silent nonsense.
        counted = self.success + self.skipped + self.failed + self.upstream_failed + self.removed
        if min(self.total, self.success, self.skipped, self.failed, self.upstream_failed, self.removed) < 0:
            raise ValueError(f"negative count in {self!r}")
        if not counted <= self.done <= self.total:
            raise ValueError(f"inconsistent upstream counts in {self!r}")

    @classmethod
    def from_states(cls, states: Iterable[str | TaskState]) -> UpstreamSummary:
        """Count states; `None` is read as TaskState.NONE, an unknown string raises ValueError."""
        counts = dict.fromkeys(TaskState, 0)
        for state in states:
            counts[TaskState.NONE if state is None else TaskState(state)] += 1
        return cls.from_counts(counts)

    @classmethod
    def from_counts(cls, counts: Mapping[TaskState, int]) -> UpstreamSummary:
        """From a count per state (the scheduler keeps these up to date instead of recounting)."""
        get = counts.get
        return cls(
            total=sum(counts.values()),
            success=get(TaskState.SUCCESS, 0),
            skipped=get(TaskState.SKIPPED, 0),
            failed=get(TaskState.FAILED, 0),
            upstream_failed=get(TaskState.UPSTREAM_FAILED, 0),
            removed=get(TaskState.REMOVED, 0),
            done=sum(get(s, 0) for s in FINISHED),
        )

    @property
    def pending(self) -> int:
        """Upstream instances not finished yet."""
        return self.total - self.done

    @property
    def relevant(self) -> int:
        """Upstream instances that count for the rule: removed ones are ignored."""
        return self.total - self.removed


_Check = Callable[[UpstreamSummary], Decision]


def _all_success(s: UpstreamSummary) -> Decision:
    # A failed upstream wins over a skipped one, but a skipped one wins over an upstream_failed
    # one. Airflow sets upstream_failed one scheduler pass after the failure that causes it, so
    # when a skip and that failure land together Airflow sees the skip first and skips this task
    # (recorded: [skipped, upstream_failed] -> skipped). Our planner cascades within one pass, so
    # it sees both at once; this order gives Airflow's answer.
    if s.failed:
        return Decision.UPSTREAM_FAILED
    if s.skipped:
        return Decision.SKIP
    if s.upstream_failed:
        return Decision.UPSTREAM_FAILED
    return Decision.RUN if s.success == s.relevant else Decision.WAIT


def _all_failed(s: UpstreamSummary) -> Decision:
    # Airflow skips (not upstream_failed) once any upstream succeeded or was skipped.
    if s.success or s.skipped:
        return Decision.SKIP
    return Decision.RUN if s.failed + s.upstream_failed == s.relevant else Decision.WAIT


def _all_done(s: UpstreamSummary) -> Decision:
    return Decision.RUN if s.pending == 0 else Decision.WAIT


def _all_done_setup_success(s: UpstreamSummary, setups: UpstreamSummary | None) -> Decision:
    """A teardown runs once everything upstream is done and one of its direct setups succeeded.

    As Airflow: when every direct setup was skipped it is skipped; when none succeeded (one
    failed) it is upstream_failed; with no setup upstream it is `all_done`.
    """
    if s.pending:
        return Decision.WAIT
    if setups is None or setups.total == 0:
        return Decision.RUN
    if setups.skipped >= setups.total:
        return Decision.SKIP
    return Decision.RUN if setups.success else Decision.UPSTREAM_FAILED


def setup_constraint(setups: UpstreamSummary) -> Decision | None:
    """A work task's *indirect* setups (upstream, not direct): all must succeed before it may run.

    As Airflow: a failed (or upstream_failed) one makes the task upstream_failed and a skipped one
    skipped, without waiting for the others; None means they all succeeded and the task's own
    trigger rule decides.
    """
    if setups.failed or setups.upstream_failed:
        return Decision.UPSTREAM_FAILED
    if setups.skipped:
        return Decision.SKIP
    return None if setups.success >= setups.relevant else Decision.WAIT


def _all_skipped(s: UpstreamSummary) -> Decision:
    if s.success or s.failed or s.upstream_failed:
        return Decision.SKIP
    return Decision.RUN if s.skipped == s.relevant else Decision.WAIT


def _one_success(s: UpstreamSummary) -> Decision:
    if s.success:
        return Decision.RUN
    if s.pending:
        return Decision.WAIT
    # All done without a success: only skips → skipped, any failure → upstream_failed.
    return Decision.SKIP if s.skipped == s.relevant else Decision.UPSTREAM_FAILED


def _one_failed(s: UpstreamSummary) -> Decision:
    if s.failed or s.upstream_failed:
        return Decision.RUN
    return Decision.SKIP if s.pending == 0 else Decision.WAIT


def _one_done(s: UpstreamSummary) -> Decision:
    # Airflow counts only success and failed as "done" here; skipped/upstream_failed do not.
    if s.success or s.failed:
        return Decision.RUN
    return Decision.SKIP if s.pending == 0 else Decision.WAIT


def _none_failed(s: UpstreamSummary) -> Decision:
    if s.failed or s.upstream_failed:
        return Decision.UPSTREAM_FAILED
    return Decision.RUN if s.success + s.skipped == s.relevant else Decision.WAIT


def _none_failed_min_one_success(s: UpstreamSummary) -> Decision:
    if s.failed or s.upstream_failed:
        return Decision.UPSTREAM_FAILED
    if s.skipped == s.relevant:
        return Decision.SKIP
    return Decision.RUN if s.success + s.skipped == s.relevant else Decision.WAIT


def _none_skipped(s: UpstreamSummary) -> Decision:
    if s.skipped:
        return Decision.SKIP
    return Decision.RUN if s.pending == 0 else Decision.WAIT


def _always(s: UpstreamSummary) -> Decision:
    return Decision.RUN


# Keyed by the enum, which hashes like its string value, so plain strings look up directly.
_CHECKS: dict[str, _Check] = {
    TriggerRule.ALL_SUCCESS: _all_success,
    TriggerRule.ALL_FAILED: _all_failed,
    TriggerRule.ALL_DONE: _all_done,
    TriggerRule.ALL_DONE_SETUP_SUCCESS: _all_done,  # `evaluate` adds the setups' part
    TriggerRule.ALL_SKIPPED: _all_skipped,
    TriggerRule.ONE_SUCCESS: _one_success,
    TriggerRule.ONE_FAILED: _one_failed,
    TriggerRule.ONE_DONE: _one_done,
    TriggerRule.NONE_FAILED: _none_failed,
    TriggerRule.NONE_FAILED_MIN_ONE_SUCCESS: _none_failed_min_one_success,
    TriggerRule.NONE_SKIPPED: _none_skipped,
    TriggerRule.ALWAYS: _always,
}


#: Names Airflow 2 deprecated but still takes, as the rule it maps them to.
DEPRECATED_RULES: dict[str, TriggerRule] = {
    "none_failed_or_skipped": TriggerRule.NONE_FAILED_MIN_ONE_SUCCESS,
    "dummy": TriggerRule.ALWAYS,
}


def validate_trigger_rule(rule: str) -> TriggerRule:
    """Turn a user-given rule name into a TriggerRule, or fail at DAG load with the valid names."""
    try:
        return DEPRECATED_RULES.get(rule) or TriggerRule(rule)
    except ValueError:
        expected = ", ".join(r.value for r in TriggerRule)
        raise DagDefinitionError(f"unknown trigger_rule {rule!r}; expected one of {expected}") from None


def evaluate(rule: str | TriggerRule, summary: UpstreamSummary, setups: UpstreamSummary | None = None) -> Decision:
    """Decide WAIT / RUN / SKIP / UPSTREAM_FAILED for a task instance that has not started.

    No upstream at all always runs. Removed upstreams count as done and are otherwise ignored,
    so a task whose upstreams were all removed runs too (nothing is left to wait for or judge).
    `setups` summarizes the direct upstream setup tasks (read by ALL_DONE_SETUP_SUCCESS only).
    """
    check = _CHECKS.get(rule)
    if check is None:
        validate_trigger_rule(str(rule))  # raises with the list of valid names
    if summary.relevant == 0:
        return Decision.RUN
    if rule == TriggerRule.ALL_DONE_SETUP_SUCCESS:
        return _all_done_setup_success(summary, setups)
    return check(summary)  # type: ignore[misc]
