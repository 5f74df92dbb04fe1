"""BaseOperator: one task in a DAG, its retry/timeout/trigger settings and its dependencies."""

from __future__ import annotations

import copy
import functools
import inspect
import logging
from collections.abc import Callable, Iterable, Sequence
from contextvars import ContextVar
from datetime import date, datetime, time, timedelta, timezone
from itertools import pairwise
from typing import TYPE_CHECKING, Any, ClassVar, NoReturn

from tradewind.exceptions import DagDefinitionError
from tradewind.sdk import airflow_args, dag_context
from tradewind.sdk.dependency import DependencyMixin
from tradewind.sdk.setup_teardown import SetupTeardownMixin

if TYPE_CHECKING:
    from tradewind.sdk.dag import DAG
    from tradewind.sdk.edges import Label
    from tradewind.sdk.mapped import OperatorPartial
    from tradewind.sdk.taskgroup import MappedTaskGroup, TaskGroup
    from tradewind.sdk.xcom_arg import XComArg

Context = dict[str, Any]

_PRIORITY_WEIGHT_RULES = ("downstream", "upstream", "absolute")


def _init_param_names(cls: type) -> frozenset[str]:
    """Every named keyword any `__init__` in the MRO accepts: these can come from default_args."""
    names: set[str] = set()
    for klass in cls.__mro__:
        init = klass.__dict__.get("__init__")
        if init is None:
            continue
        for p in inspect.signature(init).parameters.values():
            if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) and p.name != "self":
                names.add(p.name)
    return frozenset(names)


_defaults_in_effect: ContextVar[dict[str, Any] | None] = ContextVar("tradewind_default_args", default=None)
"""The default_args of the operator being built (set by OperatorMeta.__call__ while it runs)."""


def _keyword_names(init: Callable[..., Any]) -> tuple[tuple[str, ...], frozenset[str]]:
    """An `__init__`'s positional-or-keyword parameter names in order, and all its named keywords."""
    params = [p for p in inspect.signature(init).parameters.values() if p.name != "self"]
    positional = tuple(p.name for p in params if p.kind is p.POSITIONAL_OR_KEYWORD)
    return positional, frozenset(p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY))


def _with_defaults(init: Callable[..., None]) -> Callable[..., None]:
    """`init`, taking each of its own parameters the call did not pass from the default_args in effect.

    As Airflow's `apply_defaults`, level by level: a subclass that passes a base class's argument
    itself (`super().__init__(conn_id="mine", **kwargs)`) wins over default_args, and the base
    class's other parameters still get theirs.
    """
    positional, names = _keyword_names(init)

    @functools.wraps(init)
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        defaults = _defaults_in_effect.get()
        if defaults:
            given = set(positional[: len(args)])
            for name in names & defaults.keys():
                if name not in kwargs and name not in given:
                    kwargs[name] = defaults[name]
        init(self, *args, **kwargs)

    __init__.__tradewind_defaults__ = True  # type: ignore[attr-defined]
    return __init__


class OperatorMeta(type):
    """Applies `default_args` (DAG's, group's, then the task's own) to each `__init__` of the operator.

    Airflow does the same with its `apply_defaults` wrapper: each `__init__` in the class
    hierarchy takes, for each of its own parameters the call to it did not pass, the value in
    default_args.
    """

    _accepted_kwargs: Callable[[], frozenset[str]]  # BaseOperator's classmethod

    def __init__(cls, name: str, bases: tuple[type, ...], namespace: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(name, bases, namespace, **kwargs)
        init = namespace.get("__init__")
        if init is not None and not getattr(init, "__tradewind_defaults__", False):
            type.__setattr__(cls, "__init__", _with_defaults(init))

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        if args:
            raise DagDefinitionError(f"{cls.__name__} takes keyword arguments only")
        dag = kwargs.get("dag") or dag_context.current_dag()
        group = kwargs.get("task_group") or dag_context.current_group(dag)
        merged: dict[str, Any] = {}
        if dag is not None:
            merged.update(dag.default_args)
        if group is not None:
            merged.update(group.default_args)
        merged.update(kwargs.pop("default_args", None) or {})
        params = kwargs.get("params")
        accepted = cls._accepted_kwargs()
        for key, value in merged.items():  # Airflow-only arguments: taken (below) whether passed or defaulted
            if key in airflow_args.TASK_NAMES and key not in accepted and key not in kwargs:
                kwargs[key] = value
        if "params" in merged and params is not None:  # task params extend the default ones
            kwargs["params"] = {**merged["params"], **params}
        extras: dict[str, Any] = {}
        if not airflow_args.TASK_NAMES.isdisjoint(kwargs):  # Airflow-only arguments the operator does not take
            extras = airflow_args.take_task_extras(kwargs, accepted, _user_location)
        token = _defaults_in_effect.set(merged)
        try:
            op = super().__call__(**kwargs)
        except TypeError:
            # Python names the missing argument but not the mistyped one beside it (`bash_comand=`).
            unknown = set(kwargs) - accepted
            missing = _missing_required(cls, {**merged, **kwargs})
            if not unknown or not missing:
                raise
            raise DagDefinitionError(
                f"invalid arguments were passed to {cls.__name__} (task_id: {kwargs.get('task_id')}): "
                f"{describe_unknown(unknown, accepted)}; missing required argument(s): {', '.join(missing)}"
            ) from None
        finally:
            _defaults_in_effect.reset(token)
        for attribute, value in extras.items():
            setattr(op, attribute, value)
        op._post_init()
        return op


def _user_location() -> tuple[str, int]:
    """The DAG file line creating the operator (for warnings about its arguments)."""
    from tradewind.sdk.dag import _caller_location

    return _caller_location()


def describe_unknown(names: Iterable[str], accepted: Iterable[str]) -> str:
    """`retires (did you mean `retries`?), bogus`: each unknown argument with its likely intended name."""
    import difflib

    accepted = sorted(accepted)
    described = []
    for name in sorted(names):
        close = difflib.get_close_matches(name, accepted, n=1)
        described.append(f"{name} (did you mean `{close[0]}`?)" if close else name)
    return ", ".join(described)


def _missing_required(cls: type, kwargs: dict[str, Any]) -> list[str]:
    """Required keyword arguments of `cls.__init__` the call did not pass."""
    params = inspect.signature(cls.__init__).parameters.values()  # type: ignore[misc]
    return [
        p.name
        for p in params
        if p.default is p.empty
        and p.name != "self"
        and p.name not in kwargs
        and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
    ]


class BaseOperator(SetupTeardownMixin, DependencyMixin, metaclass=OperatorMeta):
    """Subclass and implement `execute(context)`; its return value is pushed as XCom."""

    template_fields: ClassVar[Sequence[str]] = ()
    template_ext: ClassVar[Sequence[str]] = ()
    template_fields_renderers: ClassVar[dict[str, str]] = {}
    ui_color: ClassVar[str] = "#ffffff"
    ui_fgcolor: ClassVar[str] = "#000000"
    _accepted_cache: ClassVar[dict[type, frozenset[str]]] = {}

    def __init__(
        self,
        *,
        task_id: str,
        owner: str = "tradewind",
        email: str | Iterable[str] | None = None,
        email_on_retry: bool = True,
        email_on_failure: bool = True,
        retries: int | None = None,
        retry_delay: timedelta | float = timedelta(seconds=300),
        retry_exponential_backoff: bool = False,
        max_retry_delay: timedelta | float | None = None,
        start_date: datetime | None = None,
        end_date: datetime | None = None,
        depends_on_past: bool = False,
        wait_for_downstream: bool = False,
        dag: DAG | None = None,
        params: dict[str, Any] | None = None,
        priority_weight: int = 1,
        weight_rule: str = "downstream",
        queue: str | None = None,
        pool: str | None = None,
        pool_slots: int = 1,
        execution_timeout: timedelta | float | None = None,
        on_execute_callback: Callable | list[Callable] | None = None,
        on_failure_callback: Callable | list[Callable] | None = None,
        on_success_callback: Callable | list[Callable] | None = None,
        on_retry_callback: Callable | list[Callable] | None = None,
        trigger_rule: str = "all_success",
        do_xcom_push: bool = True,
        multiple_outputs: bool = False,
        doc_md: str | None = None,
        doc: str | None = None,
        task_group: TaskGroup | None = None,
        inlets: Any = None,
        outlets: Any = None,
        max_active_tis_per_dag: int | None = None,
        max_active_tis_per_dagrun: int | None = None,
        executor_config: dict | None = None,
        **kwargs: Any,
    ) -> None:
        if kwargs:
            raise DagDefinitionError(
                f"invalid arguments were passed to {type(self).__name__} (task_id: {task_id}): "
                + describe_unknown(kwargs, type(self)._accepted_kwargs())
            )
        _check_identifier("task_id", task_id)
        from tradewind.scheduler.trigger_rules import validate_trigger_rule

        self.owner = owner
        self.email = email
        self.email_on_retry = email_on_retry
        self.email_on_failure = email_on_failure
        self.retries = _default_retries() if retries is None else int(retries)
        self.retry_delay = _as_timedelta(retry_delay, "retry_delay")
        self.retry_exponential_backoff = retry_exponential_backoff
        self.max_retry_delay = None if max_retry_delay is None else _as_timedelta(max_retry_delay, "max_retry_delay")
        self.start_date = start_date
        self.end_date = end_date
        self.depends_on_past = depends_on_past or wait_for_downstream
        self.wait_for_downstream = wait_for_downstream
        self.params = dict(params or {})
        self.priority_weight = int(priority_weight)
        if weight_rule not in _PRIORITY_WEIGHT_RULES:
            raise DagDefinitionError(
                f"weight_rule must be one of {', '.join(_PRIORITY_WEIGHT_RULES)}, not {weight_rule!r}"
            )
        self.weight_rule = weight_rule
        self.queue = queue or _default_queue()
        self.pool = pool or "default_pool"
        self.pool_slots = int(pool_slots)
        if self.pool_slots < 1:
            raise DagDefinitionError(f"pool_slots must be at least 1 (task {task_id})")
        self.execution_timeout = (
            None if execution_timeout is None else _as_timedelta(execution_timeout, "execution_timeout")
        )
        self.on_execute_callback = on_execute_callback
        self.on_failure_callback = on_failure_callback
        self.on_success_callback = on_success_callback
        self.on_retry_callback = on_retry_callback
        self.trigger_rule = str(validate_trigger_rule(str(trigger_rule)))
        self.do_xcom_push = do_xcom_push
        self.multiple_outputs = multiple_outputs
        self.doc_md = doc_md or doc
        self.inlets = _as_list(inlets)
        self.outlets = _as_list(outlets)
        self.max_active_tis_per_dag = _positive_or_none(max_active_tis_per_dag, "max_active_tis_per_dag", task_id)
        self.max_active_tis_per_dagrun = _positive_or_none(
            max_active_tis_per_dagrun, "max_active_tis_per_dagrun", task_id
        )
        self.executor_config = executor_config or {}
        self.upstream_task_ids: set[str] = set()
        self.downstream_task_ids: set[str] = set()
        self.dag: DAG | None = None
        self.task_group: TaskGroup | None = None

        dag = dag or dag_context.current_dag()
        group = task_group or dag_context.current_group(dag)
        if group is None and dag is not None:
            group = dag.task_group
        self.task_id = group.child_id(task_id) if group is not None else task_id
        self._group = group
        self._dag_to_join = dag

    def _post_init(self) -> None:
        """Runs after the subclass `__init__`: join the DAG/group and wire XComArg inputs."""
        if self._group is not None:
            self._group.add(self)
        if self._dag_to_join is not None:
            self._dag_to_join.add_task(self)
        from tradewind.sdk.xcom_arg import XComArg

        for name in self.template_fields:
            for arg in XComArg.iter_xcom_args(getattr(self, name, None)):
                arg.operator.set_downstream(self)

    @classmethod
    def _accepted_kwargs(cls) -> frozenset[str]:
        names = BaseOperator._accepted_cache.get(cls)
        if names is None:
            names = BaseOperator._accepted_cache[cls] = _init_param_names(cls)
        return names

    # --- dependencies ------------------------------------------------------------------------
    @property
    def roots(self) -> list[BaseOperator]:
        return [self]

    @property
    def leaves(self) -> list[BaseOperator]:
        return [self]

    def _link_downstream(self, other: BaseOperator, edge_modifier: Label | None = None) -> None:
        """Add the edge self → other, adopting a DAG if only one side has one."""
        if self.dag is None and other.dag is None:
            raise DagDefinitionError(f"cannot link {self.task_id} >> {other.task_id}: neither task belongs to a DAG")
        dag = self.dag or other.dag
        assert dag is not None
        for op in (self, other):
            if op.dag is None:
                dag.add_task(op)
            elif op.dag is not dag:
                raise DagDefinitionError(
                    f"tasks {self.task_id} and {other.task_id} belong to different DAGs "
                    f"({self.dag.dag_id if self.dag else None} and {other.dag.dag_id if other.dag else None})"
                )
        if other.task_id == self.task_id:
            raise DagDefinitionError(f"task {self.task_id} cannot depend on itself")
        self.downstream_task_ids.add(other.task_id)
        other.upstream_task_ids.add(self.task_id)
        if edge_modifier is not None:
            dag.set_edge_info(self.task_id, other.task_id, {"label": edge_modifier.label})

    @property
    def upstream_list(self) -> list[BaseOperator]:
        assert self.dag is not None
        return [self.dag.task_dict[t] for t in sorted(self.upstream_task_ids)]

    @property
    def downstream_list(self) -> list[BaseOperator]:
        assert self.dag is not None
        return [self.dag.task_dict[t] for t in sorted(self.downstream_task_ids)]

    def get_direct_relatives(self, upstream: bool = False) -> list[BaseOperator]:
        return self.upstream_list if upstream else self.downstream_list

    # --- XCom --------------------------------------------------------------------------------
    @property
    def output(self) -> XComArg:
        """This task's `return_value` XCom, for passing into another task."""
        from tradewind.sdk.xcom_arg import XComArg

        return XComArg(self)

    # --- mapping -----------------------------------------------------------------------------
    @property
    def is_mapped(self) -> bool:
        """One instance per map index: true of `.expand()`ed tasks (MappedOperator) and of every
        task in a mapped task group."""
        return self.mapped_task_group is not None

    @property
    def mapped_task_group(self) -> MappedTaskGroup | None:
        """The innermost mapped task group this task is in, if any."""
        group = self.__dict__.get("task_group")
        while group is not None:
            if getattr(group, "is_mapped", False):
                return group
            group = group.parent_group
        return None

    @classmethod
    def partial(cls, **kwargs: Any) -> OperatorPartial:
        """Fix the arguments shared by every mapped copy; finish with `.expand(...)`."""
        from tradewind.sdk.mapped import OperatorPartial

        return OperatorPartial(cls, kwargs)

    # --- running -----------------------------------------------------------------------------
    def execute(self, context: Context) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must implement execute(context)")

    def defer(
        self,
        *,
        trigger: Any,
        method_name: str,
        kwargs: dict[str, Any] | None = None,
        timeout: timedelta | float | None = None,
    ) -> NoReturn:
        """Wait for `trigger`'s first event without running, then resume in `method_name(context, event=…)`."""
        from tradewind.exceptions import TaskDeferred

        raise TaskDeferred(trigger=trigger, method_name=method_name, kwargs=kwargs, timeout=timeout)

    def resume_execution(self, next_method: str, next_kwargs: dict[str, Any] | None, context: Context) -> Any:
        """Continue after a deferral: call `next_method(context, **next_kwargs)` (the event is in `event`).

        `__fail__` is where a deferral resumes when it timed out or its trigger failed (as Airflow): the try
        fails with TaskDeferralTimeout or TriggerError (Airflow's TaskDeferralError); retries apply.
        """
        from tradewind.triggers.base import FAIL_METHOD, TIMEOUT_ERROR

        if next_method == FAIL_METHOD:
            from tradewind.exceptions import TaskDeferralTimeout, TriggerError

            error = (next_kwargs or {}).get("error", "")
            if error == TIMEOUT_ERROR:
                raise TaskDeferralTimeout(f"the deferral timed out ({error})")
            raise TriggerError(f"the trigger failed: {error}")
        return getattr(self, next_method)(context, **(next_kwargs or {}))

    def pre_execute(self, context: Context) -> None:
        """Hook run right before `execute`; calls the `pre_execute=` callable given, as Airflow's."""
        hook = getattr(self, "_pre_execute_hook", None)
        if hook is not None:
            hook(context)

    def post_execute(self, context: Context, result: Any = None) -> None:
        """Hook run right after a successful `execute`; calls the `post_execute=` callable given."""
        hook = getattr(self, "_post_execute_hook", None)
        if hook is not None:
            hook(context, result)

    @property
    def task_display_name(self) -> str:
        """Airflow 2.9's display name; the task_id unless the file gave one."""
        return getattr(self, "_task_display_name", None) or self.task_id

    def on_kill(self) -> None:
        """Called when the task is stopped (timeout, clear); release external resources here."""

    @property
    def operator_name(self) -> str:
        return type(self).__name__

    @property
    def log(self) -> logging.Logger:
        """The task logger; the runtime sends it to this try's log file."""
        return _TASK_LOGGER

    def render_template(
        self, content: Any, context: Context, jinja_env: Any = None, seen_oids: set[int] | None = None
    ) -> Any:
        """Render `content` (a string, or containers of them) with `context`, in the DAG's Jinja
        environment: Airflow's `BaseOperator.render_template`, for use inside `execute`."""
        from tradewind.runtime.templating import render_value

        if jinja_env is None:
            if self.dag is None:
                from tradewind.runtime.templating import make_jinja_env

                jinja_env = make_jinja_env()
            else:
                jinja_env = self.dag.get_template_env()
        return render_value(content, context, jinja_env, template_ext=self.template_ext, seen=seen_oids)

    def retry_delay_for(self, try_number: int) -> timedelta:
        """How long to wait after try `try_number` failed, with Airflow's exponential backoff."""
        from tradewind.runtime.retries import retry_delay

        return retry_delay(
            self.retry_delay, try_number, exponential=self.retry_exponential_backoff, ceiling=self.max_retry_delay
        )

    def __repr__(self) -> str:
        return f"<Task({type(self).__name__}): {self.task_id}>"

    def __deepcopy__(self, memo: dict) -> BaseOperator:
        """Copies share the DAG reference; used when rendering a task for one try.

        In a forked task's process every object this touches is a page copied from its fork
        server, so what needs no `copy.deepcopy` call does not get one: immutable values are
        shared, an empty list, dict or set is a new empty one (measured: ~45 page copies fewer).
        """
        cls = type(self)
        new = cls.__new__(cls)
        memo[id(self)] = new
        copied = new.__dict__
        for key, value in self.__dict__.items():
            kind = type(value)
            if kind in _ATOMIC or key in _SHARED_ATTRIBUTES or callable(value):
                copied[key] = value  # (immutable: as good as what deepcopy would return, without the call)
            elif kind in _EMPTY_ON_COPY and not value and id(value) not in memo:
                copied[key] = memo[id(value)] = kind()  # (in the memo: an alias of it gets the same new one)
            else:
                copied[key] = copy.deepcopy(value, memo)
        return new


_TASK_LOGGER = logging.getLogger("tradewind.task")
"""Looked up once: `getLogger` takes logging's module lock, pages a forked task's process copies."""

_ATOMIC = frozenset({type(None), bool, int, float, complex, str, bytes, datetime, date, time, timedelta, timezone})
"""Types (exactly: not subclasses) whose values cannot change, so a copy may share them."""
_SHARED_ATTRIBUTES = frozenset({"dag", "task_group", "_group", "_dag_to_join"})
"""What a copy of a task refers to, not copies of: the DAG and the group it belongs to."""
_EMPTY_ON_COPY = frozenset({list, dict, set})


def _check_identifier(kind: str, value: Any) -> None:
    import re

    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z0-9_.\-]{1,250}", value):
        raise DagDefinitionError(f"{kind} {value!r} must be 1-250 characters of letters, digits, '_', '-' and '.'")


def _as_timedelta(value: Any, name: str) -> timedelta:
    if isinstance(value, timedelta):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return timedelta(seconds=value)
    raise DagDefinitionError(f"{name} must be a timedelta or a number of seconds, not {value!r}")


def _positive_or_none(value: Any, name: str, task_id: str) -> int | None:
    """A concurrency cap: None (no cap) or an integer of at least 1."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise DagDefinitionError(f"{name} must be a positive integer or None, not {value!r} (task {task_id})")
    return value


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple, set)) else [value]


def _default_queue() -> str:
    """Where a task without `queue` goes: `[celery] default_queue` (Airflow's `[operators] default_queue`)."""
    from tradewind.config import conf

    return str(conf.get("celery", "default_queue", fallback="default"))


def _default_retries() -> int:
    from tradewind.config import conf

    return int(conf.getint("core", "default_task_retries"))


def chain(*items: Any) -> None:
    """`chain(a, b, [c, d], e)`: each item downstream of the one before; lists pair up elementwise."""
    from tradewind.sdk.dependency import DependencyMixin

    for up, down in pairwise(items):
        up_is_list = isinstance(up, (list, tuple))
        down_is_list = isinstance(down, (list, tuple))
        if up_is_list and down_is_list:
            if len(up) != len(down):
                raise DagDefinitionError(
                    f"chain() needs lists of equal length side by side, got {len(up)} and {len(down)}"
                )
            for u, d in zip(up, down):
                u.set_downstream(d)
        elif up_is_list:
            for u in up:
                u.set_downstream(down)
        elif isinstance(up, DependencyMixin):
            up.set_downstream(down)
        else:
            raise DagDefinitionError(f"chain() cannot link {up!r}")


def cross_downstream(from_tasks: Sequence[Any], to_tasks: Any) -> None:
    """Every task of `from_tasks` upstream of every task of `to_tasks`."""
    for task in from_tasks:
        task.set_downstream(to_tasks)


def chain_linear(*elements: Any) -> None:
    """`chain_linear(a, [b, c], [d, e])`: every task of each element upstream of every task of the next."""
    if len(elements) < 2:
        raise DagDefinitionError("chain_linear() needs at least two tasks or lists of tasks")
    for up, down in pairwise(elements):
        for task in up if isinstance(up, (list, tuple)) else [up]:
            task.set_downstream(down)
