"""Deferral in the task's own process: run the trigger a task deferred on, then resume the task with its event.

Tradewind has no triggerer process yet, so a deferred task waits for its trigger's first event
in its own process (holding its slot, like a poke-mode sensor) — which is what Airflow's
`dags test` does too. The trigger still makes the round trip through `serialize()`, and the task
resumes through `resume_execution(method_name, {**kwargs, "event": payload}, context)` in the
same try, as in Airflow; a deferral that outlives its `timeout` fails the try (retries apply).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from tradewind.exceptions import TaskDeferralTimeout, TaskDeferred, TriggerError
from tradewind.triggers.base import BaseTrigger, TriggerEvent, load_trigger

if TYPE_CHECKING:
    from tradewind.sdk.baseoperator import BaseOperator

log = logging.getLogger("tradewind.task")


def execute_deferrable(operator: BaseOperator, context: dict[str, Any]) -> Any:
    """`operator.execute(context)`, waiting out and resuming from every deferral it makes; the final result."""
    try:
        return operator.execute(context)
    except TaskDeferred as deferred:
        pending = deferred
    while True:
        event = wait_for_event(pending)
        try:
            return operator.resume_execution(pending.method_name, {**(pending.kwargs or {}), "event": event}, context)
        except TaskDeferred as again:
            pending = again


def wait_for_event(deferred: TaskDeferred) -> Any:
    """The payload of the deferral's trigger's first event; TaskDeferralTimeout past its timeout."""
    if not isinstance(deferred.trigger, BaseTrigger):
        raise TriggerError(f"defer(trigger=...) needs a BaseTrigger, got {type(deferred.trigger).__name__}")
    trigger = load_trigger(*deferred.trigger.serialize())
    timeout = deferred.timeout.total_seconds() if isinstance(deferred.timeout, timedelta) else deferred.timeout
    log.info("Task deferred: waiting for %r, then resuming in %s", trigger, deferred.method_name)
    event = asyncio.run(first_event(trigger, timeout))
    log.info("Trigger fired %r; resuming", event)
    return event.payload


async def first_event(trigger: BaseTrigger, timeout: float | None) -> TriggerEvent:
    """Run `trigger` until its first event (then close it and call its cleanup)."""
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
