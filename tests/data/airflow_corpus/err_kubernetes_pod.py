# expect-import-error: airflow.providers.cncf
from datetime import datetime

from airflow import DAG
from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator

with DAG("k8s_pod", start_date=datetime(2023, 1, 1), schedule=None):
    KubernetesPodOperator(task_id="pod", name="hello", image="python:3.12", cmds=["python", "-c", "print(1)"])
