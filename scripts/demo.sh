#!/usr/bin/env bash
# The main job: set up, then run the weekly tutorial pipeline end to end on embedded SQLite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export TRADEWIND_HOME="${TRADEWIND_HOME:-$HOME/tradewind}"
.venv/bin/tradewind db migrate
.venv/bin/tradewind dags test tutorial_weekly_pipeline "$@"
echo
echo "Report: $TRADEWIND_HOME/tutorial/*/report.html   Logs: $TRADEWIND_HOME/logs/dag_id=tutorial_weekly_pipeline/"
