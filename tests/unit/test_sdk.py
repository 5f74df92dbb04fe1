"""Authoring API: dependencies, groups, defaults, decorators, mapping, and the errors users see."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from tradewind import DAG, Label, Param, TaskGroup, chain, cross_downstream, dag, task, task_group
from tradewind.exceptions import DagCycleError, DagDefinitionError, DuplicateTaskIdError, InvalidScheduleError
from tradewind.operators.bash import BashOperator
from tradewind.operators.empty import EmptyOperator
from tradewind.operators.python import PythonOperator
from tradewind.sdk.mapped import MappedOperator
from tradewind.sdk.xcom_arg import XComArg

START = datetime(2024, 1, 1, tzinfo=timezone.utc)


def ids(tasks) -> set[str]:
    return {t.task_id for t in tasks}


def test_shift_operators_and_lists() -> None:
    with DAG("d", start_date=START, schedule=None) as d:
        a, b, c, e = (EmptyOperator(task_id=x) for x in "abce")
        a >> [b, c] >> e
        e << EmptyOperator(task_id="f")
    assert a.downstream_task_ids == {"b", "c"}
    assert e.upstream_task_ids == {"b", "c", "f"}
    assert ids(d.roots) == {"a", "f"} and ids(d.leaves) == {"e"}


def test_chain_and_cross_downstream() -> None:
    with DAG("d", start_date=START, schedule=None):
        t = {x: EmptyOperator(task_id=x) for x in ["a", "b1", "b2", "c1", "c2", "d", "x", "y", "z"]}
        chain(t["a"], [t["b1"], t["b2"]], [t["c1"], t["c2"]], t["d"])
        cross_downstream([t["x"], t["y"]], [t["z"], t["d"]])
    assert t["a"].downstream_task_ids == {"b1", "b2"}
    assert t["b1"].downstream_task_ids == {"c1"} and t["b2"].downstream_task_ids == {"c2"}
    assert t["d"].upstream_task_ids == {"c1", "c2", "x", "y"}
    assert t["z"].upstream_task_ids == {"x", "y"}


def test_chain_rejects_lists_of_different_length() -> None:
    with DAG("d", start_date=START, schedule=None):
        a, b, c = (EmptyOperator(task_id=x) for x in "abc")
        with pytest.raises(DagDefinitionError, match="equal length"):
            chain([a, b], [c])


def test_default_args_fill_operator_arguments() -> None:
    defaults = {"retries": 3, "retry_delay": timedelta(minutes=5), "owner": "ml", "env": {"A": "1"}, "pool": "p"}
    with DAG("d", start_date=START, schedule=None, default_args=defaults):
        b = BashOperator(task_id="b", bash_command="true")
        e = EmptyOperator(task_id="e", retries=0)
    assert (b.retries, b.retry_delay, b.owner, b.env, b.pool) == (3, timedelta(minutes=5), "ml", {"A": "1"}, "p")
    assert e.retries == 0 and not hasattr(e, "env")


def test_default_args_apply_per_init_level_as_airflow() -> None:
    """A subclass passing a base class's argument itself wins over default_args; other levels still fill."""
    from tradewind.sdk.baseoperator import BaseOperator

    class Base(BaseOperator):
        def __init__(self, *, conn_id: str = "base_default", x: int = 1, **kwargs) -> None:
            super().__init__(**kwargs)
            self.conn_id, self.x = conn_id, x

    class Fixed(Base):
        def __init__(self, **kwargs) -> None:
            super().__init__(conn_id="fixed", **kwargs)

    class Named(Base):
        def __init__(self, mine: str = "own default", **kwargs) -> None:
            super().__init__(**kwargs)
            self.mine = mine

    defaults = {"conn_id": "from_defaults", "x": 9, "retries": 3, "mine": "from defaults"}
    with DAG("d", start_date=START, schedule=None, default_args=defaults):
        fixed, base, named = Fixed(task_id="f"), Base(task_id="b"), Named(task_id="n", conn_id="given")
    assert (fixed.conn_id, fixed.x, fixed.retries) == ("fixed", 9, 3)
    assert (base.conn_id, base.x) == ("from_defaults", 9)
    assert (named.mine, named.conn_id, named.retries) == ("from defaults", "given", 3)
    # built again outside the DAG, nothing leaks from the defaults of the last operator built
    assert Base(task_id="alone").conn_id == "base_default"


def test_default_args_start_date_used_by_dag() -> None:
    d = DAG("d", schedule="@daily", default_args={"start_date": START})
    assert d.start_date == START


def test_unknown_operator_argument_is_an_error() -> None:
    with DAG("d", start_date=START, schedule=None):
        with pytest.raises(DagDefinitionError, match=r"invalid arguments.*bogus$"):
            EmptyOperator(task_id="x", bogus=1)
        with pytest.raises(DagDefinitionError, match=r"retires \(did you mean `retries`\?\), zzz$"):
            EmptyOperator(task_id="x", retires=3, zzz=1)
        with pytest.raises(TypeError, match="bash_command"):  # a missing argument alone: Python's own error
            BashOperator(task_id="y")


def test_duplicate_task_id() -> None:
    with DAG("d", start_date=START, schedule=None):
        EmptyOperator(task_id="x")
        with pytest.raises(DuplicateTaskIdError, match="'x'"):
            EmptyOperator(task_id="x")


def test_cycle_is_named() -> None:
    with DAG("d", start_date=START, schedule=None) as d:
        a, b, c = (EmptyOperator(task_id=x) for x in "abc")
        a >> b >> c >> a
    with pytest.raises(DagCycleError, match="a -> b -> c -> a"):
        d.check_cycle()


def test_bad_cron_fails_at_load() -> None:
    with pytest.raises(InvalidScheduleError, match="61"):
        DAG("d", start_date=START, schedule="61 * * * *")


def test_bad_trigger_rule() -> None:
    with DAG("d", start_date=START, schedule=None), pytest.raises(DagDefinitionError, match="trigger_rule"):
        EmptyOperator(task_id="x", trigger_rule="sometimes")


def test_task_group_prefix_and_edges() -> None:
    with DAG("d", start_date=START, schedule=None) as d:
        start = EmptyOperator(task_id="start")
        with TaskGroup("grp", default_args={"retries": 2}) as grp:
            x = EmptyOperator(task_id="x")
            with TaskGroup("inner"):
                y = EmptyOperator(task_id="y")
            x >> y
        end = EmptyOperator(task_id="end")
        start >> grp >> end
    assert x.task_id == "grp.x" and y.task_id == "grp.inner.y"
    assert x.retries == 2
    assert start.downstream_task_ids == {"grp.x"}
    assert end.upstream_task_ids == {"grp.inner.y"}
    assert set(d.task_dict) == {"start", "grp.x", "grp.inner.y", "end"}


def test_label_names_edges() -> None:
    with DAG("d", start_date=START, schedule=None) as d:
        a, b = EmptyOperator(task_id="a"), EmptyOperator(task_id="b")
        a >> Label("when ready") >> b
    assert a.downstream_task_ids == {"b"}
    assert d.get_edge_info("a", "b") == {"label": "when ready"}


def test_taskflow_wires_xcom_dependencies_and_unique_ids() -> None:
    @dag(start_date=START, schedule=None)
    def flow(limit: int = 3):
        @task
        def extract() -> list[int]:
            return [1, 2]

        @task
        def add(values: list[int], extra: int) -> int:
            return sum(values) + extra

        first = add(extract(), 1)
        add(extract(), first)

    d = flow()
    assert d.dag_id == "flow"
    assert set(d.task_dict) == {"extract", "extract__1", "add", "add__1"}
    assert d.task_dict["add__1"].upstream_task_ids == {"extract__1", "add"}
    assert d.params["limit"] == 3


def test_multiple_outputs_inferred_from_dict_annotation() -> None:
    with DAG("d", start_date=START, schedule=None) as d:

        @task
        def stats() -> dict[str, int]:
            return {"n": 1}

        @task
        def plain() -> int:
            return 1

        out = stats()
        plain()
    assert d.task_dict["stats"].multiple_outputs is True
    assert d.task_dict["plain"].multiple_outputs is False
    assert isinstance(out["n"], XComArg) and out["n"].key == "n"


def test_expand_creates_mapped_task() -> None:
    with DAG("d", start_date=START, schedule=None) as d:

        @task
        def numbers() -> list[int]:
            return [1, 2, 3]

        @task
        def double(x: int, factor: int) -> int:
            return x * factor

        double.partial(factor=2).expand(x=numbers())
        BashOperator.partial(task_id="echo").expand(bash_command=["echo 1", "echo 2"])
    mapped = d.task_dict["double"]
    assert isinstance(mapped, MappedOperator)
    assert mapped.upstream_task_ids == {"numbers"}
    assert len(d.task_dict["echo"].expansion({})) == 2


def test_expand_rejects_unknown_argument_and_scalars() -> None:
    with DAG("d", start_date=START, schedule=None):

        @task
        def f(x: int) -> int:
            return x

        with pytest.raises(DagDefinitionError, match="does not take"):
            f.expand(y=[1])
        with pytest.raises(DagDefinitionError, match="must be a list"):
            BashOperator.partial(task_id="b").expand(bash_command="echo")


def test_task_group_decorator_and_classic_xcom_arg() -> None:
    with DAG("d", start_date=START, schedule=None) as d:

        @task_group
        def prep():
            EmptyOperator(task_id="a") >> EmptyOperator(task_id="b")

        g1 = prep()
        g2 = prep()
        g1 >> g2
        producer = PythonOperator(task_id="producer", python_callable=lambda: 1)
        consumer = PythonOperator(task_id="consumer", python_callable=print, op_args=[producer.output])
    assert {"prep.a", "prep.b", "prep__1.a", "prep__1.b"} <= set(d.task_dict)
    assert d.task_dict["prep__1.a"].upstream_task_ids == {"prep.b"}
    assert consumer.upstream_task_ids == {"producer"}


def test_param_validation() -> None:
    d = DAG("d", start_date=START, schedule=None, params={"n": Param(5, type="integer", minimum=1), "name": "x"})
    assert d.params.validate({}) == {"n": 5, "name": "x"}
    assert d.params.validate({"n": 7})["n"] == 7
    from tradewind.exceptions import ParamValidationError

    with pytest.raises(ParamValidationError, match="'n'"):
        d.params.validate({"n": 0})


def test_exponential_retry_delay() -> None:
    with DAG("d", start_date=START, schedule=None):
        t = EmptyOperator(
            task_id="t", retry_delay=10, retry_exponential_backoff=True, max_retry_delay=timedelta(seconds=35)
        )
    assert [t.retry_delay_for(n).total_seconds() for n in (1, 2, 3, 4)] == [10, 20, 35, 35]


def test_naive_start_date_is_utc_and_schedule_default_is_daily() -> None:
    d = DAG("d", start_date=datetime(2024, 1, 1))
    assert d.start_date == START
    assert d.schedule == timedelta(days=1)


def test_mapped_task_group_maps_every_task_in_it() -> None:
    from tradewind.sdk.mapped import expander
    from tradewind.sdk.taskgroup import MappedArgument, MappedTaskGroup
    from tradewind.serialization import serialize_dag

    with DAG("d", start_date=START, schedule=None) as d:

        @task
        def numbers() -> list[int]:
            return [1, 2, 3]

        @task_group
        def grp(n: int, factor: int) -> XComArg:
            @task
            def scale(n: int, factor: int) -> int:
                return n * factor

            @task
            def show(v: int) -> str:
                return str(v)

            assert isinstance(n, MappedArgument)
            return show(scale(n, factor))

        out = grp.partial(factor=10).expand(n=numbers())
        EmptyOperator(task_id="after") << out
        EmptyOperator(task_id="plain")
        literal = grp.expand_kwargs([{"n": 1, "factor": 2}, {"n": 3, "factor": 4}])
    group = d.task_group.children["grp"]
    assert isinstance(group, MappedTaskGroup)
    assert out.operator.task_id == "grp.show"
    assert d.task_dict["grp.scale"].is_mapped and d.task_dict["grp.show"].is_mapped
    assert not d.task_dict["plain"].is_mapped and not d.task_dict["numbers"].is_mapped
    assert d.task_dict["grp.scale"].upstream_task_ids == {"numbers"}  # the group's input feeds its roots
    spec = {t["task_id"]: t for t in serialize_dag(d)["tasks"]}
    assert spec["grp.show"]["mapped_group"] == "grp" and spec["after"]["mapped_group"] is None
    assert spec["grp.show"]["expand"] == {
        "mode": "product",
        "inputs": {"n": {"xcom": {"task_id": "numbers", "key": "return_value"}}},
    }
    assert literal.operator.task_id == "grp__1.show"
    assert expander(literal.operator).expansion({}) == [{"n": 1, "factor": 2}, {"n": 3, "factor": 4}]  # type: ignore[union-attr]


def test_mapped_task_group_errors() -> None:
    with DAG("d", start_date=START, schedule=None):

        @task_group
        def grp(n: int) -> None:
            @task
            def inner(x: int) -> int:
                return x

            inner.expand(x=[1, 2])

        with pytest.raises(DagDefinitionError, match="unexpected argument"):
            grp.expand(m=[1])
        with pytest.raises(DagDefinitionError, match="must be a list"):
            grp.expand(n=3)
        with pytest.raises(DagDefinitionError, match="already given to partial"):
            grp.partial(n=1).expand(n=[1])
        with pytest.raises(DagDefinitionError, match="mapping a task inside a mapped task group is not supported"):
            grp.expand(n=[1, 2])

        @task_group
        def outer(m: int) -> None:
            @task_group
            def inner(k: int) -> None:
                EmptyOperator(task_id="e")

            inner.expand(k=[1])

        with pytest.raises(DagDefinitionError, match="mapping a task group inside a mapped task group"):
            outer.expand(m=[1, 2])


def test_task_group_override_and_repeated_calls() -> None:
    with DAG("d", start_date=START, schedule=None) as d:

        @task_group
        def grp() -> None:
            EmptyOperator(task_id="e")

        grp()
        grp()
        grp.override(group_id="other")()
    assert {"grp.e", "grp__1.e", "other.e"} <= set(d.task_dict)
