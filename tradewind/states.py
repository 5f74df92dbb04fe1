"""States of task instances and DAG runs, their groupings, and the legal moves between them, written down once.

Every other module takes its state sets from here; the store checks every write against
`can_transition` / `can_transition_run` and refuses an illegal one (`IllegalTransition`).
"""

from __future__ import annotations

from enum import StrEnum


class TaskState(StrEnum):
    """State of one task instance (one try of one task in one DAG run, per map index)."""

    NONE = "none"
    SCHEDULED = "scheduled"
    QUEUED = "queued"
    RUNNING = "running"
    SUCCESS = "success"
    FAILED = "failed"
    UP_FOR_RETRY = "up_for_retry"
    UP_FOR_RESCHEDULE = "up_for_reschedule"
    DEFERRED = "deferred"
    SKIPPED = "skipped"
    UPSTREAM_FAILED = "upstream_failed"
    REMOVED = "removed"


class DagRunState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCESS = "success"
    FAILED = "failed"


class DagRunType(StrEnum):
    SCHEDULED = "scheduled"
    MANUAL = "manual"
    BACKFILL = "backfill"
    DATASET_TRIGGERED = "dataset_triggered"


# --- task-instance state sets ------------------------------------------------------------
#: States from which a task instance will not move again without a user's clear or mark.
FINISHED: frozenset[TaskState] = frozenset(
    {TaskState.SUCCESS, TaskState.FAILED, TaskState.SKIPPED, TaskState.UPSTREAM_FAILED, TaskState.REMOVED}
)
UNFINISHED: frozenset[TaskState] = frozenset(TaskState) - FINISHED
#: States in which a task instance holds (or is about to hold) an executor slot.
EXECUTING: frozenset[TaskState] = frozenset({TaskState.QUEUED, TaskState.RUNNING})
#: Waiting on upstream tasks: the planner decides these (queue, skip, upstream_failed, expand).
WAITING: frozenset[TaskState] = frozenset({TaskState.NONE, TaskState.SCHEDULED})
#: Waiting on a time (a retry delay, a sensor's next poke) before they can be queued again.
DELAYED: frozenset[TaskState] = frozenset({TaskState.UP_FOR_RETRY, TaskState.UP_FOR_RESCHEDULE})
#: States a runner may claim a new (or, rescheduled, the same) try from.
CLAIMABLE: frozenset[TaskState] = WAITING | DELAYED | {TaskState.QUEUED}
#: States that count as success: for a run's leaves, for depends_on_past.
SUCCESS_LIKE: frozenset[TaskState] = frozenset({TaskState.SUCCESS, TaskState.SKIPPED})
#: States that make a run's leaf count as failed.
FAILED_LIKE: frozenset[TaskState] = frozenset({TaskState.FAILED, TaskState.UPSTREAM_FAILED})

#: Where a waiting instance goes: queued by the scheduler (scheduled first in Airflow), claimed directly
#: by `tasks test` / `dags test`, settled by trigger rules or a branch, failed when a mapped task cannot
#: expand, removed with its task.
_FROM_WAITING: frozenset[TaskState] = frozenset(
    {
        TaskState.QUEUED,
        TaskState.RUNNING,
        TaskState.SKIPPED,
        TaskState.UPSTREAM_FAILED,
        TaskState.FAILED,
        TaskState.REMOVED,
    }
)

#: The moves the machine makes (scheduler, executors, runners), as in Airflow. A user's clear
#: or mark may also make the moves of `USER_TARGETS`.
TRANSITIONS: dict[TaskState, frozenset[TaskState]] = {
    TaskState.NONE: _FROM_WAITING | {TaskState.SCHEDULED},
    TaskState.SCHEDULED: _FROM_WAITING,
    # claimed by a worker; back to scheduled when no executor holds it (scheduler restart); failed when
    # the worker cannot start it; skipped by dagrun_timeout
    TaskState.QUEUED: frozenset({TaskState.RUNNING, TaskState.SCHEDULED, TaskState.FAILED, TaskState.SKIPPED}),
    # a try's result (SkipTask included; a dagrun_timeout skips it too); deferred: waiting on a trigger
    TaskState.RUNNING: frozenset(
        {
            TaskState.SUCCESS,
            TaskState.FAILED,
            TaskState.UP_FOR_RETRY,
            TaskState.UP_FOR_RESCHEDULE,
            TaskState.SKIPPED,
            TaskState.DEFERRED,
        }
    ),
    # its trigger fired, or its deferral timed out (to fail in the task, as Airflow): scheduled to run on in
    # the same try; skipped by dagrun_timeout
    TaskState.DEFERRED: frozenset({TaskState.SCHEDULED, TaskState.SKIPPED}),
    # once its time has come: queued (scheduled first in Airflow) or claimed; skipped by dagrun_timeout
    **{
        state: frozenset({TaskState.SCHEDULED, TaskState.QUEUED, TaskState.RUNNING, TaskState.SKIPPED})
        for state in DELAYED
    },
    # finished states move only by a user's clear or mark
    **{state: frozenset() for state in FINISHED},
}
#: What a user may set from any state (UI, API, CLI): none by a clear, success/failed/skipped by a mark.
USER_TARGETS: frozenset[TaskState] = frozenset({TaskState.NONE, TaskState.SUCCESS, TaskState.FAILED, TaskState.SKIPPED})


def can_transition(old: TaskState | str, new: TaskState | str, *, by_user: bool = False) -> bool:
    """True when moving a task instance from `old` to `new` is legal (for the machine; `by_user`: for a user)."""
    new = TaskState(new)
    return new in TRANSITIONS[TaskState(old)] or (by_user and new in USER_TARGETS)


# --- DAG-run state sets ------------------------------------------------------------------
#: Runs that count against max_active_runs and that the scheduler still works on.
ACTIVE_RUN: frozenset[DagRunState] = frozenset({DagRunState.QUEUED, DagRunState.RUNNING})
FINISHED_RUN: frozenset[DagRunState] = frozenset({DagRunState.SUCCESS, DagRunState.FAILED})

#: The moves the scheduler makes: it starts a queued run and ends it (planner, dagrun_timeout).
RUN_TRANSITIONS: dict[DagRunState, frozenset[DagRunState]] = {
    DagRunState.QUEUED: frozenset({DagRunState.RUNNING}),
    DagRunState.RUNNING: FINISHED_RUN,
    DagRunState.SUCCESS: frozenset(),
    DagRunState.FAILED: frozenset(),
}
#: What a user may set from any state: queued by a clear, success/failed by a mark.
USER_RUN_TARGETS: frozenset[DagRunState] = frozenset({DagRunState.QUEUED}) | FINISHED_RUN


def can_transition_run(old: DagRunState | str, new: DagRunState | str, *, by_user: bool = False) -> bool:
    """True when moving a DAG run from `old` to `new` is legal (for the scheduler; `by_user`: for a user)."""
    new = DagRunState(new)
    return new in RUN_TRANSITIONS[DagRunState(old)] or (by_user and new in USER_RUN_TARGETS)
