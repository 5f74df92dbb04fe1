# expect: {"dag_id": "mapped_group_docs", "state": "success", "tasks": {"tg1.print_num[0]": "success", "tg1.print_num[1]": "success", "tg1.print_num[2]": "success", "tg1.print_num[3]": "success", "tg1.add_42[0]": "success", "tg1.add_42[1]": "success", "tg1.add_42[2]": "success", "tg1.add_42[3]": "success", "pull_xcom": "success", "file_transforms.convert_to_yaml[0]": "success", "file_transforms.convert_to_yaml[1]": "success", "add_one_group.add_one[0]": "success", "add_one_group.add_one[1]": "success", "add_one_group.add_one[2]": "success", "print_total": "success"}, "xcom": {"pull_xcom": [84, 50], "tg1.add_42[1]": 65, "file_transforms.convert_to_yaml[1]": "data2.yaml", "print_total": 9}}
# The mapped task group examples of Airflow's "Dynamic Task Mapping" page: a group used as a node
# in `>>`, pulling chosen map indexes of a task in it, and a group's results collected downstream.
from datetime import datetime

from airflow.decorators import dag, task, task_group


@dag(start_date=datetime(2023, 1, 1), schedule=None, catchup=False)
def mapped_group_docs():
    @task_group
    def tg1(my_num):
        @task
        def print_num(num):
            return num

        @task
        def add_42(num):
            return num + 42

        print_num(my_num) >> add_42(my_num)

    @task
    def pull_xcom(**context):
        pulled_xcom = context["ti"].xcom_pull(task_ids="tg1.add_42", map_indexes=[2, 3], key="return_value")
        return list(pulled_xcom)

    tg1_object = tg1.expand(my_num=[19, 23, 42, 8])
    tg1_object >> pull_xcom()

    @task
    def convert_to_yaml(filename):
        return filename.replace(".json", ".yaml")

    @task_group
    def file_transforms(filename):
        return convert_to_yaml(filename)

    file_transforms.expand(filename=["data1.json", "data2.json"])

    @task
    def add_one(value):
        return value + 1

    @task_group
    def add_one_group(value):
        return add_one(value)

    @task
    def print_total(totals):
        return sum(totals)

    print_total(add_one_group.expand(value=[1, 2, 3]))


mapped_group_docs()
