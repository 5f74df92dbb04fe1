# expect: {"dag_id": "interface_names", "state": "success", "tasks": {"versions": "success", "heavy": "success", "mapped[0]": "success", "mapped[1]": "success", "loader": "success"}, "xcom": {"versions": ["2.11.0", true, "2.11.0"], "mapped[1]": 2, "loader": "posixpath"}}
# Names DAG files take from Airflow's public modules beside operators: the version, WeightRule,
# MappedOperator / AbstractOperator for isinstance checks, import_string, TaskInstanceKey for links.
from datetime import datetime

import airflow
from airflow import DAG
from airflow.models.abstractoperator import AbstractOperator
from airflow.models.baseoperatorlink import BaseOperatorLink
from airflow.models.mappedoperator import MappedOperator
from airflow.models.taskinstancekey import TaskInstanceKey
from airflow.operators.python import PythonOperator, is_venv_installed
from airflow.utils.module_loading import import_string
from airflow.utils.weight_rule import WeightRule
from airflow.version import version
from packaging.version import Version

AIRFLOW_V_3_0_PLUS = Version(Version(airflow.__version__).base_version) >= Version("3.0.0")
if AIRFLOW_V_3_0_PLUS:
    from airflow.sdk import DAG


class RunbookLink(BaseOperatorLink):
    name = "Runbook"

    def get_link(self, operator, *, ti_key: TaskInstanceKey):
        return f"https://runbooks.example/{ti_key.dag_id}/{ti_key.task_id}"


def versions():
    return [airflow.__version__, is_venv_installed(), version]


with DAG("interface_names", start_date=datetime(2023, 1, 1), schedule=None) as dag:
    first = PythonOperator(task_id="versions", python_callable=versions)
    heavy = PythonOperator(
        task_id="heavy", python_callable=lambda: None, weight_rule=WeightRule.ABSOLUTE, priority_weight=10
    )
    mapped = PythonOperator.partial(task_id="mapped", python_callable=lambda x: x).expand(op_args=[[1], [2]])
    loader = PythonOperator(task_id="loader", python_callable=lambda: import_string("os.path.join").__module__)
    first >> [heavy, mapped, loader]
    assert isinstance(mapped, MappedOperator) and isinstance(heavy, AbstractOperator)
    assert RunbookLink().get_link(heavy, ti_key=TaskInstanceKey("d", "t", "r")) == "https://runbooks.example/d/t"
