# expect: {"dag_id": "mapping_task_group_more", "state": "success", "tasks": {"files": "success", "per_file.read[0]": "success", "per_file.read[1]": "success", "per_file.echo[0]": "success", "per_file.echo[1]": "success", "per_file.inner.size[0]": "success", "per_file.inner.size[1]": "success", "total": "success", "pairs.add[0]": "success", "pairs.add[1]": "success", "pairs.add[2]": "success", "sum_pairs": "success"}, "xcom": {"per_file.read[1]": "b.csv@s3", "per_file.echo[0]": "a.csv", "per_file.inner.size[1]": 8, "total": 16, "pairs.add[2]": 33, "sum_pairs": 66}}
from datetime import datetime

from airflow.decorators import dag, task, task_group
from airflow.operators.bash import BashOperator


@dag(start_date=datetime(2023, 1, 1), schedule=None, catchup=False)
def mapping_task_group_more():
    @task
    def files():
        return ["a.csv", "b.csv"]

    @task_group
    def per_file(name, where):
        @task
        def read(name, where):
            return f"{name}@{where}"

        # a mapped argument inside a templated field: this group instance's own item
        echo = BashOperator(task_id="echo", bash_command='echo "$NAME"', env={"NAME": name})

        @task_group
        def inner(value):
            @task
            def size(v):
                return len(v)

            return size(value)

        sized = inner(read(name, where))
        echo >> sized
        return sized

    @task
    def total(sizes):
        return sum(sizes)

    total(per_file.partial(where="s3").expand(name=files()))

    @task_group(group_id="pairs")
    def add_pair(a, b):
        @task
        def add(a, b):
            return a + b

        return add(a, b)

    @task
    def sum_pairs(values):
        return sum(values)

    sum_pairs(add_pair.expand_kwargs([{"a": 1, "b": 10}, {"a": 2, "b": 20}, {"a": 3, "b": 30}]))


mapping_task_group_more()
