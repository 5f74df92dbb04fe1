"""TaskFlow: `@task`, `@task.branch`, `@task.short_circuit`, `@task.bash`, `@task.sensor`, `@task.virtualenv`,
`@task.external_python` (and their branch forms) over plain functions, and `@setup` / `@teardown` over any of them.

Calling a decorated function inside a DAG adds a task and returns an XComArg for its result;
passing that XComArg to another decorated function wires the dependency and the data.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from tradewind.exceptions import DagDefinitionError, SkipTask
from tradewind.operators.bash import BashOperator
from tradewind.operators.python import (
    BranchMixin,
    PythonOperator,
    ShortCircuitOperator,
    callable_kwargs,
)
from tradewind.operators.python_virtualenv import (
    BranchExternalPythonOperator,
    BranchPythonVirtualenvOperator,
    ExternalPythonOperator,
    PythonVirtualenvOperator,
)
from tradewind.sdk import dag_context
from tradewind.sdk.xcom_arg import XComArg
from tradewind.sensors.python import DecoratedSensorOperator

if TYPE_CHECKING:
    from tradewind.sdk.baseoperator import BaseOperator
    from tradewind.sdk.mapped import OperatorPartial

Mark = Callable[["BaseOperator"], object]  # makes a new task a setup or a teardown


class DecoratedPythonOperator(PythonOperator):
    """What `@task` creates: a PythonOperator that shows `@task` as its kind."""

    custom_operator_name = "@task"

    @property
    def operator_name(self) -> str:
        return self.custom_operator_name


class DecoratedBranchOperator(BranchMixin, DecoratedPythonOperator):
    custom_operator_name = "@task.branch"

    def execute(self, context: dict[str, Any]) -> Any:
        return self.do_branch(context, super().execute(context))


class DecoratedShortCircuitOperator(ShortCircuitOperator):
    custom_operator_name = "@task.short_circuit"

    @property
    def operator_name(self) -> str:
        return self.custom_operator_name


class _NamedByDecorator:
    """Shows the decorator (`@task.virtualenv` …) as the operator's kind, as Airflow does."""

    custom_operator_name = "@task"

    @property
    def operator_name(self) -> str:
        return self.custom_operator_name


class DecoratedVirtualenvOperator(_NamedByDecorator, PythonVirtualenvOperator):
    custom_operator_name = "@task.virtualenv"


class DecoratedExternalPythonOperator(_NamedByDecorator, ExternalPythonOperator):
    custom_operator_name = "@task.external_python"


class DecoratedBranchVirtualenvOperator(_NamedByDecorator, BranchPythonVirtualenvOperator):
    custom_operator_name = "@task.branch_virtualenv"


class DecoratedBranchExternalPythonOperator(_NamedByDecorator, BranchExternalPythonOperator):
    custom_operator_name = "@task.branch_external_python"


class DecoratedBashOperator(BashOperator):
    """`@task.bash`: the function returns the command, which is then rendered and run."""

    template_fields = ("op_args", "op_kwargs", "env", "cwd")
    custom_operator_name = "@task.bash"

    def __init__(
        self,
        *,
        python_callable: Callable[..., str],
        op_args: list[Any] | None = None,
        op_kwargs: dict[str, Any] | None = None,
        multiple_outputs: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(bash_command="", **kwargs)
        self.python_callable = python_callable
        self.op_args = list(op_args or [])
        self.op_kwargs = dict(op_kwargs or {})

    @property
    def operator_name(self) -> str:
        return self.custom_operator_name

    def execute(self, context: dict[str, Any]) -> Any:
        kwargs = callable_kwargs(self.python_callable, context, self.op_args, self.op_kwargs)
        command = self.python_callable(*self.op_args, **kwargs)
        if not isinstance(command, str) or not command.strip():
            raise DagDefinitionError(f"@task.bash function {self.task_id} must return a non-empty command string")
        from tradewind.runtime.templating import render_value

        assert self.dag is not None
        self.bash_command = render_value(command, context, self.dag.get_template_env(), template_ext=self.template_ext)
        return super().execute(context)


class TaskDecorator:
    """A function turned into a task factory by `@task` (and friends)."""

    def __init__(
        self, function: Callable[..., Any], operator_class: type, kwargs: dict[str, Any], mark: Mark | None = None
    ) -> None:
        self.function = function
        self.operator_class = operator_class
        self.kwargs = kwargs
        self.mark = mark
        functools.update_wrapper(self, function)

    def override(self, **kwargs: Any) -> TaskDecorator:
        """Same function, other operator arguments (e.g. another task_id or retries)."""
        return TaskDecorator(self.function, self.operator_class, {**self.kwargs, **kwargs}, self.mark)

    def marked(self, op: BaseOperator) -> XComArg:
        """The new task's XComArg, made a setup or teardown first if the function was decorated so."""
        if self.mark is not None:
            self.mark(op)
        return XComArg(op)

    def _operator_kwargs(self) -> dict[str, Any]:
        kwargs = dict(self.kwargs)
        kwargs.setdefault("task_id", self.function.__name__)
        kwargs["task_id"] = _unique_task_id(kwargs["task_id"], kwargs.get("dag"), kwargs.get("task_group"))
        kwargs.setdefault("multiple_outputs", _infers_multiple_outputs(self.function))
        kwargs["python_callable"] = self.function
        if "doc_md" not in kwargs and self.function.__doc__:
            kwargs["doc_md"] = inspect.cleandoc(self.function.__doc__)
        return kwargs

    def __call__(self, *args: Any, **kwargs: Any) -> XComArg:
        self._check_signature(args, kwargs)
        op = self.operator_class(op_args=list(args), op_kwargs=kwargs, **self._operator_kwargs())
        return self.marked(op)

    def _check_signature(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        """Arguments a function cannot take fail at DAG load, not when the task runs."""
        try:
            sig = inspect.signature(self.function)
        except (TypeError, ValueError):
            return
        try:
            sig.bind_partial(*args, **kwargs)
        except TypeError as exc:
            raise DagDefinitionError(f"task {self.function.__name__}: {exc}") from None

    def partial(self, **kwargs: Any) -> DecoratedPartial:
        return DecoratedPartial(self, kwargs)

    def expand(self, **mapped: Any) -> XComArg:
        return self.partial().expand(**mapped)

    def expand_kwargs(self, kwargs_list: Any) -> XComArg:
        return self.partial().expand_kwargs(kwargs_list)


class DecoratedPartial:
    """`fn.partial(y=1)`: fixed function arguments; `.expand(x=[...])` maps over the rest."""

    def __init__(self, decorator: TaskDecorator, fixed: dict[str, Any]) -> None:
        self.decorator = decorator
        self.fixed = fixed

    def _partial(self) -> OperatorPartial:
        from tradewind.sdk.mapped import OperatorPartial

        kwargs = self.decorator._operator_kwargs()
        kwargs["op_kwargs"] = dict(self.fixed)
        return OperatorPartial(self.decorator.operator_class, kwargs, expand_into="op_kwargs")

    def expand(self, **mapped: Any) -> XComArg:
        params = inspect.signature(self.decorator.function).parameters
        accepts_any = any(p.kind is p.VAR_KEYWORD for p in params.values())
        unknown = [name for name in mapped if name not in params and not accepts_any]
        if unknown:
            raise DagDefinitionError(
                f"expand() got arguments {unknown} that {self.decorator.function.__name__}() does not take"
            )
        return self.decorator.marked(self._partial().expand(**mapped))

    def expand_kwargs(self, kwargs_list: Any) -> XComArg:
        return self.decorator.marked(self._partial().expand_kwargs(kwargs_list))


def _infers_multiple_outputs(fn: Callable[..., Any]) -> bool:
    import typing

    try:
        hints = typing.get_type_hints(fn)
    except Exception:
        return False
    ret = hints.get("return")
    origin = typing.get_origin(ret) or ret
    return origin in (dict, typing.Dict)  # noqa: UP006


def _unique_task_id(task_id: str, dag: Any, group: Any) -> str:
    """Calling one @task function twice in a DAG gives `name`, `name__1`, `name__2`, like Airflow."""
    dag = dag or dag_context.current_dag()
    if dag is None:
        raise DagDefinitionError(
            f"task {task_id} must be called inside a DAG (a `with DAG(...)` block or @dag function)"
        )
    group = group or dag_context.current_group(dag) or dag.task_group
    if group.child_id(task_id) not in dag.task_dict:
        return task_id
    n = 1
    while group.child_id(f"{task_id}__{n}") in dag.task_dict:
        n += 1
    return f"{task_id}__{n}"


def _factory(operator_class: type) -> Callable[..., Any]:
    def decorate(python_callable: Callable[..., Any] | None = None, **kwargs: Any) -> Any:
        if python_callable is not None and not callable(python_callable):
            raise DagDefinitionError("use @task or @task(...) over a function")
        if python_callable is None:
            return lambda fn: TaskDecorator(fn, operator_class, kwargs)
        return TaskDecorator(python_callable, operator_class, kwargs)

    return decorate


class _TaskDecoratorCollection:
    """`task` itself, with `task.python`, `task.branch`, `task.short_circuit`, `task.bash`, `task.sensor`,
    `task.virtualenv`, `task.external_python`, `task.branch_virtualenv`, `task.branch_external_python`."""

    python = staticmethod(_factory(DecoratedPythonOperator))
    branch = staticmethod(_factory(DecoratedBranchOperator))
    short_circuit = staticmethod(_factory(DecoratedShortCircuitOperator))
    bash = staticmethod(_factory(DecoratedBashOperator))
    sensor = staticmethod(_factory(DecoratedSensorOperator))
    virtualenv = staticmethod(_factory(DecoratedVirtualenvOperator))
    external_python = staticmethod(_factory(DecoratedExternalPythonOperator))
    branch_virtualenv = staticmethod(_factory(DecoratedBranchVirtualenvOperator))
    branch_external_python = staticmethod(_factory(DecoratedBranchExternalPythonOperator))

    def __call__(self, python_callable: Callable[..., Any] | None = None, **kwargs: Any) -> Any:
        return self.python(python_callable, **kwargs)

    @staticmethod
    def run_if(condition: Callable[[Any], Any], skip_message: str | None = None) -> Callable[[Any], TaskDecorator]:
        """`@task.run_if(lambda context: ...)` over a `@task...` function: the task runs only when the
        condition holds for its context, else it is skipped (Airflow 2.10)."""
        return _conditional("run_if", condition, skip_message, skip_when=False)

    @staticmethod
    def skip_if(condition: Callable[[Any], Any], skip_message: str | None = None) -> Callable[[Any], TaskDecorator]:
        """`@task.skip_if(lambda context: ...)`: the task is skipped when the condition holds (Airflow 2.10)."""
        return _conditional("skip_if", condition, skip_message, skip_when=True)

    def __getattr__(self, name: str) -> Any:
        raise AttributeError(f"task.{name} is not a Tradewind task decorator")


def _conditional(
    name: str, condition: Callable[[Any], Any], skip_message: str | None, *, skip_when: bool
) -> Callable[[Any], TaskDecorator]:
    """The decorator of `task.run_if` / `task.skip_if`: the condition runs before the task's own
    `pre_execute`, and skips the task (Airflow's message unless `skip_message`)."""

    def decorate(decorated: Any) -> TaskDecorator:
        if not isinstance(decorated, TaskDecorator):
            raise DagDefinitionError(
                f"@task.{name} goes above a @task decorator (decorate the function with @task first)"
            )
        previous = decorated.kwargs.get("pre_execute")

        def pre_execute(context: Any) -> None:
            if bool(condition(context)) is skip_when:
                raise SkipTask(skip_message or "Task was skipped based on the condition.")
            if previous is not None:
                previous(context)

        return decorated.override(pre_execute=pre_execute)

    return decorate


task = _TaskDecoratorCollection()


def _marking(mark: Mark, python_callable: Any) -> TaskDecorator:
    """`python_callable` (a function, or one already under @task / @task.bash …) made to mark its tasks."""
    decorated = python_callable if isinstance(python_callable, TaskDecorator) else task(python_callable)
    return TaskDecorator(decorated.function, decorated.operator_class, decorated.kwargs, mark)


def setup(python_callable: Any) -> TaskDecorator:
    """`@setup`: each task the function makes is a setup task (Airflow 2.7+)."""
    return _marking(lambda op: op.as_setup(), python_callable)


def teardown(python_callable: Any = None, *, on_failure_fail_dagrun: bool = False) -> Any:
    """`@teardown` / `@teardown(on_failure_fail_dagrun=True)`: each task the function makes is a teardown."""

    def decorate(fn: Any) -> TaskDecorator:
        return _marking(lambda op: op.as_teardown(on_failure_fail_dagrun=on_failure_fail_dagrun), fn)

    return decorate if python_callable is None else decorate(python_callable)
