"""Templates and the task context: Airflow 2's keys, values, macros and rendering rules."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import namedtuple
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
import pytest

from tradewind.exceptions import TemplateError
from tradewind.runtime import macros
from tradewind.runtime.context import build_context, context_to_env
from tradewind.runtime.templating import (
    NativeEnvironment,
    literal,
    make_jinja_env,
    render_template_fields,
    render_value,
)
from tradewind.timetables import create_timetable

UTC = timezone.utc
LOGICAL = datetime(2024, 3, 4, tzinfo=UTC)


# --- stand-ins for the runtime's objects (plain values, no server behind them) -------------
@dataclass
class Task:
    task_id: str = "extract"
    template_fields: tuple[str, ...] = ("bash_command",)
    template_ext: tuple[str, ...] = (".sh",)
    bash_command: Any = ""
    owner: str = "data-team"
    email: list[str] = field(default_factory=lambda: ["a@example.com", "b@example.com"])


@dataclass
class Ti:
    dag_id: str = "etl"
    task_id: str = "extract"
    run_id: str = "scheduled__2024-03-04T00:00:00+00:00"
    map_index: int = -1
    try_number: int = 2
    execution_date: datetime = LOGICAL
    pushed: dict[str, Any] = field(default_factory=dict)

    def xcom_push(self, key: str, value: Any) -> None:
        self.pushed[key] = value

    def xcom_pull(self, task_ids: str | None = None, key: str = "return_value") -> Any:
        return f"xcom:{task_ids}:{key}"


def make_run(**overrides: Any) -> SimpleNamespace:
    values = dict(
        dag_id="etl",
        run_id="scheduled__2024-03-04T00:00:00+00:00",
        logical_date=LOGICAL,
        data_interval_start=LOGICAL,
        data_interval_end=LOGICAL + timedelta(days=1),
        run_type="scheduled",
        conf={},
        start_date=LOGICAL + timedelta(days=1, minutes=1),
        external_trigger=False,
    )
    values.update(overrides)
    return SimpleNamespace(**values)


def make_dag(schedule: Any = "@daily") -> SimpleNamespace:
    return SimpleNamespace(dag_id="etl", timetable=create_timetable(schedule, "UTC"))


def make_context(*, run: SimpleNamespace | None = None, task: Any = None, **kwargs: Any) -> dict[str, Any]:
    return build_context(
        dag=kwargs.pop("dag", make_dag()),
        task=task or Task(),
        ti=kwargs.pop("ti", Ti()),
        dag_run=run or make_run(),
        params=kwargs.pop("params", {"limit": 10}),
        **kwargs,
    )


def render(text: str, context: dict[str, Any] | None = None, **env_kwargs: Any) -> Any:
    return render_value(text, context if context is not None else make_context(), make_jinja_env(**env_kwargs))


# --- the context ---------------------------------------------------------------------------
AIRFLOW_KEYS = {
    "conf",
    "conn",
    "dag",
    "dag_run",
    "data_interval_end",
    "data_interval_start",
    "ds",
    "ds_nodash",
    "execution_date",
    "expanded_ti_count",
    "inlets",
    "logical_date",
    "macros",
    "map_index_template",
    "next_ds",
    "next_ds_nodash",
    "outlets",
    "params",
    "prev_ds",
    "prev_ds_nodash",
    "run_id",
    "task",
    "task_instance",
    "task_instance_key_str",
    "templates_dict",
    "test_mode",
    "ti",
    "try_number",
    "ts",
    "ts_nodash",
    "ts_nodash_with_tz",
    "var",
}


def test_context_has_every_airflow_key_with_its_value() -> None:
    from tradewind.config import conf

    dag, task, ti, run = make_dag(), Task(), Ti(), make_run()
    ctx = build_context(dag=dag, task=task, ti=ti, dag_run=run, params={"limit": 10}, test_mode=True)

    assert set(ctx) >= AIRFLOW_KEYS
    assert ctx["conf"] is conf
    assert ctx["dag"] is dag and ctx["task"] is task and ctx["dag_run"] is run
    assert ctx["ti"] is ti and ctx["task_instance"] is ti
    assert ctx["macros"] is macros
    assert ctx["params"] == {"limit": 10}
    assert ctx["run_id"] == "scheduled__2024-03-04T00:00:00+00:00"
    assert ctx["logical_date"] == LOGICAL and ctx["execution_date"] == LOGICAL
    assert ctx["data_interval_start"] == LOGICAL
    assert ctx["data_interval_end"] == datetime(2024, 3, 5, tzinfo=UTC)
    assert ctx["ds"] == "2024-03-04"
    assert ctx["ds_nodash"] == "20240304"
    assert ctx["ts"] == "2024-03-04T00:00:00+00:00"
    assert ctx["ts_nodash"] == "20240304T000000"
    assert ctx["ts_nodash_with_tz"] == "20240304T000000+0000"
    assert (ctx["next_ds"], ctx["next_ds_nodash"]) == ("2024-03-05", "20240305")
    assert (ctx["prev_ds"], ctx["prev_ds_nodash"]) == ("2024-03-03", "20240303")
    assert (ctx["yesterday_ds"], ctx["tomorrow_ds"]) == ("2024-03-03", "2024-03-05")
    assert ctx["task_instance_key_str"] == "etl__extract__20240304"
    assert ctx["test_mode"] is True
    assert ctx["try_number"] == 2
    assert ctx["inlets"] == [] and ctx["outlets"] == []
    assert ctx["map_index_template"] is None
    assert ctx["templates_dict"] is None
    assert ctx["expanded_ti_count"] is None
    assert set(ctx["var"]) == {"value", "json"}
    for key in ("logical_date", "data_interval_start", "data_interval_end"):
        assert ctx[key].utcoffset() == timedelta(0)


def test_ds_and_ts_come_from_the_logical_date_in_utc() -> None:
    paris = datetime(2024, 3, 5, 0, 30, tzinfo=ZoneInfo("Europe/Paris"))  # 2024-03-04 23:30 UTC
    ctx = make_context(run=make_run(logical_date=paris, data_interval_start=paris, data_interval_end=paris))
    assert ctx["ds"] == "2024-03-04"
    assert ctx["ts"] == "2024-03-04T23:30:00+00:00"
    assert ctx["ts_nodash"] == "20240304T233000"
    assert ctx["logical_date"].timezone_name == "UTC"  # a pendulum DateTime in UTC, as Airflow's


def test_manual_run_next_and_prev_are_its_own_date() -> None:
    ctx = make_context(run=make_run(external_trigger=True, run_type="manual"))
    assert ctx["next_ds"] == ctx["prev_ds"] == ctx["ds"] == "2024-03-04"


def test_prev_ds_is_none_without_an_interval_schedule() -> None:
    ctx = make_context(dag=make_dag(None))
    assert ctx["prev_ds"] is None
    assert ctx["next_ds"] == "2024-03-05"


def test_inlets_outlets_and_extra_keys() -> None:
    task = Task()
    task.inlets = ["s3://in"]  # type: ignore[attr-defined]
    task.outlets = ("s3://out",)  # type: ignore[attr-defined]
    ctx = make_context(task=task, extra={"templates_dict": {"a": 1}, "custom": 3})
    assert ctx["inlets"] == ["s3://in"] and ctx["outlets"] == ["s3://out"]
    assert ctx["templates_dict"] == {"a": 1} and ctx["custom"] == 3


def test_context_renders_in_templates() -> None:
    ctx = make_context()
    assert render("{{ ds }} {{ ds_nodash }} {{ ts }}", ctx) == "2024-03-04 20240304 2024-03-04T00:00:00+00:00"
    assert render("{{ run_id }}|{{ dag.dag_id }}|{{ task.task_id }}|{{ params.limit }}", ctx) == (
        "scheduled__2024-03-04T00:00:00+00:00|etl|extract|10"
    )
    assert render("{{ ti.xcom_pull(task_ids='up') }} {{ ti.try_number }}", ctx) == "xcom:up:return_value 2"
    assert render("{{ data_interval_end | ds }} {{ logical_date | ts_nodash_with_tz }}", ctx) == (
        "2024-03-05 20240304T000000+0000"
    )
    assert (
        render(
            "{{ data_interval_start | ds_nodash }} {{ logical_date | ts_nodash }} {{ none | ds }}",
            {
                **ctx,
                "none": None,
            },
        )
        == "20240304 20240304T000000 None"
    )


def test_context_to_env_matches_airflow_ctx_variables() -> None:
    env = context_to_env(make_context())
    assert env["AIRFLOW_CTX_DAG_ID"] == env["TRADEWIND_CTX_DAG_ID"] == "etl"
    assert env["AIRFLOW_CTX_TASK_ID"] == "extract"
    assert env["AIRFLOW_CTX_EXECUTION_DATE"] == "2024-03-04T00:00:00+00:00"
    assert env["AIRFLOW_CTX_TRY_NUMBER"] == "2"
    assert env["AIRFLOW_CTX_DAG_RUN_ID"] == "scheduled__2024-03-04T00:00:00+00:00"
    assert env["AIRFLOW_CTX_DAG_OWNER"] == "data-team"
    assert env["AIRFLOW_CTX_DAG_EMAIL"] == "a@example.com,b@example.com"


# --- macros ----------------------------------------------------------------------------------
def test_macros_ds_add_and_ds_format() -> None:
    assert macros.ds_add("2015-01-01", 5) == "2015-01-06"
    assert macros.ds_add("2015-01-06", -5) == "2015-01-01"
    assert macros.ds_add("2015-01-06", 0) == "2015-01-06"
    assert macros.ds_format("2015-01-01", "%Y-%m-%d", "%m-%d-%y") == "01-01-15"
    assert macros.ds_format("1/5/2015", "%m/%d/%Y", "%Y-%m-%d") == "2015-01-05"


def test_macros_namespace_in_templates() -> None:
    ctx = make_context()
    assert render("{{ macros.ds_add(ds, 7) }}", ctx) == "2024-03-11"
    assert render("{{ macros.ds_format(ds, '%Y-%m-%d', '%d/%m/%Y') }}", ctx) == "04/03/2024"
    assert render("{{ (logical_date + macros.timedelta(days=1)) | ds }}", ctx) == "2024-03-05"
    assert render("{{ macros.datetime(2020, 1, 2).strftime('%Y') }}", ctx) == "2020"
    assert render("{{ macros.json.dumps({'a': 1}) }}", ctx) == '{"a": 1}'
    assert len(render("{{ macros.uuid.uuid4() }}", ctx)) == 36
    assert 0 <= float(render("{{ macros.random() }}", ctx)) < 1
    assert float(render("{{ macros.time.time() }}", ctx)) > 0
    assert render("{{ macros.yaml.safe_load('a: 1').a }}", ctx) == "1"
    assert render("{{ (logical_date + macros.dateutil.relativedelta.relativedelta(months=1)) | ds }}", ctx) == (
        "2024-04-04"
    )
    assert render("{{ macros.datetime_diff_for_humans(logical_date, data_interval_end) }}", ctx) == "1 day before"


def test_user_defined_macros_and_filters() -> None:
    env = make_jinja_env(
        user_defined_macros={"project": "demo", "workdir": lambda ds: f"/data/{ds}"},
        user_defined_filters={"shout": lambda s: s.upper() + "!"},
    )
    ctx = make_context()
    assert render_value("{{ project }} {{ workdir(ds) }} {{ 'hi' | shout }}", ctx, env) == "demo /data/2024-03-04 HI!"
    # the context wins over a macro of the same name, as in Airflow
    env = make_jinja_env(user_defined_macros={"ds": "macro"})
    assert render_value("{{ ds }}", ctx, env) == "2024-03-04"


# --- errors ----------------------------------------------------------------------------------
def test_strict_undefined_names_task_and_field() -> None:
    task = Task(task_id="x", bash_command="echo {{ foo }}")
    with pytest.raises(TemplateError) as err:
        render_template_fields(task, make_context(task=task), make_jinja_env())
    assert str(err.value) == "cannot render bash_command of task x: 'foo' is undefined"


def test_render_value_error_names_the_field_on_one_line() -> None:
    with pytest.raises(TemplateError, match=r"^cannot render sql: 'dict object' has no attribute 'nope'$"):
        render_value("{{ params.nope }}", make_context(), make_jinja_env(), field="sql")
    with pytest.raises(TemplateError) as err:
        render_value("a\n{% if %}\nb", make_context(), make_jinja_env())
    assert "\n" not in str(err.value)
    assert str(err.value).startswith("cannot render template: ") and "(line 2)" in str(err.value)


def test_errors_raised_by_called_code_become_template_errors() -> None:
    with pytest.raises(TemplateError) as err:
        render_value("{{ macros.ds_add('not a date', 1) }}", make_context(), make_jinja_env(), field="cmd")
    assert str(err.value).startswith("cannot render cmd: ValueError: time data 'not a date'")
    assert isinstance(err.value.__cause__, ValueError)


def test_sandbox_blocks_dunders_but_allows_private_attributes() -> None:
    ctx = {**make_context(), "obj": SimpleNamespace(_private="ok")}
    assert render("{{ obj._private }}", ctx) == "ok"
    with pytest.raises(TemplateError, match="unsafe"):
        render("{{ ''.__class__.__mro__ }}", ctx)


# --- rendering rules -------------------------------------------------------------------------
def test_native_rendering_returns_python_objects() -> None:
    ctx = make_context()
    assert render("{{ [1, 2, params.limit] }}", ctx, native=True) == [1, 2, 10]
    assert render("{{ params.limit * 2 }}", ctx, native=True) == 20
    assert render("{{ {'day': ds} }}", ctx, native=True) == {"day": "2024-03-04"}
    assert render("{{ params.limit * 2 }}", ctx) == "20"  # the default renders strings
    assert isinstance(make_jinja_env(native=True), NativeEnvironment)


def test_template_file_from_searchpath(tmp_path: Path) -> None:
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "run.sh").write_text("echo {{ ds }} {{ params.limit }}\n")
    task = Task(bash_command="scripts/run.sh")
    env = make_jinja_env(searchpath=[tmp_path])
    rendered = render_template_fields(task, make_context(task=task), env)
    assert task.bash_command == "echo 2024-03-04 10"  # Airflow drops one trailing newline by default
    assert rendered == {"bash_command": "echo 2024-03-04 10"}
    # without the extension the same string is a template, not a file name
    assert render_value("scripts/run.sh", make_context(), env) == "scripts/run.sh"


def test_missing_template_file_says_where_it_looked(tmp_path: Path) -> None:
    task = Task(bash_command="missing.sh")
    with pytest.raises(TemplateError) as err:
        render_template_fields(task, make_context(task=task), make_jinja_env(searchpath=[tmp_path]))
    assert (
        str(err.value)
        == f"cannot render bash_command of task extract: template file 'missing.sh' not found in {tmp_path}"
    )


def test_trailing_newline_follows_airflow_and_can_be_kept() -> None:
    assert render("echo {{ ds }}\n") == "echo 2024-03-04"
    kept = render("echo {{ ds }}\n", jinja_environment_kwargs={"keep_trailing_newline": True})
    assert kept == "echo 2024-03-04\n"


def test_nested_containers_render_item_by_item() -> None:
    Point = namedtuple("Point", "x y")
    value = {
        "{{ ds }}": ["{{ ds_nodash }}", ("{{ params.limit }}", 5), {"{{ run_id }}"}],
        "point": Point("{{ ds }}", None),
        "plain": 3,
    }
    out = render_value(value, make_context(), make_jinja_env())
    assert out == {
        "{{ ds }}": ["20240304", ("10", 5), {"scheduled__2024-03-04T00:00:00+00:00"}],
        "point": Point("2024-03-04", None),
        "plain": 3,
    }
    assert type(out["point"]) is Point
    assert value["point"].x == "{{ ds }}"  # containers are copied, the original is untouched


def test_template_ext_applies_inside_containers(tmp_path: Path) -> None:
    (tmp_path / "q.sql").write_text("select '{{ ds }}'")
    out = render_value(["q.sql", "x.txt"], make_context(), make_jinja_env(searchpath=tmp_path), template_ext=(".sql",))
    assert out == ["select '2024-03-04'", "x.txt"]


class Inner:
    template_fields = ("path", "missing_is_empty")

    def __init__(self, path: str) -> None:
        self.path = path
        self.missing_is_empty = ""
        self.untouched = "{{ ds }}"
        self.me = self


def test_nested_templated_objects_render_in_place() -> None:
    inner = Inner("/data/{{ ds_nodash }}")
    task = Task(bash_command=None)
    task.template_fields = ("bash_command", "op_kwargs")
    task.op_kwargs = {"obj": inner, "items": [inner]}  # type: ignore[attr-defined]
    rendered = render_template_fields(task, make_context(task=task), make_jinja_env())
    assert inner.path == "/data/20240304"
    assert inner.untouched == "{{ ds }}"
    assert rendered["op_kwargs"]["obj"] is inner
    assert rendered["bash_command"] is None  # empty values are left alone, as in Airflow


def test_nested_object_error_names_the_outer_field() -> None:
    task = Task()
    task.template_fields = ("op_kwargs",)
    task.op_kwargs = {"obj": Inner("{{ nope }}")}  # type: ignore[attr-defined]
    with pytest.raises(TemplateError, match=r"^cannot render op_kwargs of task extract: 'nope' is undefined$"):
        render_template_fields(task, make_context(task=task), make_jinja_env())


def test_callable_fields_literals_and_missing_attributes() -> None:
    task = Task(bash_command=lambda context, jinja_env: f"echo {context['ds']}")
    render_template_fields(task, make_context(task=task), make_jinja_env())
    assert task.bash_command == "echo 2024-03-04"

    assert render_value(literal("{{ not rendered }}"), make_context(), make_jinja_env()) == "{{ not rendered }}"
    assert render_value(["{{ ds }}", literal("{{ ds }}")], make_context(), make_jinja_env()) == [
        "2024-03-04",
        "{{ ds }}",
    ]

    task = Task()
    task.template_fields = ("nope",)
    with pytest.raises(TemplateError, match="'nope' is configured as a template field but Task does not have"):
        render_template_fields(task, make_context(task=task), make_jinja_env())


def test_render_template_fields_defaults_to_the_objects_fields() -> None:
    task = Task(bash_command="echo {{ ds }}")
    assert render_template_fields(task, make_context(task=task), make_jinja_env()) == {
        "bash_command": "echo 2024-03-04"
    }


def test_environments_and_compiled_strings_are_cached() -> None:
    macro = {"f": lambda: 1}
    assert make_jinja_env(user_defined_macros=macro) is make_jinja_env(user_defined_macros=dict(macro))
    assert make_jinja_env(user_defined_macros=macro) is not make_jinja_env(user_defined_macros={"f": lambda: 1})
    assert make_jinja_env(native=True) is not make_jinja_env()
    assert make_jinja_env(searchpath=["/a"]) is not make_jinja_env(searchpath=["/b"])
    env = make_jinja_env()
    first = make_context()
    second = make_context(run=make_run(logical_date=datetime(2025, 1, 1, tzinfo=UTC)))
    assert render_value("{{ ds }}", first, env) == "2024-03-04"
    assert render_value("{{ ds }}", second, env) == "2025-01-01"


def test_a_plain_jinja_environment_works_too() -> None:
    env = jinja2.Environment(undefined=jinja2.StrictUndefined)
    assert render_value({"k": "{{ ds }}"}, make_context(), env) == {"k": "2024-03-04"}


# --- var and conn ----------------------------------------------------------------------------
def test_var_accessor_reads_environment_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRADEWIND_VAR_BUCKET", "s3://lake")
    monkeypatch.setenv("TRADEWIND_VAR_SETTINGS", json.dumps({"region": "eu", "sizes": [1, 2]}))
    ctx = make_context()
    assert render("{{ var.value.bucket }}/{{ ds }}", ctx) == "s3://lake/2024-03-04"
    assert render("{{ var.value.get('bucket', 'x') }}", ctx) == "s3://lake"
    assert render("{{ var.value['bucket'] }}", ctx) == "s3://lake"
    assert render("{{ var.json.settings.region }} {{ var.json.settings.sizes[1] }}", ctx) == "eu 2"
    assert render("{{ var.json.get('settings').region }}", ctx) == "eu"
    assert render("{{ var.json.settings.sizes }}", ctx, native=True) == [1, 2]


def test_var_accessor_invalid_json_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRADEWIND_VAR_BROKEN", "{not json")
    with pytest.raises(TemplateError, match=r"^cannot render cmd: variable 'broken' is not valid JSON"):
        render_value("{{ var.json.broken }}", make_context(), make_jinja_env(), field="cmd")


def test_variable_api_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from tradewind.models import Variable

    monkeypatch.setenv("TRADEWIND_VAR_LIMITS", '{"rows": 5}')
    assert Variable.get("limits") == '{"rows": 5}'
    assert Variable.get("limits", deserialize_json=True) == {"rows": 5}
    assert Variable.get("LIMITS", "unused") == '{"rows": 5}'  # the key is upper-cased, as AIRFLOW_VAR_


def test_missing_variable_reads_the_database_then_fails_clearly() -> None:
    """Looks in the real (empty, per-test SQLite) metadata database before giving up."""
    from tradewind.models import Variable

    with pytest.raises(KeyError, match="Variable nope does not exist"):
        Variable.get("nope")
    assert Variable.get("nope", None) is None
    ctx = make_context()
    assert render("{{ var.value.get('nope', 'fallback') }}", ctx) == "fallback"
    with pytest.raises(TemplateError, match=r"^cannot render template: variable 'nope' does not exist$"):
        render("{{ var.value.nope }}", ctx)


def test_conn_accessor_reads_connections(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(TemplateError, match="The conn_id `my_db` isn't defined"):
        render("{{ conn.my_db.host }}")
    monkeypatch.setenv("TRADEWIND_CONN_MY_DB", "postgres://u:pw@db.local:5432/wh")
    assert render("{{ conn.my_db.host }}:{{ conn.my_db.port }}/{{ conn['my_db'].schema }}") == "db.local:5432/wh"


def test_accessors_survive_copying_and_introspection() -> None:
    import copy

    ctx = make_context()
    copy.copy(ctx["var"]["value"])
    copy.copy(ctx["conn"])
    assert not hasattr(ctx["conn"], "__wrapped__")
    assert repr(ctx["var"]["json"]) == "<var.json accessor>"


def test_importing_models_is_cheap() -> None:
    code = "import sys, tradewind.models; print('tradewind.models.variable' in sys.modules, 'jinja2' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "False"]


# --- plain text renders without Jinja (a task's process never imports it for a field without tags) ---
PLAIN_TEXTS = ["", "echo hi", "a\n", "a\n\n", "a\r\nb\r\n", "x\ry\r", "\n", '{"json": {"nested": 1}}', "50% off #1 }"]


@pytest.mark.parametrize("text", PLAIN_TEXTS)
@pytest.mark.parametrize("options", [{}, {"keep_trailing_newline": True}, {"trim_blocks": True, "undefined": None}])
def test_plain_text_renders_as_jinja_renders_it_without_building_an_environment(
    text: str, options: dict[str, Any]
) -> None:
    from tradewind.runtime.templating import DeferredEnv

    options = {k: v for k, v in options.items() if v is not None}
    built: list[jinja2.Environment] = []

    def build() -> jinja2.Environment:
        built.append(make_jinja_env(jinja_environment_kwargs=options))
        return built[-1]

    deferred = DeferredEnv(build, native=False, options=options)
    expected = make_jinja_env(jinja_environment_kwargs=options).from_string(text).render(make_context())
    assert render_value(text, make_context(), deferred) == expected
    assert not built  # no Jinja needed


def test_a_deferred_environment_is_built_for_a_template_a_file_a_callable_or_native_mode() -> None:
    from tradewind.runtime.templating import DeferredEnv

    def deferred(native: bool = False, options: dict[str, Any] | None = None) -> DeferredEnv:
        return DeferredEnv(lambda: make_jinja_env(native=native), native=native, options=options or {})

    assert render_value("{{ ds }}", make_context(), deferred()) == "2024-03-04"
    assert render_value("{# note #}x", make_context(), deferred()) == "x"
    assert render_value("[1, 2]", make_context(), deferred(native=True)) == [1, 2]  # native: Jinja reads it
    env = deferred(options={"line_statement_prefix": "#"})  # an option that changes what text means
    assert not env.plain_text
    with pytest.raises(TemplateError, match="not found"):
        render_value("run.sh", make_context(), deferred(), template_ext=[".sh"])
    task = Task(bash_command=lambda context, jinja_env: type(jinja_env).__name__)
    assert render_template_fields(task, make_context(task=task), deferred())["bash_command"] == "SandboxedEnvironment"


def test_prepare_templates_compiles_a_dags_templates_only_if_it_has_some() -> None:
    from tradewind.runtime.templating import prepare_templates

    def dag_with(*commands: Any, native: bool = False) -> SimpleNamespace:
        env = make_jinja_env(searchpath=[f"/nowhere/{id(commands)}"], native=native)  # a fresh environment
        tasks = {f"t{i}": Task(task_id=f"t{i}", bash_command=c) for i, c in enumerate(commands)}
        return SimpleNamespace(task_dict=tasks, render_template_as_native_obj=native, get_template_env=lambda: env)

    assert prepare_templates(dag_with("echo plain", ["nested", {"k": "text"}], None)) == 0
    templated = dag_with("echo {{ ds }}", ["{{ ds_nodash }}", {"k": "{{ ts }}"}], "run.sh", "{% broken")
    assert prepare_templates(templated) == 4  # three compile, "{% broken" fails when it renders; run.sh loads then
    compiled = templated.get_template_env()._compiled
    assert {"echo {{ ds }}", "{{ ds_nodash }}", "{{ ts }}"} <= set(compiled)


def test_importing_the_templating_module_does_not_import_jinja() -> None:
    code = "import sys, tradewind.runtime.templating; print('jinja2' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False"]
