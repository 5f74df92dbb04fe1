"""A REST API under test: migrated SQLite, one parsed DAG with a finished run, one user per role, the app.

Shared by test_api.py and test_permissions.py (plain functions: each test module wraps them in fixtures).
"""

from __future__ import annotations

import base64
import itertools
import textwrap
from pathlib import Path
from typing import Any

ROLES = ("Admin", "Op", "User", "Viewer")
PASSWORD = "pw-for-api-tests"
DAG_ID = "api_demo"
_minutes = itertools.count(1)
DAG_SOURCE = """
from datetime import datetime
from tradewind import DAG, Param
from tradewind.operators.bash import BashOperator

with DAG("api_demo", start_date=datetime(2024, 1, 1), schedule="@daily", catchup=False, tags=["api", "demo"],
         params={"n": Param(3, type="integer", minimum=1)}) as dag:
    first = BashOperator(task_id="first", bash_command="echo hello from api")
    second = BashOperator(task_id="second", bash_command="echo second")
    first >> second

with DAG("other_dag", start_date=datetime(2024, 1, 1), schedule=None, tags=["other"]) as other:
    BashOperator(task_id="only", bash_command="true")
"""


def build(home: Path, *, with_run: bool = True, raise_server_exceptions: bool = True) -> Any:
    """Migrate, parse the DAG file (plus one broken file), run api_demo once, create users; return a TestClient."""
    from fastapi.testclient import TestClient

    from tradewind.api import security
    from tradewind.api.app import create_app
    from tradewind.cli.main import main
    from tradewind.scheduler.dag_sync import DagSync
    from tradewind.store.migrate import migrate
    from tradewind.store.users import create_user

    security.throttle.cache_clear()
    security._verified.clear()
    migrate()
    dags = home / "dags"
    dags.mkdir(exist_ok=True)
    (dags / "api_demo.py").write_text(textwrap.dedent(DAG_SOURCE), encoding="utf-8")
    (dags / "broken.py").write_text("from tradewind import DAG\nimport no_such_module_anywhere\n", encoding="utf-8")
    DagSync().run_once(force=True)
    if with_run:
        assert main(["dags", "test", DAG_ID, "2024-03-05"]) == 0
    for role in ROLES:
        create_user(role.lower(), role, "Tester", f"{role.lower()}@example.com", [role], PASSWORD)
    return TestClient(create_app(), base_url="http://testserver", raise_server_exceptions=raise_server_exceptions)


def basic(username: str, password: str = PASSWORD) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()}


def first_run_id() -> str:
    from tradewind.store import runs

    return runs.list_dag_runs(DAG_ID)[0].run_id


def new_run(run_id: str) -> str:
    """A fresh queued run of api_demo (with its task instances), straight through the trigger code."""
    from datetime import datetime, timedelta, timezone

    from tradewind.scheduler.trigger import trigger_dag

    when = datetime(2023, 1, 1, tzinfo=timezone.utc) + timedelta(minutes=next(_minutes))
    return trigger_dag(DAG_ID, run_id=run_id, logical_date=when).run_id
