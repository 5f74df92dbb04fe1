"""Deferral: a task raises TaskDeferred (`self.defer`), waits for its trigger's first event, and resumes.

Under an executor, the runner stores the deferral (`deferral_of`): the try's process exits, the
instance is `deferred` and holds no slot, the triggerer runs the trigger, and a new process resumes
the task through `resume_execution(method_name, {**kwargs, "event": payload}, context)` in the same
try. Inline (`dags test`, `tasks test`, as Airflow's `dags test`), the trigger runs in the task's
process instead (`wait_for_event`). Either way the trigger makes the round trip through `serialize()`,
and a deferral that outlives its `timeout` fails the try (retries apply).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from tradewind.exceptions import TaskDeferralTimeout, TaskDeferred, TriggerError
from tradewind.store.records import Deferral
from tradewind.triggers.base import BaseTrigger, TriggerEvent, load_trigger

if TYPE_CHECKING:
    from tradewind.sdk.baseoperator import BaseOperator

log = logging.getLogger("tradewind.task")


def execute_deferrable(
    operator: BaseOperator, context: dict[str, Any], *, resume: tuple[str, dict[str, Any]] | None = None, inline: bool
) -> Any:
    """`operator.execute(context)` (or, `resume`d after a deferral, `resume_execution(*resume)`); its result.

    `inline`: a deferral's trigger runs here and the task resumes here, as often as it defers (`dags test`,
    `tasks test`); otherwise TaskDeferred leaves this function, for the runner to store the deferral.
    """
    method, kwargs = resume if resume is not None else (None, {})
    while True:
        try:
            if method is None:
                return operator.execute(context)
            return operator.resume_execution(method, kwargs, context)
        except TaskDeferred as deferred:
            if not inline:
                raise
            method, kwargs = deferred.method_name, {**(deferred.kwargs or {}), "event": wait_for_event(deferred)}


def deferral_of(deferred: TaskDeferred, now: datetime) -> Deferral:
    """What the store keeps of a deferral; TriggerError when its trigger cannot make the trip through serialize()."""
    trigger = _checked_trigger(deferred)
    classpath, kwargs = trigger.serialize()
    load_trigger(classpath, kwargs)  # fail now, in the task, rather than in the triggerer
    timeout = _timeout_seconds(deferred)
    log.info(
        "Pausing task as DEFERRED: waiting for %s %s, then resuming in %s", classpath, kwargs, deferred.method_name
    )
    return Deferral(
        classpath=classpath,
        trigger_kwargs=kwargs,
        next_method=deferred.method_name,
        next_kwargs=dict(deferred.kwargs or {}),
        timeout_at=None if timeout is None else now + timedelta(seconds=timeout),
    )


def wait_for_event(deferred: TaskDeferred) -> Any:
    """The payload of the deferral's trigger's first event; TaskDeferralTimeout past its timeout."""
    trigger = load_trigger(*_checked_trigger(deferred).serialize())
    timeout = _timeout_seconds(deferred)
    log.info("Task deferred: waiting for %r, then resuming in %s", trigger, deferred.method_name)
    import asyncio  # here, not at the top: every task's process imports this module, few run a trigger

    event = asyncio.run(first_event(trigger, timeout))
    log.info("Trigger fired %r; resuming", event)
    return event.payload


def _checked_trigger(deferred: TaskDeferred) -> BaseTrigger:
    if not isinstance(deferred.trigger, BaseTrigger):
        raise TriggerError(f"defer(trigger=...) needs a BaseTrigger, got {type(deferred.trigger).__name__}")
    return deferred.trigger


def _timeout_seconds(deferred: TaskDeferred) -> float | None:
    return deferred.timeout.total_seconds() if isinstance(deferred.timeout, timedelta) else deferred.timeout


async def first_event(trigger: BaseTrigger, timeout: float | None) -> TriggerEvent:
    """Run `trigger` until its first event (then close it and call its cleanup)."""
    import asyncio

    events = trigger.run()
    try:
        async with asyncio.timeout(timeout):
            async for event in events:
                return event
    except TimeoutError:
        raise TaskDeferralTimeout(
            f"the trigger fired no event within the deferral's timeout of {timeout:g} s"
        ) from None
    finally:
        if isinstance(events, AsyncGenerator):
            await events.aclose()
        await trigger.cleanup()
    raise TriggerError(f"{trigger!r} ended without an event")
