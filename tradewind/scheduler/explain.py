"""Why isn't my task running? Each thing that holds a task instance back, as a plain sentence.

`explain_task_instance()` reads a snapshot of what the scheduler looks at (`gather`), then a pure
function (`explain`) applies the scheduler's own rules to it: trigger rules through
`trigger_rules.evaluate`, depends_on_past as the planner judges it, pools and concurrency limits
through `capacity.Occupancy.blocking` (the scheduler's own check), max_active_runs and pausing as
`Scheduler._start_queued_runs` does. The CLI (`tasks explain`) and the web UI share it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from tradewind.scheduler.capacity import Limit, LimitCode, Occupancy, SlotRequest
from tradewind.scheduler.planner import past_states
from tradewind.scheduler.trigger_rules import Decision, UpstreamSummary, evaluate, setup_constraint
from tradewind.states import DELAYED, FINISHED, SUCCESS_LIKE, DagRunState, DagRunType, TaskState

if TYPE_CHECKING:
    from tradewind.store.records import DagRecord, DagRunRecord, TaskInstanceRecord
    from tradewind.structure import DagStructure

#: A scheduler whose last heartbeat is older than this is taken for dead (as /health judges it).
SCHEDULER_GRACE = timedelta(seconds=30)


class Code(StrEnum):
    """Machine-readable reason codes (stable: the web UI and scripts key on them)."""

    FINISHED = "finished"
    RUNNING = "running"
    QUEUED = "queued"
    DAG_NOT_PARSED = "dag_not_parsed"
    TASK_REMOVED = "task_removed"
    DAG_PAUSED = "dag_paused"
    RUN_FINISHED = "run_finished"
    RUN_QUEUED = "run_queued"
    MAX_ACTIVE_RUNS = "max_active_runs"
    RETRY_WAIT = "retry_wait"
    RESCHEDULE_WAIT = "reschedule_wait"
    UPSTREAM_PENDING = "upstream_pending"
    TRIGGER_RULE_UNMET = "trigger_rule_unmet"
    DEPENDS_ON_PAST = "depends_on_past"
    AWAITING_EXPANSION = "awaiting_expansion"
    POOL_MISSING = "pool_missing"
    POOL_FULL = "pool_full"
    MAX_ACTIVE_TASKS = "max_active_tasks"
    MAX_ACTIVE_TIS_PER_DAG = "max_active_tis_per_dag"
    MAX_ACTIVE_TIS_PER_DAGRUN = "max_active_tis_per_dagrun"
    PARALLELISM = "parallelism"
    NO_SCHEDULER = "no_scheduler"
    DEFERRED = "deferred"
    READY = "ready"


@dataclass(frozen=True, slots=True)
class Reason:
    """One thing that holds the instance back (or, for finished/running/ready, what it is doing)."""

    code: Code
    sentence: str
    details: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "code": self.code.value}


@dataclass(frozen=True, slots=True)
class Facts:
    """What the scheduler would look at for this instance, read at one moment."""

    ti: TaskInstanceRecord
    run: DagRunRecord
    dag: DagRecord | None
    structure: DagStructure | None
    upstream_states: Mapping[str, tuple[str, ...]]  # upstream task_id → its instances' states
    previous_run_id: str | None
    past_state: str | None  # this task in the previous run (worst of its map indexes), None if absent
    occupancy: Occupancy  # slots in use, as the scheduler counts them
    all_active: int  # every instance queued or running (what the executors run, seen from the DB)
    parallelism: int
    running_runs: tuple[str, ...]  # run ids of this DAG's running runs
    scheduler_alive: bool


def explain_task_instance(
    dag_id: str, run_id: str, task_id: str, map_index: int = -1, *, now: datetime | None = None
) -> list[Reason]:
    """Reasons for one instance, most fundamental first; raises DagRunNotFound / TaskNotFound."""
    now = now or datetime.now(timezone.utc)
    return explain(gather(dag_id, run_id, task_id, map_index, now=now), now)


def gather(dag_id: str, run_id: str, task_id: str, map_index: int = -1, *, now: datetime) -> Facts:
    """Read everything `explain` needs (a handful of small queries)."""
    from tradewind.config import conf
    from tradewind.exceptions import DagRunNotFound, TaskNotFound
    from tradewind.store import dags, jobs, runs, task_instances

    run = runs.get_dag_run(dag_id, run_id)
    if run is None:
        raise DagRunNotFound(f"DAG run '{run_id}' of DAG '{dag_id}' not found")
    ti = task_instances.get_task_instance(dag_id, run_id, task_id, map_index)
    if ti is None:
        where = "" if map_index < 0 else f" (map index {map_index})"
        raise TaskNotFound(f"task instance '{task_id}'{where} of run '{run_id}' of DAG '{dag_id}' not found")
    structure = dags.get_structure(dag_id)
    upstream: dict[str, list[str]] = {}
    node = structure.nodes.get(task_id) if structure is not None else None
    setups = structure.indirect_setups.get(task_id, ()) if structure is not None else ()
    if node is not None and (node.upstream or setups):
        wanted = set(node.upstream) | set(setups)  # indirect setups decide too (the planner's setup constraint)
        for other in task_instances.list_task_instances(dag_id, run_id):
            if other.task_id in wanted:
                upstream.setdefault(other.task_id, []).append(other.state)
    previous = runs.previous_run(dag_id, run.logical_date) if node is not None and node.depends_on_past else None
    past_state = _past_state(previous, task_id) if previous is not None else None
    occupancy = Occupancy.read()
    return Facts(
        ti=ti,
        run=run,
        dag=dags.get_dag(dag_id),
        structure=structure,
        upstream_states={t: tuple(s) for t, s in upstream.items()},
        previous_run_id=previous.run_id if previous is not None else None,
        past_state=past_state,
        occupancy=occupancy,
        all_active=sum(occupancy.dag_used.values()),
        parallelism=conf.getint("core", "parallelism", fallback=32),
        running_runs=tuple(r.run_id for r in runs.list_dag_runs(dag_id, state=DagRunState.RUNNING.value)),
        scheduler_alive=bool(jobs.alive_jobs(jobs.SCHEDULER, within=SCHEDULER_GRACE, now=now)),
    )


def _past_state(previous: DagRunRecord, task_id: str) -> str | None:
    """The task's state in the previous run, as the scheduler sees it: any unsuccessful map index wins."""
    from tradewind.store import task_instances

    return past_states(task_instances.list_task_instances(previous.dag_id, previous.run_id)).get(task_id)


# --- the pure part -------------------------------------------------------------------------
def explain(facts: Facts, now: datetime) -> list[Reason]:
    """Apply the scheduler's rules to `facts`; never empty (READY when nothing holds it back)."""
    ti = facts.ti
    state = TaskState(ti.state)
    if state in FINISHED:
        return [_finished(ti, now)]
    if state is TaskState.RUNNING:
        return [_running(ti, now)]
    if state is TaskState.DEFERRED:
        return [_deferred(ti, now)]
    reasons: list[Reason] = []
    if state is TaskState.QUEUED:
        reasons.append(
            Reason(
                Code.QUEUED,
                (
                    f"It is queued since {_when(ti.queued_dttm, now)}: the executor starts it as soon as one of its "
                    "workers is free."
                ),
                {"queued_at": _iso(ti.queued_dttm)},
            )
        )
        return reasons + _scheduler(facts)
    blocking = _dag_and_run(facts, now)
    if any(r.code in (Code.DAG_NOT_PARSED, Code.TASK_REMOVED, Code.RUN_FINISHED) for r in blocking):
        return blocking
    reasons.extend(blocking)
    deps = _dependencies(facts, state, now)
    reasons.extend(deps)
    if not deps:
        reasons.extend(_capacity(facts))
    reasons.extend(_scheduler(facts))
    if not reasons:
        reasons.append(
            Reason(
                Code.READY,
                (
                    "Nothing holds it back: its dependencies are met and there are free slots; the scheduler "
                    "queues it at its next pass."
                ),
            )
        )
    return reasons


def _finished(ti: TaskInstanceRecord, now: datetime) -> Reason:
    since = f" since {_when(ti.end_date, now)}" if ti.end_date else ""
    tries = f" after try {ti.try_number}" if ti.try_number else ""
    return Reason(
        Code.FINISHED,
        (
            f"It is already finished: {ti.state}{since}{tries}. It runs again only if you clear it "
            f"(tradewind tasks clear {ti.dag_id} -t '^{ti.task_id}$')."
        ),
        {"state": ti.state, "end_date": _iso(ti.end_date), "try_number": ti.try_number},
    )


def _running(ti: TaskInstanceRecord, now: datetime) -> Reason:
    where = f" on {ti.hostname}" + (f" (pid {ti.pid})" if ti.pid else "") if ti.hostname else ""
    return Reason(
        Code.RUNNING,
        (f"It is already running since {_when(ti.start_date, now)}{where}, try {ti.try_number} of {ti.max_tries + 1}."),
        {"start_date": _iso(ti.start_date), "try_number": ti.try_number, "hostname": ti.hostname, "pid": ti.pid},
    )


def _deferred(ti: TaskInstanceRecord, now: datetime) -> Reason:
    deadline = (
        f"; it fails if the trigger has not fired by {ti.trigger_timeout.isoformat()}" if ti.trigger_timeout else ""
    )
    return Reason(
        Code.DEFERRED,
        (
            f"It is deferred since {_when(ti.end_date, now)}, holding no worker slot: it waits for its trigger "
            f"(id {ti.trigger_id}), which `tradewind triggerer` runs; then it resumes in {ti.next_method}() in the "
            f"same try {ti.try_number}{deadline}."
        ),
        {
            "trigger_id": ti.trigger_id,
            "next_method": ti.next_method,
            "trigger_timeout": _iso(ti.trigger_timeout),
            "try_number": ti.try_number,
        },
    )


def _dag_and_run(facts: Facts, now: datetime) -> list[Reason]:
    """The DAG and the run must allow scheduling at all."""
    ti, run = facts.ti, facts.run
    if facts.structure is None:
        return [
            Reason(
                Code.DAG_NOT_PARSED,
                (
                    f"The DAG '{ti.dag_id}' is not in the database: its file has not been parsed or fails to import "
                    "(see `tradewind dags list-import-errors`)."
                ),
            )
        ]
    if ti.task_id not in facts.structure.nodes:
        return [
            Reason(
                Code.TASK_REMOVED,
                (
                    f"The task '{ti.task_id}' is no longer in the DAG's current definition, so the scheduler "
                    "will never run it."
                ),
            )
        ]
    if run.state in (DagRunState.SUCCESS, DagRunState.FAILED):
        return [
            Reason(
                Code.RUN_FINISHED,
                (
                    f"The run '{run.run_id}' is already {run.state} (ended {_when(run.end_date, now)}): nothing more "
                    "runs in it unless you clear tasks."
                ),
                {"run_state": run.state, "end_date": _iso(run.end_date)},
            )
        ]
    if facts.dag is not None and facts.dag.is_paused and run.run_type != DagRunType.BACKFILL:
        # pausing stops everything below: a queued run's place in line does not matter yet
        return [
            Reason(
                Code.DAG_PAUSED,
                (
                    f"The DAG '{ti.dag_id}' is paused: the scheduler neither starts its runs nor schedules its tasks "
                    f"(tradewind dags unpause {ti.dag_id})."
                ),
            )
        ]
    reasons: list[Reason] = []
    if run.state == DagRunState.QUEUED:
        limit = facts.structure.max_active_runs
        others = [r for r in facts.running_runs if r != run.run_id]
        if len(others) >= limit:
            reasons.append(
                Reason(
                    Code.MAX_ACTIVE_RUNS,
                    (
                        f"The run is queued behind max_active_runs={limit}: {len(others)} other run(s) of this DAG "
                        f"are running ({', '.join(others[:5])}{', …' if len(others) > 5 else ''})."
                    ),
                    {"max_active_runs": limit, "running_runs": list(others)},
                )
            )
        else:
            reasons.append(
                Reason(
                    Code.RUN_QUEUED,
                    (
                        f"The run has been queued since {_when(run.queued_at, now)} and is not running yet: "
                        "the scheduler starts it at its next pass."
                    ),
                    {"queued_at": _iso(run.queued_at)},
                )
            )
    return reasons


def _dependencies(facts: Facts, state: TaskState, now: datetime) -> list[Reason]:
    """Retry/reschedule timers, then the trigger rule, depends_on_past and mapping, as the planner checks them."""
    ti = facts.ti
    assert facts.structure is not None
    node = facts.structure.nodes[ti.task_id]
    if state in DELAYED:
        # the planner re-queues these once their time has come, without looking at upstreams again
        retry = state is TaskState.UP_FOR_RETRY
        when = ti.next_retry_at if retry else ti.reschedule_at
        if when is None or when <= now:
            return []
        if retry:
            return [
                Reason(
                    Code.RETRY_WAIT,
                    (
                        f"Try {ti.try_number} failed; it waits for its retry delay and will run try {ti.try_number + 1} "
                        f"of {ti.max_tries + 1} at {_when(when, now)}."
                    ),
                    {"next_retry_at": _iso(when)},
                )
            ]
        return [
            Reason(
                Code.RESCHEDULE_WAIT,
                (f"The sensor gave back its slot and is rescheduled for {_when(when, now)}."),
                {"reschedule_at": _iso(when)},
            )
        ]
    setup_reasons = _indirect_setups(facts, node)
    if setup_reasons:
        return setup_reasons
    all_states = [s for t in node.upstream for s in facts.upstream_states.get(t, ())]
    setup_states = [
        s for t in node.upstream if facts.structure.nodes[t].is_setup for s in facts.upstream_states.get(t, ())
    ]
    decision = evaluate(
        node.trigger_rule, UpstreamSummary.from_states(all_states), UpstreamSummary.from_states(setup_states)
    )
    listing = _upstream_listing(node.upstream, facts.upstream_states)
    details = {
        "trigger_rule": node.trigger_rule,
        "upstream": {t: list(facts.upstream_states.get(t, ())) for t in node.upstream},
    }
    if decision is Decision.WAIT:
        pending = [
            t for t in node.upstream if any(TaskState(s) not in FINISHED for s in facts.upstream_states.get(t, ()))
        ]
        return [
            Reason(
                Code.UPSTREAM_PENDING,
                (
                    f"Its trigger rule {node.trigger_rule} is not met yet: waiting for {_names(pending)} to finish "
                    f"(upstream: {listing})."
                ),
                {**details, "pending": pending},
            )
        ]
    if decision in (Decision.SKIP, Decision.UPSTREAM_FAILED):
        return [
            Reason(
                Code.TRIGGER_RULE_UNMET,
                (
                    f"Its trigger rule {node.trigger_rule} can no longer be met (upstream: {listing}): "
                    f"the scheduler marks it {decision.value} at its next pass."
                ),
                {**details, "becomes": decision.value},
            )
        ]
    if node.depends_on_past and facts.past_state is not None and facts.past_state not in SUCCESS_LIKE:
        return [
            Reason(
                Code.DEPENDS_ON_PAST,
                (
                    f"It has depends_on_past=True and the previous run's '{ti.task_id}' "
                    f"(run {facts.previous_run_id}) is {facts.past_state}, not success or skipped."
                ),
                {"previous_run_id": facts.previous_run_id, "previous_state": facts.past_state},
            )
        ]
    if node.is_mapped and ti.map_index < 0:
        return [
            Reason(
                Code.AWAITING_EXPANSION,
                (
                    "It is a mapped task whose upstreams are done: the scheduler expands it into one instance per "
                    "input at its next pass."
                ),
            )
        ]
    return []


def _indirect_setups(facts: Facts, node: Any) -> list[Reason]:
    """Airflow 2.7's rule the planner applies before the trigger rule: every setup task a work task
    is inside the scope of (upstream, not direct) must succeed first."""
    assert facts.structure is not None
    setups = facts.structure.indirect_setups.get(node.task_id, ())
    if not setups:
        return []
    states = {t: facts.upstream_states.get(t, ()) for t in setups}
    decision = setup_constraint(UpstreamSummary.from_states(s for v in states.values() for s in v))
    if decision is None:
        return []
    listing = _upstream_listing(tuple(setups), facts.upstream_states)
    details = {"setups": {t: list(v) for t, v in states.items()}}
    if decision is Decision.WAIT:
        pending = [t for t in setups if any(TaskState(s) not in FINISHED for s in states[t])]
        return [
            Reason(
                Code.UPSTREAM_PENDING,
                (
                    f"It is in the scope of setup task(s) {_names(list(setups))}, which must all succeed before it "
                    f"runs: waiting for {_names(pending)} (setups: {listing})."
                ),
                {**details, "pending": pending},
            )
        ]
    return [
        Reason(
            Code.TRIGGER_RULE_UNMET,
            (
                f"Setup task(s) of its scope did not succeed (setups: {listing}): "
                f"the scheduler marks it {decision.value} at its next pass."
            ),
            {**details, "becomes": decision.value},
        )
    ]


def _capacity(facts: Facts) -> list[Reason]:
    """The limits the scheduler checks before queueing a ready instance (`Occupancy.blocking`)."""
    ti = facts.ti
    assert facts.structure is not None
    req = SlotRequest.for_instance(ti.key, ti.pool, ti.pool_slots, facts.structure)
    return [
        _limit_reason(limit, facts) for limit in facts.occupancy.blocking(req, facts.parallelism - facts.all_active)
    ]


#: the "max active" limits: what has reached it, and which of its instances count
_ACTIVE_LIMITS = {
    LimitCode.MAX_ACTIVE_TASKS: ("DAG", "task instances"),
    LimitCode.MAX_ACTIVE_TIS_PER_DAG: ("task", "instances (in all runs of '{dag_id}')"),
    LimitCode.MAX_ACTIVE_TIS_PER_DAGRUN: ("task", "instances in this run"),
}


def _limit_reason(limit: Limit, facts: Facts) -> Reason:
    code, ti = Code(limit.code.value), facts.ti
    if limit.code is LimitCode.POOL_MISSING:
        return Reason(
            code,
            (
                f"The pool '{limit.pool}' does not exist: tasks in a missing pool are never queued "
                f"(tradewind pools set {limit.pool} SLOTS DESCRIPTION)."
            ),
            {"pool": limit.pool},
        )
    if limit.code is LimitCode.POOL_FULL:
        return Reason(
            code,
            (
                f"The pool '{limit.pool}' is full: {limit.used} of {limit.limit} slots are in use and this task "
                f"needs {limit.needed}."
            ),
            {"pool": limit.pool, "used": limit.used, "slots": limit.limit, "needed": limit.needed},
        )
    if limit.code in _ACTIVE_LIMITS:
        holder, counted = _ACTIVE_LIMITS[limit.code]
        name = limit.code.value  # the setting's own name
        return Reason(
            code,
            (
                f"The {holder} has reached {name}={limit.limit}: {limit.used} of its "
                f"{counted.format(dag_id=ti.dag_id)} are queued or running."
            ),
            {name: limit.limit, "active": limit.used},
        )
    return Reason(
        code,
        (
            f"[core] parallelism={facts.parallelism} is reached: {facts.all_active} task instances are queued "
            "or running."
        ),
        {"parallelism": facts.parallelism, "active": facts.all_active},
    )


def _scheduler(facts: Facts) -> list[Reason]:
    if facts.scheduler_alive:
        return []
    return [
        Reason(
            Code.NO_SCHEDULER,
            (
                "No scheduler is running (no heartbeat in the last "
                f"{int(SCHEDULER_GRACE.total_seconds())} s): start one with `tradewind scheduler`."
            ),
        )
    ]


# --- wording -------------------------------------------------------------------------------
def _upstream_listing(upstream: tuple[str, ...], states: Mapping[str, tuple[str, ...]]) -> str:
    parts = []
    for task_id in upstream:
        found = states.get(task_id, ())
        if len(found) == 1:
            parts.append(f"{task_id} is {found[0]}")
        elif not found:
            parts.append(f"{task_id} has no instance")
        else:
            counts: dict[str, int] = {}
            for s in found:
                counts[s] = counts.get(s, 0) + 1
            parts.append(
                f"{task_id} has {len(found)} mapped instances ("
                + ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
                + ")"
            )
    return "; ".join(parts)


def _names(task_ids: list[str]) -> str:
    quoted = [f"'{t}'" for t in task_ids]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + f" and {quoted[-1]}"


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _when(value: datetime | None, now: datetime) -> str:
    """`2024-03-05T10:00:00+00:00 (4m 12s ago)`: absolute for logs, relative for humans."""
    if value is None:
        return "an unknown time"
    delta = (value - now).total_seconds()
    span = _span(abs(delta))
    return (
        f"{value.isoformat(timespec='seconds')} ({span} ago)"
        if delta < 0
        else f"{value.isoformat(timespec='seconds')} (in {span})"
    )


def _span(seconds: float) -> str:
    seconds = int(seconds)
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m {seconds}s"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours}h {minutes}m"
    return f"{hours // 24}d {hours % 24}h"
