# expect: {"dag_id": "mapping_map_zip", "state": "success", "tasks": {"files": "success", "sizes": "success", "show[0]": "success", "show[1]": "success", "pairs[0]": "success", "pairs[1]": "success"}, "xcom": {"show[0]": "/data/A.CSV", "pairs[1]": "b.csv=20"}}
from datetime import datetime

from airflow.decorators import dag, task


@dag(start_date=datetime(2023, 1, 1), schedule=None, catchup=False)
def mapping_map_zip():
    @task
    def files():
        return ["a.csv", "b.csv"]

    @task
    def sizes():
        return [10, 20]

    @task
    def show(path):
        return path

    @task
    def pairs(pair):
        name, size = pair
        return f"{name}={size}"

    names = files()
    show.expand(path=names.map(lambda name: "/data/" + name.upper()))
    pairs.expand(pair=names.zip(sizes()))


mapping_map_zip()
