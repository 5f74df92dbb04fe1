"""The seed's weekly ML pipeline, end to end, through the real scheduler (run by scripts/demo.sh).

1. starts a local FTP server (the data source) and an SMTP sink (failure mails), see servers.py;
2. puts N weekly data drops on the FTP server, one per past week;
3. migrates the database, adds the connection `ftp_default` and the Variable `alert_email`;
4. runs the N weekly intervals of `work_automation` with `tradewind dags backfill` (the
   scheduler loop and the local executor), printing each task as it finishes;
5. prints where the report, the executed notebook and the logs are; stops the servers.

Everything lands in $TRADEWIND_HOME (default ~/tradewind): data/work_automation/, logs/, demo/.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parent
sys.path.insert(0, str(EXAMPLES))

from seedlib.drops import drop_weeks, make_drops  # noqa: E402
from seedlib.paths import run_dir  # noqa: E402
from servers import start_ftp, start_smtp  # noqa: E402

DAG_ID = "work_automation"
DAG_FILE = EXAMPLES / "work_automation" / "work_automation.py"
FTP_USER, FTP_PASSWORD = "weekly-drops", "drops-secret"
ALERT_EMAIL = "data-team@example.com"
TERMINAL = {"success", "failed", "upstream_failed", "skipped", "up_for_retry"}


def tradewind(*args: str, env: dict[str, str], capture: bool = True) -> subprocess.CompletedProcess[str]:
    """Run the real CLI in a child process (exactly what a user types)."""
    return subprocess.run(
        [sys.executable, "-m", "tradewind", *args], env=env, text=True, capture_output=capture, check=False
    )


def must(result: subprocess.CompletedProcess[str], what: str) -> None:
    if result.returncode != 0:
        sys.stderr.write(f"demo: {what} failed:\n{result.stdout}{result.stderr}")
        raise SystemExit(1)


def watch_progress(start: datetime, end: datetime, stop: threading.Event) -> None:
    """Print each task instance of the demo's runs as it starts and ends (reads the database)."""
    from tradewind.store import runs, task_instances

    seen: dict[tuple[str, str], tuple[str, int]] = {}
    while True:
        finished = stop.is_set()
        try:
            for run in runs.list_dag_runs(DAG_ID, newest_first=False):
                logical = (
                    run.logical_date.replace(tzinfo=timezone.utc)
                    if run.logical_date.tzinfo is None
                    else run.logical_date
                )
                if not start <= logical <= end:
                    continue
                tis = task_instances.list_task_instances(DAG_ID, run.run_id)
                for ti in sorted(tis, key=lambda t: (t.start_date is None, t.start_date or 0, t.end_date is None)):
                    key = (run.run_id, ti.task_id)
                    if ti.state in TERMINAL | {"running"} and seen.get(key) != (ti.state, ti.try_number):
                        seen[key] = (ti.state, ti.try_number)
                        took = f" in {ti.duration:.1f}s" if ti.duration and ti.state != "running" else ""
                        mark = {"success": "✓", "running": "…", "up_for_retry": "↻"}.get(ti.state, "✗")
                        print(f"  {mark} week of {logical:%Y-%m-%d}  {ti.task_id:<16} {ti.state}{took}", flush=True)
        except Exception:  # noqa: BLE001 - the database may be busy or not migrated yet; try again
            pass
        if finished:
            return
        stop.wait(0.3)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--weeks", type=int, default=3, help="how many weekly runs (default 3)")
    parser.add_argument(
        "--end",
        type=date.fromisoformat,
        default=date.today() - timedelta(days=7),
        help="a day of the last week to run (default: last week, whose interval has ended)",
    )
    args = parser.parse_args(argv)

    os.environ.setdefault("TRADEWIND_HOME", str(Path("~/tradewind").expanduser()))
    home = Path(os.environ["TRADEWIND_HOME"]).expanduser()
    weeks = drop_weeks(args.weeks, args.end)
    demo_dir = home / "demo"
    print(f"TRADEWIND_HOME={home}")

    ftp = start_ftp(demo_dir / "ftp", user=FTP_USER, password=FTP_PASSWORD)
    smtp = start_smtp(demo_dir / "mail")
    try:
        drops = make_drops(demo_dir / "ftp" / "drops", args.weeks, weeks[-1])
        print(f"FTP server  {ftp.url} serving {len(drops)} weekly drops: {', '.join(p.name for p in drops)}")
        print(f"SMTP sink   {smtp.host}:{smtp.port} (failure mails are stored in {smtp.maildir})")
        env = {
            **os.environ,
            "TRADEWIND__SMTP__SMTP_HOST": smtp.host,
            "TRADEWIND__SMTP__SMTP_PORT": str(smtp.port),
            "TRADEWIND__SMTP__SMTP_STARTTLS": "false",
            # A failed try is retried after 5 min × this scale (6 s), so a hiccup never stalls the demo.
            "TRADEWIND__CORE__RETRY_DELAY_SCALE": os.environ.get("TRADEWIND__CORE__RETRY_DELAY_SCALE", "0.02"),
        }
        must(tradewind("db", "migrate", env=env), "tradewind db migrate")
        tradewind("connections", "delete", "ftp_default", env=env)  # the port changes every demo
        must(
            tradewind(
                "connections",
                "add",
                "ftp_default",
                "--conn-type",
                "ftp",
                "--conn-host",
                ftp.host,
                "--conn-port",
                str(ftp.port),
                "--conn-login",
                FTP_USER,
                "--conn-password",
                FTP_PASSWORD,
                "--conn-extra",
                '{"path": "drops"}',
                env=env,
            ),
            "adding connection ftp_default",
        )
        must(tradewind("variables", "set", "alert_email", ALERT_EMAIL, env=env), "setting Variable alert_email")
        print("Connection ftp_default and Variable alert_email are set.")

        first, last = weeks[0].isoformat(), weeks[-1].isoformat()
        print(f"\n$ tradewind dags backfill {DAG_ID} -s {first} -e {last} --reset-dagruns")
        start = datetime.fromisoformat(first).replace(tzinfo=timezone.utc)
        end = datetime.fromisoformat(last).replace(tzinfo=timezone.utc)
        stop = threading.Event()
        watcher = threading.Thread(target=watch_progress, args=(start, end, stop), daemon=True)
        began = time.monotonic()
        watcher.start()
        result = tradewind(
            "dags", "backfill", DAG_ID, "-s", first, "-e", last, "--reset-dagruns", "-S", str(DAG_FILE), env=env
        )
        stop.set()
        watcher.join()
        print(result.stdout, end="")
        if result.returncode != 0:
            sys.stderr.write(result.stderr)
            print(f"\nThe backfill did not succeed (see the logs in {home / 'logs'}).")
            return 1
        print(f"{len(weeks)} weekly runs took {time.monotonic() - began:.1f}s.")
        _print_results(home, weeks)
    finally:
        smtp.stop()
        ftp.stop()
    return 0


def _print_results(home: Path, weeks: list[date]) -> None:
    from tradewind.scheduler.runs import make_run_id
    from tradewind.states import DagRunType

    last = datetime.combine(weeks[-1], datetime.min.time(), tzinfo=timezone.utc)
    folder = run_dir(DAG_ID, make_run_id(DagRunType.BACKFILL, last))
    print("\nResults of the last week's run:")
    print(f"  report            {folder / 'report.html'}")
    print(f"  executed notebook {folder / 'train_model.ipynb'}")
    print(f"  model, metrics    {folder / 'model.joblib'}, {folder / 'metrics.json'}")
    print(f"  task logs         {home / 'logs' / ('dag_id=' + DAG_ID)}")
    print("\nSee the runs in the web UI (from this folder):")
    print("  source .venv/bin/activate")
    print(
        "  tradewind users create --username admin --role Admin "
        "--firstname Ada --lastname Admin --email admin@example.com   # asks for a password"
    )
    print("  tradewind webserver --port 8080      # then open http://127.0.0.1:8080")
    print("  (or `tradewind standalone`: an admin user with a generated password, scheduler and webserver)")


if __name__ == "__main__":
    sys.exit(main())
