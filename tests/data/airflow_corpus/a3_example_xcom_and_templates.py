# expect: {"dag_id": "example_xcom", "logical_date": "2024-03-05T00:00:00+00:00", "state": "success", "tasks": {"bash_push": "success", "bash_pull": "success", "pull_value_from_bash_push": "success", "push": "success", "push_by_returning": "success", "puller": "success"}, "xcom": {"bash_push": "value_by_return", "bash_push:manually_pushed_value": "manually_pushed_value", "bash_pull": "<no xcom>"}}
# expect: {"dag_id": "tutorial_taskflow_templates", "state": "success", "tasks": {"template_test": "success"}, "xcom": {"template_test": ["SELECT * FROM events WHERE day = '2024-03-05'", "manual__2024-03-05T00:00:00+00:00", "2024-03-05", "run_id: manual__2024-03-05T00:00:00+00:00; params.other_param: from_dag", "param_from_task"]}}
# expect: {"dag_id": "example_skip_dag", "state": "success", "tasks": {"skip_operator_1": "skipped", "always_true_1": "success", "all_success": "skipped", "final_1": "skipped", "skip_operator_2": "skipped", "always_true_2": "success", "one_success": "success", "final_2": "success"}}
# Airflow 3's example_xcom.py (old-style `f"{XComArg(task)}"` references in a templated field),
# tutorial_taskflow_templates.py (templates_exts, .override(params=...), task.render_template) and
# example_skip_dag.py (TriggerRule from the SDK's generated models), close to unchanged.
from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

import pendulum
from airflow.decorators import task
from airflow.exceptions import AirflowSkipException
from airflow.models.dag import DAG
from airflow.models.xcom_arg import XComArg
from airflow.providers.standard.operators.bash import BashOperator
from airflow.providers.standard.operators.empty import EmptyOperator
from airflow.sdk import DAG as SdkDAG
from airflow.sdk import BaseOperator, dag, get_current_context
from airflow.sdk.api.datamodels._generated import TriggerRule

if TYPE_CHECKING:
    from airflow.sdk import Context

value_1 = [1, 2, 3]
value_2 = {"a": "b"}


@task
def push(ti=None):
    """Pushes an XCom without a specific target"""
    ti.xcom_push(key="value from pusher 1", value=value_1)


@task
def push_by_returning():
    """Pushes an XCom without a specific target, just by returning it"""
    return value_2


def _compare_values(pulled_value, check_value):
    if pulled_value != check_value:
        raise ValueError(f"The two values differ {pulled_value} and {check_value}")


@task
def puller(pulled_value_2, ti=None):
    """Pull all previously pushed XComs and check if the pushed values match the pulled values."""
    pulled_value_1 = ti.xcom_pull(task_ids="push", key="value from pusher 1")

    _compare_values(pulled_value_1, value_1)
    _compare_values(pulled_value_2, value_2)


@task
def pull_value_from_bash_push(ti=None):
    bash_pushed_via_return_value = ti.xcom_pull(key="return_value", task_ids="bash_push")
    bash_manually_pushed_value = ti.xcom_pull(key="manually_pushed_value", task_ids="bash_push")
    _compare_values(bash_pushed_via_return_value, "value_by_return")
    _compare_values(bash_manually_pushed_value, "manually_pushed_value")


with DAG(
    "example_xcom",
    schedule="@once",
    start_date=pendulum.datetime(2021, 1, 1, tz="UTC"),
    catchup=False,
    tags=["example"],
) as xcom_dag:
    bash_push = BashOperator(
        task_id="bash_push",
        bash_command='echo "bash_push demo"  && '
        'echo "Manually set xcom value '
        '{{ ti.xcom_push(key="manually_pushed_value", value="manually_pushed_value") }}" && '
        'echo "value_by_return"',
    )

    bash_pull = BashOperator(
        task_id="bash_pull",
        bash_command='echo "bash pull demo" && '
        f'test "{XComArg(bash_push, key="manually_pushed_value")}" = manually_pushed_value && '
        f'test "{XComArg(bash_push)}" = value_by_return && '
        'echo "finished"',
        do_xcom_push=False,
    )

    python_pull_from_bash = pull_value_from_bash_push()

    [bash_pull, python_pull_from_bash] << bash_push

    puller(push_by_returning()) << push()


@dag(
    schedule="@daily",
    start_date=pendulum.datetime(2021, 1, 1, tz="UTC"),
    catchup=False,
    tags=["example"],
    params={"foobar": "param_from_dag", "other_param": "from_dag"},
)
def tutorial_taskflow_templates():
    @task(
        # Causes variables that end with `.sql` to be read and templates
        # within to be rendered.
        templates_exts=[".sql"],
    )
    def template_test(sql, test_var, data_interval_end):
        context = get_current_context()
        template_str = "run_id: {{ run_id }}; params.other_param: {{ params.other_param }}"
        rendered_template = context["task"].render_template(template_str, context)
        return [
            " ".join(sql.split()),
            test_var,
            data_interval_end.to_date_string(),
            rendered_template,
            context["params"]["foobar"],
        ]

    template_test.override(params={"foobar": "param_from_task"})(
        sql="sql/events.sql",
        test_var="{{ run_id }}",
    )


tutorial_taskflow_templates()


class EmptySkipOperator(BaseOperator):
    """Empty operator which always skips the task."""

    ui_color = "#e8b7e4"

    def execute(self, context: Context):
        raise AirflowSkipException


def create_test_pipeline(suffix, trigger_rule):
    skip_operator = EmptySkipOperator(task_id=f"skip_operator_{suffix}")
    always_true = EmptyOperator(task_id=f"always_true_{suffix}")
    join = EmptyOperator(task_id=trigger_rule, trigger_rule=trigger_rule)
    final = EmptyOperator(task_id=f"final_{suffix}")

    skip_operator >> join
    always_true >> join
    join >> final


with SdkDAG(
    dag_id="example_skip_dag",
    schedule=datetime.timedelta(days=1),
    start_date=pendulum.datetime(2021, 1, 1, tz="UTC"),
    catchup=False,
    tags=["example"],
) as skip_dag:
    create_test_pipeline("1", TriggerRule.ALL_SUCCESS)
    create_test_pipeline("2", TriggerRule.ONE_SUCCESS)
