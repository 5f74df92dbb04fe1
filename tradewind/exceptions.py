"""Every exception Tradewind raises or lets users raise, under one root.

Control-flow exceptions (skip, fail without retry) belong here too: a task raises them to steer
its own state, and the runtime catches them by class, never by message.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import datetime, timedelta
    from typing import Any


class TradewindException(Exception):
    """Root of every Tradewind error; the CLI turns these into one line on stderr."""


# --- configuration and environment -------------------------------------------------------
class ConfigError(TradewindException):
    """A configuration value is missing or cannot be parsed."""


class DatabaseError(TradewindException):
    """The metadata database is unreachable, unmigrated, or refused an operation."""


class DatabaseNotMigrated(DatabaseError):
    """The schema is older than this version of Tradewind: run `tradewind db migrate`."""


class FernetKeyError(ConfigError):
    """`[core] fernet_key` is malformed, missing, or not the key a stored secret was encrypted with."""


# --- the state machine -------------------------------------------------------------------
class IllegalTransition(TradewindException):
    """A state write the state machine (`tradewind/states.py`) forbids: a bug in the caller, not a lost race."""


# --- authoring ---------------------------------------------------------------------------
class DagDefinitionError(TradewindException):
    """A DAG file defines something that cannot be a valid DAG."""


class DagCycleError(DagDefinitionError):
    """The task dependencies loop back on themselves; the message names the cycle."""


class DuplicateTaskIdError(DagDefinitionError):
    """Two tasks in one DAG share a task_id."""


class InvalidScheduleError(DagDefinitionError):
    """A schedule (cron string, preset, timedelta) cannot be understood."""


class InvalidDatasetError(DagDefinitionError, ValueError):
    """A dataset URI or extra is unusable (empty, whitespace, reserved scheme); a ValueError as in Airflow."""


class NotProvidedByTradewind(TradewindException, ModuleNotFoundError):
    """A DAG file imports an `airflow...` module or name that Tradewind's Airflow compatibility does not map."""


class StorageBackendMissing(TradewindException, ModuleNotFoundError):
    """An `ObjectStoragePath` names a scheme other than file:// and `fsspec` (or its backend) is not installed."""


class ProviderExtraMissing(TradewindException, ModuleNotFoundError):
    """A provider's hook or operator needs a package its extra installs (`pip install "tradewind[amazon]"`)."""


class ParamValidationError(TradewindException):
    """A DAG run's params do not satisfy the DAG's `Param` definitions."""


class TemplateError(TradewindException):
    """A templated field failed to render."""


# --- lookups (mostly from the CLI / API) -------------------------------------------------
class NotFound(TradewindException):
    """Something the user named does not exist."""


class DagNotFound(NotFound):
    """No DAG with that dag_id was found."""


class TaskNotFound(NotFound):
    """No task with that task_id in the DAG."""


class DagRunNotFound(NotFound):
    """No DAG run with that run_id or logical date."""


class DagRunAlreadyExists(TradewindException):
    """A DAG run with that run_id or logical date already exists."""


class UsageError(TradewindException):
    """A command-line argument or API input is malformed (bad date, bad JSON, …)."""


class SchedulerAlreadyRunning(TradewindException):
    """A second scheduler on a database that allows only one (SQLite)."""


class StateConflict(TradewindException):
    """A run or task instance changed state between reading it and acting on it (another process won the
    race): nothing was written; look again and retry. The API answers 409."""


class UserAlreadyExists(UsageError):
    """A web UI / REST API user with that username already exists."""


class ConnectionNotFound(NotFound):
    """No connection with that conn_id in the environment or the database."""


class InvalidConnection(UsageError):
    """A connection URI, JSON document or `extra` cannot be understood."""


class EmailError(TradewindException):
    """An email could not be sent (SMTP server unreachable, refused, timed out)."""


# --- raised inside tasks to steer their state --------------------------------------------
class TaskControl(TradewindException):
    """Base for exceptions a task raises on purpose to choose its final state."""


class SkipTask(TaskControl):
    """Raise inside a task to end it as *skipped* (Airflow's AirflowSkipException)."""


class FailTask(TaskControl):
    """Raise inside a task to fail it at once, without using its retries (AirflowFailException)."""


class SensorTimeout(FailTask):
    """A sensor waited longer than its `timeout`; never retried."""


class TriggeredDagRunFailed(TradewindException):
    """A DAG run a TriggerDagRunOperator waited for ended in one of its failed_states (retries apply)."""


class NotebookExecutionFailed(TradewindException):
    """A notebook run by PapermillOperator raised in a cell (or is missing); the message names the error."""


class VirtualenvError(TradewindException):
    """A task's virtualenv could not be built, or its callable failed there; the message has the output."""


class TaskTimeout(TradewindException):
    """A task ran past its `execution_timeout` and was stopped (retries still apply)."""


class TaskTerminated(TradewindException):
    """The task's process was told to stop (scheduler shutdown, state changed from outside)."""


class RescheduleTask(TaskControl):
    """A sensor in reschedule mode asks to run again at `reschedule_date`, freeing its slot meanwhile.

    The task instance goes to up_for_reschedule with the same try number (a reschedule is not a retry).
    """

    def __init__(self, reschedule_date: datetime) -> None:
        super().__init__(f"rescheduled for {reschedule_date.isoformat()}")
        self.reschedule_date = reschedule_date


class TaskDeferred(TaskControl):
    """Raised by `BaseOperator.defer`: wait for `trigger`'s first event, then call `method_name(context, event=…)`.

    The runtime catches it by class; the operator resumes in the same try (a deferral is not a retry).
    """

    def __init__(
        self,
        *,
        trigger: Any,
        method_name: str,
        kwargs: dict[str, Any] | None = None,
        timeout: timedelta | float | None = None,
    ) -> None:
        super().__init__(f"deferred to {type(trigger).__name__}, resuming in {method_name}")
        self.trigger = trigger
        self.method_name = method_name
        self.kwargs = kwargs
        self.timeout = timeout


class TaskDeferralTimeout(TradewindException):
    """A deferred task's trigger fired no event within the deferral's `timeout` (retries still apply)."""


class TriggerError(TradewindException):
    """A trigger cannot be rebuilt from its serialize() or ended without an event."""


# Airflow's names, so that DAG code written for Airflow keeps working.
AirflowException = TradewindException
AirflowSkipException = SkipTask
AirflowFailException = FailTask
AirflowSensorTimeout = SensorTimeout
AirflowRescheduleException = RescheduleTask
AirflowTaskTimeout = TaskTimeout
TaskDeferralError = TriggerError
