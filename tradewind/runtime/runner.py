"""Run one try of one task instance: claim it, render, execute, record the outcome.

The same function serves `tasks test`, `dags test` (in process) and the executors' workers
(in a forked process), so a task behaves the same wherever it runs.
"""

from __future__ import annotations

import copy
import logging
import os
import socket
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, TextIO

from tradewind import listeners
from tradewind.exceptions import (
    FailTask,
    RescheduleTask,
    SkipTask,
    TaskDeferred,
    TaskTerminated,
    TaskTimeout,
    TradewindException,
)
from tradewind.runtime import comms, retries
from tradewind.runtime.context import build_context
from tradewind.runtime.deferral import deferral_of, execute_deferrable
from tradewind.runtime.outlets import emit_outlet_events
from tradewind.runtime.protocol import Claim, SkipTasks, TryResult
from tradewind.runtime.task_instance import RuntimeTaskInstance
from tradewind.runtime.task_log import capture_task_log
from tradewind.runtime.templating import DeferredEnv, render_template_fields
from tradewind.runtime.timeout import execution_timeout
from tradewind.sdk.current_context import reset_current_context, set_current_context
from tradewind.sdk.mapped import expander
from tradewind.secrets.masker import redact
from tradewind.states import CLAIMABLE, TaskState
from tradewind.utils import serde

if TYPE_CHECKING:
    from tradewind.sdk.baseoperator import BaseOperator
    from tradewind.sdk.dag import DAG
    from tradewind.store.records import DagRunRecord

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Outcome:
    """How a try ended; `error` is one line, the full traceback is in the log."""

    task_id: str
    map_index: int
    state: TaskState
    try_number: int
    duration: float
    error: str | None = None
    log_path: str | None = None
    next_retry_at: datetime | None = None


def _hostname() -> str:
    return socket.gethostname()


#: Stores a try's result; the stored row (truthy) if it was ours to store (the try was still running, not cleared).
Recorder = Callable[[Any, TryResult], Any]


def claim_task_instance(
    dag_run: DagRunRecord,
    task_id: str,
    map_index: int = -1,
    *,
    queued_only: bool = False,
    log_folder: str | None = None,
) -> Claim | None:
    """CAS the instance to running for a new try (a rescheduled sensor continues its try); None if taken.

    `queued_only`: only from `queued` (a workload a broker may deliver late or twice).
    `log_folder`: the base log folder as `task_log.log_folder_prefix` gives it (default: read now).
    """
    from tradewind.runtime.task_log import log_folder_prefix, log_path_in
    from tradewind.store import tries

    prefix = log_folder if log_folder is not None else log_folder_prefix()
    now = datetime.now(timezone.utc)
    claimed = tries.start_try(
        dag_run.dag_id,
        dag_run.run_id,
        task_id,
        map_index,
        expected=(TaskState.QUEUED,) if queued_only else CLAIMABLE,
        hostname=_hostname(),
        pid=os.getpid(),
        start_date=now,
        log_path=_around_try_number(log_path_in(prefix, dag_run.dag_id, dag_run.run_id, task_id, map_index, 0)),
    )
    if claimed is None:
        return None
    assert claimed.log_path is not None  # start_try stores the path it was given
    return Claim(claimed, claimed.log_path, now)


def _around_try_number(first_path: str) -> tuple[str, str]:
    """A log path (made for try 0) as the text before and after its try number: the claim puts the number in."""
    before, mark, after = first_path.rpartition("attempt=0")
    assert mark, first_path  # log_path_in names each log file attempt=<try number>.log
    return before + "attempt=", after


def record_try(claimed: Any, result: TryResult) -> Any:
    """The default Recorder: end the try in the database (CAS from running, same try number); the row or None."""
    from tradewind.store import tries

    return tries.finish_try(
        claimed.dag_id,
        claimed.run_id,
        claimed.task_id,
        claimed.map_index,
        state=result.state,
        end_date=result.end_date,
        next_retry_at=result.next_retry_at,
        rendered_fields=result.rendered_fields,
        reschedule_at=result.reschedule_at,
        try_number=claimed.try_number,
        start_date=claimed.start_date,
        deferral=result.deferral,
    )


def run_task_instance(
    dag: DAG,
    dag_run: DagRunRecord,
    task_id: str,
    map_index: int = -1,
    *,
    retry_delay_override: timedelta | None = None,
    echo: TextIO | None = None,
    test_mode: bool = False,
    mark_success: bool = False,
    emit_datasets: bool | None = None,
) -> Outcome | None:
    """Claim the instance (CAS to running), run it, and store the result. None if already claimed.

    `mark_success` (`DAG.test(mark_success_pattern=...)`) ends the try successful without running the task.
    `emit_datasets`: record the dataset events of its outlets (default: unless `test_mode`).
    A deferral's trigger runs here, in process (`dags test`, `tasks test`), as Airflow's `dags test` does.
    """
    claim = claim_task_instance(dag_run, task_id, map_index)
    if claim is None:
        return None
    return run_claimed(
        dag,
        dag_run,
        claim,
        retry_delay_override=retry_delay_override,
        echo=echo,
        test_mode=test_mode,
        mark_success=mark_success,
        emit_datasets=emit_datasets,
    )


def run_claimed(
    dag: DAG,
    dag_run: DagRunRecord,
    claim: Claim,
    *,
    retry_delay_override: timedelta | None = None,
    echo: TextIO | None = None,
    test_mode: bool = False,
    record: Recorder = record_try,
    mark_success: bool = False,
    emit_datasets: bool | None = None,
    defer_inline: bool = True,
) -> Outcome:
    """Run a claimed try and hand its result to `record`; callbacks and mails follow a stored result.

    Workers pass a `record` that sends the result to the worker process, which stores it over
    its warm connection, so a forked task needs no database of its own unless its code asks; and
    `defer_inline=False`: a deferral ends this process's part of the try (state deferred, no slot held).
    """
    claimed, path = claim.record, claim.log_path
    task_id, map_index = claimed.task_id, claimed.map_index
    task = dag.get_task(task_id)
    started = time.monotonic()
    with capture_task_log(path, echo=echo) as task_logger:
        task_logger.info("Starting attempt %s of %s", claimed.try_number, claimed.max_tries + 1)
        if not mark_success:
            state, error, rendered, ti, context = _execute(
                task, dag, dag_run, claimed, map_index, claim.start, path, test_mode, task_logger, defer_inline
            )
        else:
            task_logger.info("Marked success without running it (mark_success_pattern)")
            state, error, rendered, ti, context = TaskState.SUCCESS, None, None, None, {}
        next_retry_at = None
        reschedule_at = _reschedule_date(state, context)
        if state is TaskState.UP_FOR_RESCHEDULE:
            task_logger.info("Marking task as UP_FOR_RESCHEDULE; next poke at %s", reschedule_at)
        elif state is TaskState.UP_FOR_RETRY:
            delay = (
                retry_delay_override if retry_delay_override is not None else task.retry_delay_for(claimed.try_number)
            )
            next_retry_at = retries.next_retry_at(datetime.now(timezone.utc), delay)
            task_logger.info("Marking task as UP_FOR_RETRY; next try at %s", next_retry_at.isoformat())
        else:
            task_logger.info("Marking task as %s", state.value.upper())
        if ti is not None and ti.skip_requests:
            _apply_skips(dag_run, ti.skip_requests, ti, context)
        result = TryResult(
            state.value, datetime.now(timezone.utc), next_retry_at, reschedule_at, rendered, context.get("deferral")
        )
        finished = record(claimed, result)
        if finished and state is TaskState.SUCCESS and (not test_mode if emit_datasets is None else emit_datasets):
            emit_outlet_events(task, dag_run, map_index, context)
        if finished and ti is not None:
            ti.state = state.value
            _tell_listeners(ti, state, error)
            _run_callbacks(task, {**context, "exception": context.get("exception", error)}, state)
        if finished and state in (TaskState.FAILED, TaskState.UP_FOR_RETRY):
            from tradewind.notify.task_mail import notify_task_outcome  # email_on_failure / email_on_retry

            notify_task_outcome(task, dag_run, claimed, state=state, error=error, log_path=path, context=context)
    return Outcome(
        task_id=task_id,
        map_index=map_index,
        state=state,
        try_number=claimed.try_number,
        duration=time.monotonic() - started,
        error=error,
        log_path=path,
        next_retry_at=next_retry_at,
    )


def _execute(
    task: BaseOperator,
    dag: DAG,
    dag_run: DagRunRecord,
    claimed: Any,
    map_index: int,
    start: datetime,
    path: str,
    test_mode: bool,
    task_logger: logging.Logger,
    defer_inline: bool,
) -> tuple[TaskState, str | None, dict[str, Any] | None, Any, dict[str, Any]]:
    """Run the operator; map any exception to the state it earns. Never raises for user errors.

    A task resuming from a deferral (`next_method` stored) continues there instead of in `execute`.
    """
    ti = None
    rendered: dict[str, Any] | None = None
    token = None
    context: dict[str, Any] = {}
    try:
        params = run_params(dag, task, dag_run.conf)
        ti = RuntimeTaskInstance(
            task=task,
            dag_run=dag_run,
            map_index=map_index,
            try_number=claimed.try_number,
            max_tries=claimed.max_tries,
            start_date=start,
            hostname=_hostname(),
            log_filepath=path,
        )
        listeners.notify("on_task_instance_running", previous_state=TaskState.QUEUED, task_instance=ti)
        context = build_context(dag=dag, task=task, ti=ti, dag_run=dag_run, params=params, test_mode=test_mode)
        operator, from_xcom = _prepare_operator(task, context, map_index)
        ti.task = operator
        context["task"] = operator
        rendered = _render(operator, context, dag, from_xcom)
        token = set_current_context(context)
        _call_hooks(operator.on_execute_callback, context)
        with execution_timeout(operator.execution_timeout):
            try:
                operator.pre_execute(context)
                resume = (claimed.next_method, claimed.next_kwargs or {}) if claimed.next_method else None
                result = execute_deferrable(operator, context, resume=resume, inline=defer_inline)
            except (TaskTimeout, TaskTerminated):
                operator.on_kill()
                raise
            except TaskDeferred as deferred:
                context["deferral"] = deferral_of(deferred, datetime.now(timezone.utc))  # may fail the task
                raise
        operator.post_execute(context, result)
        _push_result(ti, operator, result)
        return TaskState.SUCCESS, None, rendered, ti, context
    except RescheduleTask as exc:
        context["exception"] = exc  # read back by _reschedule_date
        return TaskState.UP_FOR_RESCHEDULE, None, rendered, ti, context
    except TaskDeferred:
        return TaskState.DEFERRED, None, rendered, ti, context
    except SkipTask as exc:
        task_logger.info("Skipping: %s", exc)
        return TaskState.SKIPPED, None, rendered, ti, context
    except Exception as exc:  # noqa: BLE001 — the task's failure, recorded, never propagated
        task_logger.error("Task failed:\n%s", traceback.format_exc().rstrip())
        context["exception"] = exc  # the object, for on_failure_callback / on_retry_callback (as Airflow)
        message = f"{type(exc).__name__}: {exc}".strip()
        retryable = not isinstance(exc, FailTask) and claimed.try_number <= claimed.max_tries
        return (TaskState.UP_FOR_RETRY if retryable else TaskState.FAILED), message, rendered, ti, context
    finally:
        if token is not None:
            reset_current_context(token)


def _reschedule_date(state: TaskState, context: dict[str, Any]) -> datetime | None:
    """When a sensor that asked to be rescheduled runs again (None for any other outcome)."""
    exc = context.get("exception")
    return exc.reschedule_date if state is TaskState.UP_FOR_RESCHEDULE and isinstance(exc, RescheduleTask) else None


def run_params(dag: DAG, task: BaseOperator, conf: dict[str, Any] | None) -> dict[str, Any]:
    """DAG params, overridden by the task's params, then by the run's conf; all validated."""
    params = dag.params.copy()
    params.update(task.params)
    return params.validate(conf or {})


def _prepare_operator(task: BaseOperator, context: dict[str, Any], map_index: int) -> tuple[BaseOperator, set[int]]:
    """A private copy to render into (for a mapped task, the copy for this map index), and the ids
    of the values it was given from XCom."""
    mapping = expander(task)
    if mapping is not None:
        combos = mapping.expansion(context)
        if map_index < 0 or map_index >= len(combos):
            raise TradewindException(f"map index {map_index} is out of range: {task.task_id} expands to {len(combos)}")
        combo = combos[map_index]
        return mapping.unmap(combo), mapping.xcom_value_ids(combo)
    return copy.deepcopy(task), set()


def _render(operator: BaseOperator, context: dict[str, Any], dag: DAG, from_xcom: set[int]) -> dict[str, Any]:
    """Render the template fields. XComArgs in them resolve while rendering; as in Airflow, a value
    that came from XCom is data, not a template: it is never rendered."""
    rendered = render_template_fields(
        operator,
        context,
        DeferredEnv.of_dag(dag),  # built only if a field holds a template
        template_fields=operator.template_fields,
        template_ext=operator.template_ext,
        verbatim=from_xcom,
    )
    safe: dict[str, Any] = {}
    for key, value in rendered.items():
        try:
            serde.dumps(value)
            safe[key] = redact(value, key)  # stored for display: secrets read while rendering show as ***
        except TypeError:
            safe[key] = redact(repr(value))
    return safe


def _push_result(ti: Any, operator: BaseOperator, result: Any) -> None:
    if result is None or not operator.do_xcom_push:
        return
    if operator.multiple_outputs:
        if not isinstance(result, dict):
            raise TradewindException(f"multiple_outputs needs a dict return value, got {type(result).__name__}")
        for key, value in result.items():
            if not isinstance(key, str):
                raise TradewindException(f"multiple_outputs keys must be strings, got {key!r}")
            ti.xcom_push(key, value)
    ti.xcom_push("return_value", result)


def _apply_skips(dag_run: DagRunRecord, task_ids: list[str], ti: Any, context: dict[str, Any]) -> None:
    """Skip the (waiting) instances of `task_ids`, through the supervisor; in a mapped task group, a task of
    the same group is skipped for this instance's map index only, as Airflow does."""
    own = _same_group_targets(ti, set(task_ids))
    length = len(ti.task.mapped_task_group.expansion(context)) if own else 0
    comms.request(SkipTasks(dag_run.dag_id, dag_run.run_id, tuple(task_ids), ti.map_index, tuple(sorted(own)), length))


def _same_group_targets(ti: Any, task_ids: set[str]) -> set[str]:
    """Those of `task_ids` in the mapped task group of the skipping instance (none outside one)."""
    group = getattr(ti.task, "mapped_task_group", None)
    dag = ti.task.dag
    if group is None or dag is None or ti.map_index < 0:
        return set()
    return {t for t in task_ids if t in dag.task_dict and dag.task_dict[t].mapped_task_group is group}


def _call_hooks(hooks: Any, context: dict[str, Any]) -> None:
    """Run a callback or list of callbacks; a failing callback is logged, never fatal."""
    if not hooks:
        return
    for hook in hooks if isinstance(hooks, (list, tuple)) else [hooks]:
        try:
            hook(context)
        except Exception:  # noqa: BLE001
            logging.getLogger("tradewind.task").exception("callback %r failed", hook)


def _tell_listeners(ti: Any, state: TaskState, error: str | None) -> None:
    if state is TaskState.SUCCESS:
        listeners.notify("on_task_instance_success", previous_state=TaskState.RUNNING, task_instance=ti)
    elif state in (TaskState.FAILED, TaskState.UP_FOR_RETRY):  # a failed try, as Airflow's handle_failure
        listeners.notify("on_task_instance_failed", previous_state=TaskState.RUNNING, task_instance=ti, error=error)


def _run_callbacks(task: BaseOperator, context: dict[str, Any], state: TaskState) -> None:
    hook = {
        TaskState.SUCCESS: task.on_success_callback,
        TaskState.FAILED: task.on_failure_callback,
        TaskState.UP_FOR_RETRY: task.on_retry_callback,
        TaskState.SKIPPED: getattr(task, "on_skipped_callback", None),  # the task raised SkipTask (Airflow 2.10)
    }.get(state)
    _call_hooks(hook, context)
