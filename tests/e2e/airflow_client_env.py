"""A real `tradewind webserver` for Airflow's own Python client: a home with DAGs (a plain one, a mapped one,
a dataset producer and consumer), finished runs, one user per role; and the client's configuration."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request
from pathlib import Path
from typing import Any

ROLES = ("Admin", "Op", "User", "Viewer")
PASSWORD = "pw-for-client-tests"
DAGS = {
    "client_demo.py": """
        from datetime import datetime, timedelta
        from tradewind import DAG, Param
        from tradewind.operators.bash import BashOperator

        with DAG("client_demo", start_date=datetime(2024, 1, 1), schedule="0 6 * * *", catchup=False,
                 tags=["client", "demo"], params={"n": Param(3, type="integer", minimum=1)},
                 dagrun_timeout=timedelta(hours=1), doc_md="demo *doc*") as dag:
            first = BashOperator(task_id="first", bash_command="echo hello from the client test",
                                 retries=2, retry_delay=timedelta(minutes=5))
            second = BashOperator(task_id="second", bash_command="echo 42")
            first >> second
    """,
    "client_mapped.py": """
        from datetime import datetime, timedelta
        from tradewind import DAG, task

        with DAG("client_mapped", start_date=datetime(2024, 1, 1), schedule=timedelta(hours=6), catchup=False):
            @task
            def double(x):
                return x * 2

            double.expand(x=[1, 2, 3])
    """,
    "client_datasets.py": """
        from datetime import datetime
        from dateutil.relativedelta import relativedelta
        from tradewind import DAG, Dataset
        from tradewind.operators.bash import BashOperator

        raw = Dataset("file:///data/raw.csv")
        with DAG("client_producer", start_date=datetime(2024, 1, 1), schedule=relativedelta(months=1),
                 catchup=False):
            BashOperator(task_id="produce", bash_command="echo made", outlets=[raw], pool="missing_pool")
        with DAG("client_consumer", start_date=datetime(2024, 1, 1), schedule=[raw]):
            BashOperator(task_id="consume", bash_command="echo used")
    """,
}

PLUGIN = """
    from airflow.plugins_manager import AirflowPlugin


    def days_to_go(ds):
        return 7


    class ClientPlugin(AirflowPlugin):
        name = "client_plugin"
        macros = [days_to_go]
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """Builds the home with the real CLI, then runs `tradewind webserver` on a free loopback port."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.env = {
            **os.environ,
            "TRADEWIND_HOME": str(home),
            "TRADEWIND__CORE__LOAD_EXAMPLES": "false",
            "TRADEWIND__CORE__DAGS_FOLDER": str(home / "dags"),
            "TRADEWIND__WEBSERVER__EXPOSE_CONFIG": "non-sensitive-only",
            "TRADEWIND__CORE__TEST_CONNECTION": "Enabled",
        }
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "tradewind", *args], env=self.env, capture_output=True, text=True, timeout=300
        )

    def setup(self) -> None:
        dags = self.home / "dags"
        dags.mkdir(parents=True, exist_ok=True)
        for name, source in DAGS.items():
            (dags / name).write_text(textwrap.dedent(source), encoding="utf-8")
        (dags / "broken.py").write_text("from tradewind import DAG\nimport no_such_module_anywhere\n")
        (self.home / "plugins").mkdir(exist_ok=True)
        (self.home / "plugins" / "client_plugin.py").write_text(textwrap.dedent(PLUGIN), encoding="utf-8")
        for args in (
            ("db", "migrate"),
            *(
                ("users", "create", "-u", r.lower(), "-f", r, "-l", "Tester", "-e", f"{r.lower()}@x.org", "-r", r,
                 "-p", PASSWORD)
                for r in ROLES
            ),
            ("dags", "list"),
            ("dags", "test", "client_demo", "2024-03-05"),
            ("dags", "test", "client_mapped", "2024-03-05"),
        ):  # fmt: skip
            done = self.cli(*args)
            assert done.returncode == 0, f"{args}: {done.stdout}\n{done.stderr}"

    def start(self) -> None:
        log = (self.home / "webserver.out").open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tradewind", "webserver", "--port", str(self.port), "--hostname", "127.0.0.1"],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise AssertionError("the webserver did not answer /health:\n" + (self.home / "webserver.out").read_text())

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()

    def client(self, role: str | None = "Admin") -> Any:
        import airflow_client.client as ac

        config = ac.Configuration(host=f"http://127.0.0.1:{self.port}/api/v1")
        if role is not None:
            config.username, config.password = role.lower(), PASSWORD
        return ac.ApiClient(config)
