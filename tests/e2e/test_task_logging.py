"""Whatever a task logs (any logger, any thread) goes to the try's log, masked; never to the scheduler's output."""

from __future__ import annotations

import json

import pytest

from tradewind.secrets import masker

from scheduler_process import finished, wait_for

pytestmark = pytest.mark.timeout(120)

PASSWORD = "Sw0rdfish-913"
API_KEY = "key-5550123"

DAG_SOURCE = """
import logging
import threading
from datetime import datetime
from tradewind import DAG
from tradewind.models import Connection, Variable
from tradewind.operators.python import PythonOperator

def leak():
    pw = Connection.get("leaky_db").password
    key = Variable.get("service_api_key")
    logging.warning("root pw=%s", pw)
    named = logging.getLogger("leaky.module")
    named.warning("named pw=%s key=%s", pw, key)
    named.info("named info line")
    logging.getLogger("airflow.task").warning("airflow.task pw=%s", pw)
    thread = threading.Thread(target=lambda: logging.getLogger("leaky.thread").error("thread key=%s", key))
    thread.start()
    thread.join()
    try:
        raise RuntimeError("boom " + pw)
    except RuntimeError:
        logging.exception("caught")

with DAG("leaky", schedule=None, start_date=datetime(2024, 1, 1)) as dag:
    PythonOperator(task_id="leak", python_callable=leak)
"""

#: What the task's log must hold (with the secrets masked), and the scheduler's output must not.
LINES = (
    "WARNING - root pw=***",
    "WARNING - named pw=*** key=***",
    "INFO - named info line",
    "WARNING - airflow.task pw=***",
    "ERROR - thread key=***",
    "RuntimeError: boom ***",
)


@pytest.fixture(autouse=True)
def _clean_masker():
    masker.reset_masker()
    yield
    masker.reset_masker()


@pytest.fixture
def secrets(cli):
    """The password in a connection and the key in a sensitive variable, both in the database."""
    r = cli(
        "connections",
        "add",
        "leaky_db",
        "--conn-type",
        "postgres",
        "--conn-host",
        "db.local",
        "--conn-login",
        "app",
        "--conn-password",
        PASSWORD,
    )
    assert r.code == 0, r.err
    r = cli("variables", "set", "service_api_key", API_KEY)
    assert r.code == 0, r.err
    masker.reset_masker()  # what the test process saw is not what the task must mask


def _assert_masked_log(text: str) -> None:
    for line in LINES:
        assert line in text, (line, text)
    assert PASSWORD not in text and API_KEY not in text, text


def test_under_the_scheduler_every_logger_and_thread_goes_to_the_task_log(scheduler, write_dag, secrets) -> None:
    write_dag("leaky.py", DAG_SOURCE)
    scheduler.start()
    from tradewind.scheduler.trigger import trigger_dag
    from tradewind.store import dags, task_instances

    wait_for(lambda: dags.get_dag("leaky"), what="the DAG to be parsed")
    run = trigger_dag("leaky")
    done = wait_for(finished("leaky"), what="the run")
    assert done[0].state == "success"
    ti = task_instances.get_task_instance("leaky", run.run_id, "leak", -1)
    with open(ti.log_path, encoding="utf-8") as fh:
        _assert_masked_log(fh.read())
    output = scheduler.output()
    assert PASSWORD not in output and API_KEY not in output
    for marker in ("root pw=", "named pw=", "named info line", "airflow.task pw=", "thread key=", "boom"):
        assert marker not in output, (marker, output)


def test_tasks_test_echoes_the_masked_lines(cli, write_dag, secrets) -> None:
    write_dag("leaky.py", DAG_SOURCE)
    r = cli("tasks", "test", "leaky", "leak", "2024-01-01")
    assert r.code == 0, r.out + r.err
    _assert_masked_log(r.out)
    assert PASSWORD not in r.err and API_KEY not in r.err and "pw=" not in r.err


def test_dags_test_writes_the_log_and_its_verbose_echo_masked(cli, write_dag, secrets) -> None:
    write_dag("leaky.py", DAG_SOURCE)
    r = cli("dags", "test", "leaky", "-o", "json")
    assert r.code == 0, r.out + r.err
    assert PASSWORD not in r.out + r.err and "pw=" not in r.err
    (ti,) = json.loads(r.out)["task_instances"]
    with open(ti["log_path"], encoding="utf-8") as fh:
        _assert_masked_log(fh.read())
    r = cli("dags", "test", "leaky", "-v")
    assert r.code == 0, r.out + r.err
    _assert_masked_log(r.err)
