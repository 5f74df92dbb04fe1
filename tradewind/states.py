"""States of task instances and DAG runs, and the transitions between them, written down once."""

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


#: States from which a task instance will not move again without a clear.
FINISHED: frozenset[TaskState] = frozenset(
    {TaskState.SUCCESS, TaskState.FAILED, TaskState.SKIPPED, TaskState.UPSTREAM_FAILED, TaskState.REMOVED}
)
#: States in which a task instance holds (or is about to hold) an executor slot.
EXECUTING: frozenset[TaskState] = frozenset({TaskState.QUEUED, TaskState.RUNNING})
#: States the planner decides from: not yet queued, no try pending (skips and upstream_failed apply only here).
UNSCHEDULED: frozenset[TaskState] = frozenset({TaskState.NONE, TaskState.SCHEDULED})
#: States that still wait for something before they can be queued.
WAITING: frozenset[TaskState] = frozenset(
    {TaskState.NONE, TaskState.SCHEDULED, TaskState.UP_FOR_RETRY, TaskState.UP_FOR_RESCHEDULE}
)
#: Leaf states that make a DAG run succeed.
RUN_SUCCESS_LEAF: frozenset[TaskState] = frozenset({TaskState.SUCCESS, TaskState.SKIPPED})

#: The legal moves. Anything else is a bug or a race lost to another process.
TRANSITIONS: dict[TaskState, frozenset[TaskState]] = {
    TaskState.NONE: frozenset(
        {TaskState.SCHEDULED, TaskState.QUEUED, TaskState.SKIPPED, TaskState.UPSTREAM_FAILED, TaskState.REMOVED}
    ),
    TaskState.SCHEDULED: frozenset(
        {TaskState.QUEUED, TaskState.NONE, TaskState.SKIPPED, TaskState.UPSTREAM_FAILED, TaskState.REMOVED}
    ),
    TaskState.QUEUED: frozenset(
        {TaskState.RUNNING, TaskState.SCHEDULED, TaskState.FAILED, TaskState.UP_FOR_RETRY, TaskState.NONE}
    ),
    TaskState.RUNNING: frozenset(
        {
            TaskState.SUCCESS,
            TaskState.FAILED,
            TaskState.UP_FOR_RETRY,
            TaskState.UP_FOR_RESCHEDULE,
            TaskState.SKIPPED,
        }
    ),
    TaskState.UP_FOR_RETRY: frozenset({TaskState.SCHEDULED, TaskState.QUEUED, TaskState.NONE}),
    TaskState.UP_FOR_RESCHEDULE: frozenset({TaskState.SCHEDULED, TaskState.QUEUED, TaskState.NONE}),
    # Finished states only move back to NONE, through a clear.
    TaskState.SUCCESS: frozenset({TaskState.NONE}),
    TaskState.FAILED: frozenset({TaskState.NONE}),
    TaskState.SKIPPED: frozenset({TaskState.NONE}),
    TaskState.UPSTREAM_FAILED: frozenset({TaskState.NONE}),
    TaskState.REMOVED: frozenset({TaskState.NONE}),
}


def can_transition(old: TaskState, new: TaskState) -> bool:
    """True when moving a task instance from `old` to `new` is legal."""
    return new in TRANSITIONS[old]
