# expect: {"dag_id": "custom_branch_operator", "state": "success", "tasks": {"pick_region": "success", "eu": "success", "us": "success", "apac": "skipped", "merge": "success"}}
from datetime import datetime

from airflow import DAG
from airflow.operators.branch import BaseBranchOperator
from airflow.operators.empty import EmptyOperator


class RegionBranchOperator(BaseBranchOperator):
    def __init__(self, regions, **kwargs):
        super().__init__(**kwargs)
        self.regions = regions

    def choose_branch(self, context):
        return [r for r in self.regions if r != "apac"]


with DAG("custom_branch_operator", start_date=datetime(2023, 1, 1), schedule=None) as dag:
    pick = RegionBranchOperator(task_id="pick_region", regions=["eu", "us", "apac"])
    merge = EmptyOperator(task_id="merge", trigger_rule="none_failed_min_one_success")
    for region in ["eu", "us", "apac"]:
        pick >> EmptyOperator(task_id=region) >> merge
