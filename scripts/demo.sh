#!/usr/bin/env bash
# The main job: set up, then run the seed's weekly ML pipeline (examples/work_automation) end to
# end through the real scheduler on embedded SQLite: a local FTP server serves three weekly data
# drops, `tradewind dags backfill` runs the three weekly runs, and the report shows the trend.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export TRADEWIND_HOME="${TRADEWIND_HOME:-$HOME/tradewind}"
.venv/bin/python examples/demo.py "$@"
