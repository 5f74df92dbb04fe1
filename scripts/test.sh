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
exec .venv/bin/python -m pytest -n 2 -q "$@"
