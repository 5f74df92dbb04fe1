"""Task-process benchmark: what one forked task costs, without a scheduler or a database.

    .venv/bin/python bench/task_process.py [--tasks N] [--repeat R]

A stand-in supervisor (this process) keeps one real fork server (executors/forkserver.py) and
runs no-op PythonOperator tasks through it, speaking the task protocol itself (it stores nothing:
an XCom push and the result are acknowledged). It reads from /proc the CPU and page faults of the
task processes the server forked and reaped (`cutime`, `cstime`, `cminflt` of their parent, the DAG file's zygote), so the figures are
the task processes' own, whatever else runs on the machine. Prints, medians of `--repeat` runs:

- the floor: CPU of a fork + exit of a process holding only the task runtime (as bench/scheduler.py);
- the fork server's start: CPU until ready, its RSS once ready, its own CPU per task (it relays
  each request to the zygote and the zygote's answers back); the DAG file's zygote (which
  imports the file and forks its task processes): CPU to start, RSS, and CPU and minor page
  faults per task (its fork of the standby, its own work between forks);
- per forked task: CPU ms, the ratio to the floor, minor page faults; the task's own RSS
  (VmRSS and private MB, as bench/scheduler.py's probe reads them) and module count;
- per forked task, wall ms (median) on the critical path: from asking the fork server for a
  process to the task's result (`task_request_to_result_ms`), and from sending the job
  (`StartTry`) to the result (`task_job_to_result_ms`);
- per job in a reused process (`tasks_per_process` 50): CPU ms and page faults.

CPU (not wall) is what to trust on a shared machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

DAG_FILE = """
from datetime import datetime
from tradewind import DAG
from tradewind.operators.python import PythonOperator

def noop():
    return None

def own_rss():
    import sys
    rss = [int(l.split()[1]) / 1024 for l in open("/proc/self/status") if l.startswith("VmRSS:")][0]
    private = sum(int(l.split()[1]) / 1024 for l in open("/proc/self/smaps_rollup") if l.startswith("Private_"))
    return [rss, private, len(sys.modules)]

with DAG("bench_task_process", schedule=None, start_date=datetime(2024, 1, 1)):
    PythonOperator(task_id="noop", python_callable=noop)
    PythonOperator(task_id="rss", python_callable=own_rss)
    PythonOperator(task_id="noop_reuse", python_callable=noop, executor_config={"tasks_per_process": 1000000})
"""


def stat(pid: int) -> dict[str, float]:
    """Own and reaped children's CPU seconds and minor faults of `pid`, from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    tick = os.sysconf("SC_CLK_TCK")
    return {
        "minflt": int(fields[7]),
        "cminflt": int(fields[8]),
        "cpu": (int(fields[11]) + int(fields[12])) / tick,
        "ccpu": (int(fields[13]) + int(fields[14])) / tick,
    }


def forker(server: int) -> int:
    """The process that forks the tasks: the zygote of the one DAG file (a child of the server)."""
    kids = Path(f"/proc/{server}/task/{server}/children").read_text().split()
    assert len(kids) == 1, kids  # one DAG file: one zygote (its standby is the zygote's child)
    return int(kids[0])


def status_mb(pid: int, key: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


class StandInSupervisor:
    """Runs jobs through a real fork server and answers the task protocol without a store."""

    def __init__(self, fileloc: str, logs: Path) -> None:
        from tradewind.executors.forkserver import ForkServer

        self.fileloc = fileloc
        self.logs = logs
        self.server = ForkServer()
        self.xcoms: dict[str, Any] = {}
        self._n = 0
        self.result_at = 0.0  # perf_counter() when the last TaskResult came

    def job(self, task_id: str) -> Any:
        from tradewind.runtime.protocol import Claim, StartTry
        from tradewind.store.records import DagRunRecord, TaskInstanceRecord

        self._n += 1
        now = datetime.now(timezone.utc)
        run = DagRunRecord(
            1, "bench_task_process", "bench", now, now, now, "manual", "running", {}, True, now, now, None, None, None
        )
        # each job's log in a folder of its own, as a run's tasks have theirs (…/task_id=<id>/attempt=1.log)
        path = str(self.logs / "run_id=bench" / f"task_id={task_id}-{self._n}" / "attempt=1.log")
        ti = TaskInstanceRecord(
            *(self._n, "bench_task_process", "bench", task_id, -1, "running", 1, 0, now, None, None, "here", 1),
            *("PythonOperator", "default_pool", 1, "default", 1, now, None, None, path, None, now),
        )
        return StartTry(run, Claim(ti, path, now))

    def serve(self, channel: Any) -> bool:
        """Answer until the process exits (False) or says JobDone (True)."""
        from tradewind.runtime import protocol

        while True:
            try:
                message = channel.recv()
            except EOFError:
                return False
            if isinstance(message, protocol.JobDone):
                return True
            if isinstance(message, protocol.SetXCom):
                self.xcoms[message.task_id] = message.value
                channel.send(protocol.Value(None))
            elif isinstance(message, protocol.TaskResult):
                self.result_at = time.perf_counter()
                assert message.result.state == "success", message.result
                channel.send(protocol.ResultStored(True))
            else:
                channel.send(protocol.Value(None))

    def run_forked(self, task_id: str) -> tuple[float, float]:
        """Run one job in a process of its own; wall seconds from the request, and from the job, to the result."""
        from tradewind.runtime.protocol import Channel

        job = self.job(task_id)
        requested = time.perf_counter()
        channel = Channel(self.server.request(self.fileloc, "bench_task_process"))
        self.server.started()
        sent = time.perf_counter()
        channel.send(job)
        assert not self.serve(channel)
        channel.close()
        assert self.server.wait_exit() == 0
        return self.result_at - requested, self.result_at - sent

    def run_reused(self, jobs: int) -> None:
        from tradewind.runtime.protocol import Channel, NoJob

        channel = Channel(self.server.request(self.fileloc, "bench_task_process"))
        self.server.started()
        for _ in range(jobs):
            channel.send(self.job("noop_reuse"))
            assert self.serve(channel)
        channel.send(NoJob())
        channel.close()
        assert self.server.wait_exit() == 0

    def close(self) -> None:
        self.server.close()


def floor_ms() -> float:
    """CPU ms of a fork + exit of a process holding the task runtime (bench/scheduler.py's floor)."""
    from scheduler import fork_floor_ms  # bench/ is this script's folder, first on sys.path

    return fork_floor_ms()


def one_round(fileloc: str, logs: Path, tasks: int) -> dict[str, float]:
    started = time.monotonic()
    sup = StandInSupervisor(fileloc, logs)
    pid = sup.server.pid
    sup.server.wait_ready()
    out: dict[str, float] = {"server_ready_wall_ms": 1000 * (time.monotonic() - started)}
    ready = stat(pid)
    out["server_start_cpu_ms"] = 1000 * ready["cpu"]
    out["server_start_minflt"] = ready["minflt"]
    out["server_rss_mb"] = status_mb(pid, "VmRSS")
    out["server_rss_anon_mb"] = status_mb(pid, "RssAnon")
    sup.run_forked("noop")  # the first job starts the DAG file's zygote, which imports it
    server, pid = pid, forker(pid)  # from here on: the zygote, the parent of the task processes
    out["zygote_start_cpu_ms"] = 1000 * stat(pid)["cpu"]
    out["zygote_rss_mb"] = status_mb(pid, "VmRSS")
    out["zygote_rss_anon_mb"] = status_mb(pid, "RssAnon")
    sup.run_forked("rss")
    rss, private, modules = sup.xcoms["rss"]
    out.update(task_rss_mb=rss, task_private_mb=private, task_modules=modules)
    for _ in range(3):
        sup.run_forked("noop")  # warm
    before, server_before = stat(pid), stat(server)
    walls = [sup.run_forked("noop") for _ in range(tasks)]
    after, server_after = stat(pid), stat(server)
    out["server_cpu_ms_per_task"] = 1000 * (server_after["cpu"] - server_before["cpu"]) / tasks
    out["task_request_to_result_ms"] = 1000 * statistics.median(w[0] for w in walls)
    out["task_job_to_result_ms"] = 1000 * statistics.median(w[1] for w in walls)
    # each reaped child is one task's process (the standby forked after the previous task)
    out["task_cpu_ms"] = 1000 * (after["ccpu"] - before["ccpu"]) / tasks
    out["task_minflt"] = (after["cminflt"] - before["cminflt"]) / tasks
    out["zygote_cpu_ms_per_task"] = 1000 * (after["cpu"] - before["cpu"]) / tasks
    out["zygote_minflt_per_task"] = (after["minflt"] - before["minflt"]) / tasks
    jobs = max(tasks, 50)
    before = stat(pid)
    sup.run_reused(jobs)
    after = stat(pid)
    out["reused_job_cpu_ms"] = 1000 * (after["ccpu"] - before["ccpu"]) / jobs
    out["reused_job_minflt"] = (after["cminflt"] - before["cminflt"]) / jobs
    sup.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tasks", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="tw-bench-taskproc-"))
    dags = home / "dags"
    dags.mkdir()
    fileloc = dags / "bench_task_process.py"
    fileloc.write_text(DAG_FILE)
    os.environ.update(
        TRADEWIND_HOME=str(home),
        TRADEWIND__CORE__DAGS_FOLDER=str(dags),
        TRADEWIND__CORE__LOAD_EXAMPLES="false",
    )
    floor = floor_ms()
    rounds = [one_round(str(fileloc), home / "logs", args.tasks) for _ in range(args.repeat)]
    result = {key: statistics.median(r[key] for r in rounds) for key in rounds[0]}
    result["fork_floor_cpu_ms"] = floor
    result["task_x_floor"] = result["task_cpu_ms"] / floor
    result["reused_job_x_floor"] = result["reused_job_cpu_ms"] / floor
    width = max(map(len, result))
    for key, value in result.items():
        print(f"{key:{width}}  {value:10.2f}")


if __name__ == "__main__":
    main()
