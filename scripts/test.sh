#!/usr/bin/env bash
# Set up (if needed), lint, type-check and run the whole test suite. Needs PostgreSQL on 127.0.0.1:5432 (trust auth),
# Redis, RabbitMQ and MariaDB on their usual ports: scripts/services.sh starts those installed and down.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# Lint and type-check first (seconds): a failure stops the run before the tests start.
.venv/bin/python -m ruff check .
.venv/bin/python -m ruff format --check --quiet .
.venv/bin/python -m mypy
# The service tests need PostgreSQL, Redis, RabbitMQ and MariaDB: start any that is down (warns if it cannot).
bash scripts/services.sh
if [ "$#" -gt 0 ]; then
    exec .venv/bin/python -m pytest -n 2 -q "$@"  # what was asked for, only
fi
.venv/bin/python -m pytest -n 2 -q
# Task process reuse must not change what a DAG does: every test that runs DAGs through a scheduler
# runs again with [executor] tasks_per_process = 50 (~2 min).
exec .venv/bin/python -m pytest -n 2 -q --tasks-per-process=50 \
    tests/e2e/test_scheduler.py tests/e2e/test_sensor_scheduling.py tests/e2e/test_dataset_scheduling.py \
    tests/e2e/test_trigger_dagrun.py tests/e2e/test_deferrable_dags.py tests/e2e/test_task_logging.py \
    tests/e2e/test_setup_teardown_dags.py tests/e2e/test_airflow3_files.py tests/e2e/test_amazon_s3_dags.py \
    tests/e2e/test_email.py tests/e2e/test_mapped_task_groups.py tests/e2e/test_ocr_pipelines.py \
    tests/e2e/test_several_schedulers.py tests/e2e/test_triggerer.py \
    tests/integration/test_scheduler_loop.py tests/integration/test_scheduler_jobs.py
