# expect: {"dag_id": "misc_interface", "state": "success", "tasks": {"run_command": "success", "skipper": "success", "skipped_one": "skipped", "kept": "success", "bag": "success", "warned": "success"}, "xcom": {"run_command": [0, "hello from bash"], "bag": [["misc_interface"], {}, true, 1, null], "warned": "LoggingMixin misc_interface"}}
import warnings
from datetime import datetime

from airflow import DAG
from airflow.exceptions import AirflowException, RemovedInAirflow3Warning
from airflow.hooks.subprocess import SubprocessHook
from airflow.models import BaseOperator, DagBag
from airflow.models.skipmixin import SkipMixin
from airflow.operators.empty import EmptyOperator
from airflow.operators.python import PythonOperator
from airflow.utils.log.logging_mixin import LoggingMixin
from airflow.utils.log.secrets_masker import mask_secret

warnings.filterwarnings("ignore", category=RemovedInAirflow3Warning)


def run_command():
    result = SubprocessHook().run_command(["bash", "-c", "echo hello from bash"])
    if result.exit_code != 0:
        raise AirflowException(f"command failed: {result.output}")
    return [result.exit_code, result.output]


class SkipSome(BaseOperator, SkipMixin):
    def execute(self, context):
        self.skip(context["dag_run"], context["logical_date"], [self.dag.get_task("skipped_one")])


def bag():
    dagbag = DagBag(dag_folder=__file__, include_examples=False)
    return [
        dagbag.dag_ids,
        dagbag.import_errors,
        dagbag.get_dag("misc_interface") is not None,
        dagbag.size(),
        dagbag.get_dag("nope"),
    ]


class Helper(LoggingMixin):
    def describe(self, dag_id):
        self.log.info("describing %s", dag_id)
        return f"{type(self).__mro__[1].__name__} {dag_id}"


def warned(dag):
    mask_secret("s3cr3t")
    return Helper().describe(dag.dag_id)


with DAG("misc_interface", start_date=datetime(2023, 1, 1), schedule=None):
    PythonOperator(task_id="run_command", python_callable=run_command)
    SkipSome(task_id="skipper") >> [EmptyOperator(task_id="skipped_one"), EmptyOperator(task_id="kept")]
    PythonOperator(task_id="bag", python_callable=bag)
    PythonOperator(task_id="warned", python_callable=warned)
