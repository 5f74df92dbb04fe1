# expect: {"dag_id": "mapping_map_zip_more", "state": "success", "tasks": {"names": "success", "ages": "success", "square[0]": "success", "square[1]": "success", "square[2]": "success", "describe[0]": "success", "describe[1]": "success", "describe[2]": "success", "pair[0]": "success", "pair[1]": "success", "pair[2]": "success", "label[0]": "success", "label[1]": "success", "label[2]": "success"}, "xcom": {"describe[2]": "9!", "pair[2]": "cy/none", "label[0]": "<AN>"}}
# .map() chained, .map() over a mapped task's results, and .zip() with fillvalue (to the longest input).
from datetime import datetime

from airflow.decorators import dag, task


@dag(start_date=datetime(2023, 1, 1), schedule=None)
def mapping_map_zip_more():
    @task
    def names():
        return ["an", "bo", "cy"]

    @task
    def ages():
        return [30, 40]

    @task
    def square(x):
        return x * x

    @task
    def describe(text):
        return text

    @task
    def pair(p):
        name, age = p
        return f"{name}/{age}"

    @task
    def label(text):
        return text

    squares = square.expand(x=[1, 2, 3])
    describe.expand(text=squares.map(str).map(lambda s: s + "!"))
    people = names()
    pair.expand(p=people.zip(ages(), fillvalue="none"))
    label.expand(text=people.map(str.upper).map(lambda s: f"<{s}>"))


mapping_map_zip_more()
