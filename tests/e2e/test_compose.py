"""compose.yaml and its Dockerfile, proven without a Docker engine (this CI has none).

Three checks: Docker Compose itself validates the file (`docker-compose config -q`, the v1 tool
Debian packages, which needs no engine for that); every TRADEWIND__ variable it sets names an
option Tradewind reads; and the cluster it describes runs, here, as real processes: each Tradewind
service's entrypoint + command with that service's environment, its healthcheck too. What a
container would have differently is rewritten, and only that: the hostnames `postgres` and
`redis` become 127.0.0.1 (with this test's own database and Redis db number), the container path
/opt/tradewind becomes a temporary folder (the DAGs folder a read-only copy of deploy/dags), and
the webserver's port a free one.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import socket
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from scheduler_process import wait_for
from sql_databases import postgres_database

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[2]
CONTAINER_HOME = "/opt/tradewind"
REDIS_DB = 14  # this test's Redis database (issue 14), flushed before and after
_VARIABLE = re.compile(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}")


def interpolate(text: str) -> str:
    """Compose's variable substitution with nothing set: `${X:-default}` gives its default, `$$` a `$`."""

    def one(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        if match.group(2) is None:
            raise AssertionError(f"{match.group(0)} has no default: `docker compose up` would need it set")
        return match.group(2)

    return _VARIABLE.sub(one, text)


def load_compose() -> dict[str, Any]:
    return yaml.safe_load(interpolate((ROOT / "compose.yaml").read_text(encoding="utf-8")))


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the Dockerfile, continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text(encoding="utf-8"))
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in lines]


def image_entrypoint() -> list[str]:
    (entrypoint,) = [yaml.safe_load(args) for op, args in dockerfile_instructions() if op == "ENTRYPOINT"]
    return list(entrypoint)


def tradewind_services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The services built from this repository's Dockerfile (not postgres and redis)."""
    return {name: svc for name, svc in compose["services"].items() if "build" in svc}


# --- validation -----------------------------------------------------------------------------------


def test_docker_compose_validates_the_file_without_an_engine() -> None:
    tool = shutil.which("docker-compose")
    if tool is None:
        pytest.fail("docker-compose is not installed (scripts/setup.sh installs it: apt-get install docker-compose)")
    env = {**os.environ, "DOCKER_HOST": "unix:///nonexistent/docker.sock"}  # proof that no engine is asked
    done = subprocess.run(
        [tool, "-f", "compose.yaml", "config", "-q"], cwd=ROOT, capture_output=True, text=True, env=env
    )
    assert done.returncode == 0, done.stderr
    # and it does reject what is wrong: a misspelt option, an unknown depends_on condition
    broken = (ROOT / "compose.yaml").read_text().replace("condition: service_healthy", "condition: service_ready", 1)
    done = subprocess.run([tool, "-f", "-", "config", "-q"], cwd=ROOT, input=broken, capture_output=True, text=True)
    assert done.returncode != 0 and "service_ready" in done.stderr, done.stderr


def _options_read_by_tradewind() -> set[tuple[str, str]]:
    """Every (section, key) in the built-in defaults or read by a `conf.get…("section", "key")` call."""
    from tradewind.config import DEFAULTS

    found = {(section, key) for section, keys in DEFAULTS.items() for key in keys}
    call = re.compile(r"conf\.get\w*\(\s*\"(\w+)\",\s*\"(\w+)\"")
    for path in (ROOT / "tradewind").rglob("*.py"):
        found.update(call.findall(path.read_text(encoding="utf-8")))
    return found


def test_every_tradewind_variable_names_a_real_option() -> None:
    from tradewind.config import ENV_PREFIX

    known = _options_read_by_tradewind()
    compose = load_compose()
    seen = set()
    for name, svc in tradewind_services(compose).items():
        for var in svc["environment"]:
            if var.startswith(ENV_PREFIX):
                section, _, key = var[len(ENV_PREFIX) :].lower().partition("__")
                assert (section, key) in known, f"{name}: {var} is no Tradewind option"
                seen.add(var)
            else:
                assert var in {"TRADEWIND_HOME", "TRADEWIND_CONFIG"} or not var.startswith("TRADEWIND"), var
    assert "TRADEWIND__CORE__EXECUTOR" in seen and "TRADEWIND__CELERY__BROKER_URL" in seen


def test_the_dockerfile_copies_what_exists_and_runs_a_real_command() -> None:
    import tomllib

    instructions = dockerfile_instructions()
    copied = []
    for op, args in instructions:
        if op == "COPY":
            *sources, _ = shlex.split(args)
            copied += sources
    assert copied
    for source in copied:
        assert (ROOT / source).exists(), f"COPY {source}: no such file in the repository"
    # .dockerignore keeps every COPY source in the build context (it lists what it lets through)
    allowed = {line[1:].rstrip("/") for line in (ROOT / ".dockerignore").read_text().splitlines() if line[:1] == "!"}
    assert set(copied) <= allowed, set(copied) - allowed
    # what the package build reads is copied: the readme, the build backend, MANIFEST.in's files
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    needed = {project["project"]["readme"], *project["build-system"]["backend-path"], "tradewind"}
    needed |= {
        line.split()[1].split("/")[0]
        for line in (ROOT / "MANIFEST.in").read_text().splitlines()
        if line[:7] == "include"
    }
    assert needed <= set(copied), needed - set(copied)
    # the extras it installs exist
    (install,) = [args for op, args in instructions if op == "RUN" and "pip install" in args]
    extras = re.search(r"\[([a-z,]+)\]", install)
    assert extras is not None
    assert set(extras.group(1).split(",")) <= set(project["project"]["optional-dependencies"])
    assert {"postgres", "web", "celery"} <= set(extras.group(1).split(","))
    # ENTRYPOINT + CMD is a tradewind command the CLI knows
    entrypoint = image_entrypoint()
    (cmd,) = [yaml.safe_load(args) for op, args in instructions if op == "CMD"]
    assert entrypoint == ["tradewind"]
    done = subprocess.run([sys.executable, "-m", "tradewind", *cmd, "--help"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


# --- the cluster, as processes --------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Host:
    """Runs compose services as processes on this host, with the rewrites the module docstring lists."""

    def __init__(self, compose: dict[str, Any], home: Path, database: str, web_port: int) -> None:
        self.compose = compose
        self.home = home
        self.database = database
        self.web_port = web_port
        self.procs: list[tuple[str, subprocess.Popen[bytes]]] = []

    def rewrite(self, value: str) -> str:
        from sqlalchemy.engine import make_url

        value = value.replace(CONTAINER_HOME, str(self.home))
        if value.startswith("postgresql"):
            url = make_url(value)
            assert url.host == "postgres", value
            url = url.set(host="127.0.0.1", port=5432, username="postgres", password=None, database=self.database)
            return url.render_as_string(hide_password=False)
        if value.startswith("redis://redis:6379/"):
            return f"redis://127.0.0.1:6379/{REDIS_DB}"
        assert "://postgres" not in value and "://redis" not in value, value
        return value

    def env(self, service: str) -> dict[str, str]:
        base = {k: v for k, v in os.environ.items() if not k.startswith("TRADEWIND")}
        base["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{base.get('PATH', '')}"  # `tradewind`, `python`
        base["PYTHONPATH"] = str(ROOT)
        env = {k: self.rewrite(str(v)) for k, v in self.compose["services"][service]["environment"].items()}
        if service == "webserver":
            env["TRADEWIND__WEBSERVER__WEB_SERVER_PORT"] = str(self.web_port)
        return {**base, **env}

    def argv(self, service: str) -> list[str]:
        svc = self.compose["services"][service]
        entrypoint = svc.get("entrypoint", image_entrypoint())
        return [self.rewrite(a) for a in [*entrypoint, *svc["command"]]]

    def run(self, service: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(self.argv(service), env=self.env(service), capture_output=True, text=True, timeout=120)

    def start(self, service: str, index: int) -> None:
        log = open(self.home / f"{service}-{index}.log", "wb")  # noqa: SIM115 — closed with the process
        proc = subprocess.Popen(
            self.argv(service), env=self.env(service), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()
        self.procs.append((f"{service}-{index}", proc))

    def healthy(self, service: str) -> bool:
        """The service's own healthcheck, run as Docker would (CMD: argv; CMD-SHELL: `sh -c`)."""
        kind, *test = self.compose["services"][service]["healthcheck"]["test"]
        argv = ["/bin/sh", "-c", *test] if kind == "CMD-SHELL" else test
        done = subprocess.run(argv, env=self.env(service), capture_output=True, timeout=60)
        return done.returncode == 0

    def log(self, name: str) -> str:
        return (self.home / f"{name}.log").read_text(errors="replace")

    def stop(self) -> None:
        for _, proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for _, proc in self.procs:
            try:
                proc.wait(60)
            except subprocess.TimeoutExpired:
                pass
            try:
                os.killpg(proc.pid, signal.SIGKILL)  # whatever of its session is left
            except ProcessLookupError:
                pass
            proc.wait()


def _replicas(svc: dict[str, Any]) -> int:
    return int(svc.get("deploy", {}).get("replicas", 1))


def _flush_redis() -> None:
    import redis

    redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB).flushdb()


@pytest.fixture
def host(tmp_path: Path) -> Iterator[Host]:
    compose = load_compose()
    home = tmp_path / "opt-tradewind"
    for volume in ("logs", "config"):
        (home / volume).mkdir(parents=True)
    mounts = {name: svc["volumes"] for name, svc in tradewind_services(compose).items()}
    assert len({tuple(v) for v in mounts.values()}) == 1, mounts  # every service sees the same DAGs, logs, keys
    # the DAGs bind mount: its source folder, copied, and read-only as compose mounts it
    (mount,) = [v for v in compose["services"]["scheduler"]["volumes"] if v.split(":")[1] == f"{CONTAINER_HOME}/dags"]
    source, _, mode = mount.split(":")
    assert mode == "ro"
    shutil.copytree(ROOT / source, home / "dags", ignore=shutil.ignore_patterns("__pycache__"))
    readonly = [home / "dags", *(home / "dags").rglob("*")]
    for path in readonly:  # (root ignores these bits: hence the listing compared after the run)
        path.chmod(path.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    _flush_redis()
    with postgres_database("tw_i14compose") as database:
        machine = Host(compose, home, database, _free_port())
        try:
            yield machine
        finally:
            machine.stop()
            from tradewind.store.engine import reset_engine

            reset_engine()
            for path in readonly:
                path.chmod(path.stat().st_mode | stat.S_IWUSR)
    _flush_redis()


def _api(host: Host) -> Any:
    import httpx

    init_env = host.compose["services"]["tradewind-init"]["environment"]
    auth = (init_env["ADMIN_USERNAME"], init_env["ADMIN_PASSWORD"])  # the admin the init job created
    return httpx.Client(base_url=f"http://127.0.0.1:{host.web_port}/api/v1", auth=auth, timeout=30)


def test_the_compose_cluster_runs_a_dag_from_its_dags_folder(host: Host) -> None:
    import httpx

    services = tradewind_services(host.compose)
    assert set(services) == {"tradewind-init", "webserver", "scheduler", "triggerer", "worker"}
    for name in services:
        if name != "tradewind-init":
            assert services[name]["depends_on"]["tradewind-init"]["condition"] == "service_completed_successfully"
    # the one-shot job: migrates, creates the admin; run again (an upgrade) it succeeds and changes nothing
    first = host.run("tradewind-init")
    assert first.returncode == 0, first.stdout + first.stderr
    assert 'User "admin" created with role "Admin"' in first.stdout
    assert (host.home / "config" / "tradewind.toml").read_text().count("_key") == 2  # fernet and secret keys, shared
    again = host.run("tradewind-init")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "Database is up to date" in again.stdout and "already exists" in again.stdout
    assert again.stderr == ""

    for name in ("webserver", "scheduler", "triggerer", "worker"):
        for index in range(_replicas(services[name])):
            host.start(name, index)
    assert _replicas(services["scheduler"]) == 2 and _replicas(services["worker"]) == 2
    for name in ("webserver", "scheduler", "triggerer", "worker"):
        wait_for(lambda name=name: host.healthy(name), timeout=120, what=f"the {name}'s healthcheck to pass")

    api = _api(host)
    wait_for(lambda: api.get("/dags/cluster_check").status_code == 200, timeout=90, what="cluster_check to be parsed")
    assert api.patch("/dags/cluster_check", json={"is_paused": False}).json()["is_paused"] is False
    created = api.post("/dags/cluster_check/dagRuns", json={})
    assert created.status_code == 200, created.text
    run_id = created.json()["dag_run_id"]
    run = wait_for(
        lambda: (r := api.get(f"/dags/cluster_check/dagRuns/{run_id}").json())["state"] in ("success", "failed") and r,
        timeout=180,
        what="the run to finish",
    )
    assert run["state"] == "success", run
    tis = api.get(f"/dags/cluster_check/dagRuns/{run_id}/taskInstances").json()["task_instances"]
    assert len(tis) == 10 and {t["state"] for t in tis} == {"success"}, tis
    executed = sum(host.log(f"worker-{i}").count("succeeded in") for i in range(2))
    assert executed >= len(tis), (
        executed
    )  # every task ran on a Celery worker (the sensor twice: before and after deferring)
    # the report's XCom counts 8 mapped tasks; its log, written by a worker, is served by the webserver
    report = f"/dags/cluster_check/dagRuns/{run_id}/taskInstances/report"
    counts = api.get(f"{report}/xcomEntries/return_value", params={"deserialize": True}).json()["value"]
    assert sum(counts.values()) == 8, counts
    log = api.get(f"{report}/logs/1", params={"full_content": True}).json()["content"]
    assert "8 tasks ran on" in log, log
    assert any(p.is_file() for p in (host.home / "logs").rglob("*"))  # in the shared logs volume

    health = httpx.get(f"http://127.0.0.1:{host.web_port}/health", timeout=30).json()
    assert health["metadatabase"]["status"] == "healthy"
    assert health["scheduler"]["status"] == "healthy"
    assert health["triggerer"]["status"] == "healthy"
    assert health["celery_worker"] == {"status": "healthy", "alive_workers": 2}
    check = subprocess.run(
        ["tradewind", "jobs", "check", "--job-type", "SchedulerJob", "--allow-multiple", "--limit", "5"],
        env=host.env("scheduler"),
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0 and "Found 2 alive jobs." in check.stdout, check
    for name, _ in host.procs:
        assert "Traceback" not in host.log(name), (name, host.log(name))
    # nothing was written into the DAG folder (mounted read-only), bytecode caches aside: Python skips those
    written = {
        p.relative_to(host.home / "dags") for p in (host.home / "dags").rglob("*") if "__pycache__" not in p.parts
    }
    assert written == {
        p.relative_to(ROOT / "deploy" / "dags")
        for p in (ROOT / "deploy" / "dags").rglob("*")
        if "__pycache__" not in p.parts
    }


def test_interpolation_defaults_and_escapes() -> None:
    assert interpolate("a ${X:-1} b ${Y-two} $$HOME") == "a 1 b two $HOME"
    with pytest.raises(AssertionError, match="no default"):
        interpolate("${NEEDED}")
