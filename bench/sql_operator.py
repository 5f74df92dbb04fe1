"""What `SQLExecuteQueryOperator` adds over the same query run with psycopg directly, on PostgreSQL.

    .venv/bin/python bench/sql_operator.py [--runs 300]

Both sides connect, run the query, fetch every row, commit and close, as a task does once per try;
the operator side also reads the connection (from `TRADEWIND_CONN_…`), picks its hook by type,
logs its statements at INFO to a file (as a task's log), and shapes the result as its XCom. Each
operator is built beforehand (that is parse time) and runs `execute` once, so nothing is cached
between runs but what a warm worker keeps (imported modules). Runs alternate raw/operator; the
medians of wall time (perf_counter) and of this process's CPU time (process_time, less disturbed
by the other work on a shared machine) are printed, with the overhead = operator - raw. Results
also go to bench/results/sql_operator_{env,metadata_db}.json. Target (issue #17): ≤ 5 ms over the query itself.
Needs PostgreSQL on 127.0.0.1:5432 (trust auth, user postgres); a scratch database is created and dropped.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
SERVER = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
QUERIES = {
    "select 1": "SELECT 1",
    "100 rows": "SELECT id, name, amount FROM items ORDER BY id",
}


def timed(fn: Callable[[], object]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument(
        "--from-db", action="store_true", help="store the connection (encrypted) in the metadata DB instead of the env"
    )
    args = parser.parse_args()

    import psycopg

    from tradewind.providers.common.sql.operators import SQLExecuteQueryOperator

    name = f"tw_bench_sql_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(**SERVER, dbname="postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    home = tempfile.mkdtemp(prefix="tw-bench-sql-")
    os.environ["TRADEWIND_HOME"] = home
    if args.from_db:
        from tradewind.store.connections import set_connection
        from tradewind.store.migrate import migrate

        migrate()
        set_connection(
            "bench_pg",
            conn_type="postgres",
            host="127.0.0.1",
            port=5432,
            login="postgres",
            password="bench-pass",
            schema=name,
        )
    else:
        os.environ["TRADEWIND_CONN_BENCH_PG"] = f"postgres://postgres:bench-pass@127.0.0.1:5432/{name}"
    log_file = Path(home) / "task.log"
    handler = logging.FileHandler(log_file)
    handler.setFormatter(logging.Formatter("[%(asctime)s] {%(filename)s:%(lineno)d} %(levelname)s - %(message)s"))
    logging.basicConfig(level=logging.INFO, handlers=[handler], force=True)
    results: dict[str, dict[str, float]] = {}
    try:
        with psycopg.connect(**SERVER, dbname=name) as conn:
            conn.execute("CREATE TABLE items (id int PRIMARY KEY, name text, amount numeric)")
            conn.execute("INSERT INTO items SELECT i, 'item ' || i, i * 1.5 FROM generate_series(1, 100) i")

        for label, sql in QUERIES.items():

            def raw(sql: str = sql) -> object:
                with psycopg.connect(**SERVER, dbname=name, password="bench-pass") as conn, conn.cursor() as cur:
                    cur.execute(sql)
                    rows = cur.fetchall()
                    conn.commit()
                return rows

            operators = [
                SQLExecuteQueryOperator(task_id=f"q{i}", conn_id="bench_pg", sql=sql) for i in range(args.runs + 10)
            ]
            assert operators[0].execute({}) == raw()  # same rows both ways
            raw_wall, raw_cpu, op_wall, op_cpu = [], [], [], []
            for i in range(10):  # warm both paths (imports, server caches)
                raw()
                operators[i].execute({})
            for operator in operators[10:]:
                wall, cpu = timed(raw)
                raw_wall.append(wall)
                raw_cpu.append(cpu)
                wall, cpu = timed(lambda op=operator: op.execute({}))
                op_wall.append(wall)
                op_cpu.append(cpu)
            med = statistics.median
            results[label] = {
                "raw_wall_ms": round(med(raw_wall), 3),
                "operator_wall_ms": round(med(op_wall), 3),
                "overhead_wall_ms": round(med(op_wall) - med(raw_wall), 3),
                "raw_cpu_ms": round(med(raw_cpu), 3),
                "operator_cpu_ms": round(med(op_cpu), 3),
                "overhead_cpu_ms": round(med(op_cpu) - med(raw_cpu), 3),
            }
            print(f"{label:10} " + "  ".join(f"{k}={v}" for k, v in results[label].items()))
    finally:
        with psycopg.connect(**SERVER, dbname="postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    source = "metadata_db" if args.from_db else "env"
    (out / f"sql_operator_{source}.json").write_text(
        json.dumps({"runs": args.runs, "connection_from": source, "results": results}, indent=2) + "\n"
    )


if __name__ == "__main__":
    main()
