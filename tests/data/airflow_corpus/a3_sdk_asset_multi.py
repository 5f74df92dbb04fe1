# expect: {"dag_id": "write_both", "state": "success", "tasks": {"write_both": "success"}, "xcom": {"write_both": 3}}
# expect: {"dag_id": "summary_asset", "state": "success", "tasks": {"summary_asset": "success"}, "xcom": {"summary_asset": [{"rows": 3}, "write_both", "corpus_b"]}}
# expect: {"dag_id": "consume_both", "state": "success", "tasks": {"read": "success"}, "xcom": {"read": [1, {"rows": 3}]}}
# Airflow 3's @asset.multi (one task updating several assets) and inlet_events on assets.
import pendulum
from airflow.sdk import Asset, asset, dag, task

CORPUS_A = Asset(uri="s3://corpus-multi/a.parquet", name="corpus_a")
CORPUS_B = Asset(name="corpus_b")


@asset.multi(schedule=None, outlets=[CORPUS_A, CORPUS_B])
def write_both(self, context, rows=3):
    context["outlet_events"][CORPUS_A].extra = {"rows": rows}
    return rows


@asset(uri="s3://corpus-multi/summary.json", schedule=None)
def summary_asset(self, context, corpus_a):
    latest = context["inlet_events"][corpus_a][-1]
    return [latest.extra, latest.source_dag_id, CORPUS_B.name]


@dag(schedule=CORPUS_A & CORPUS_B, start_date=pendulum.datetime(2024, 1, 1, tz="UTC"))
def consume_both():
    @task(inlets=[CORPUS_A])
    def read(*, inlet_events=None):
        events = inlet_events[CORPUS_A]
        return [len(events), events[-1].extra]

    read()


consume_both()
