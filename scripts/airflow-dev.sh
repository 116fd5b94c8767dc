#!/usr/bin/env bash
# A local Airflow 3 (standalone: scheduler, API server and UI in one process) running
# airflow/dags against a local `nba-tracker serve --demo`, to watch the DAGs in the UI.
#
#   scripts/airflow-dev.sh        then open http://127.0.0.1:8080 (no login needed)
#
# NBA_TRACKER_PORT (8000) and AIRFLOW_PORT (8080) move the two servers. Offline, point
# NBA_TRACKER_FEEDS_FILE at a TOML of local feed files, or every run fails ("every feed
# failed"), as it should. The state lives in var/airflow; delete it to start over. The maintenance DAG is paused, in dry-run,
# and would use your AWS credentials: unpause it only if that is what you want.
set -euo pipefail
cd "$(dirname "$0")/.."

api_port="${NBA_TRACKER_PORT:-8000}"
airflow_port="${AIRFLOW_PORT:-8080}"
[ -x .venv/bin/nba-tracker ] || { echo "run 'make venv' first" >&2; exit 1; }
scripts/airflow-venv.sh 3 >/dev/null

export AIRFLOW_HOME="${AIRFLOW_HOME:-$PWD/var/airflow}"
mkdir -p "$AIRFLOW_HOME"
token_file="$AIRFLOW_HOME/api-token"
[ -s "$token_file" ] || .venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(24))' >"$token_file"
token="$(cat "$token_file")"

NBA_TRACKER_API_TOKEN="$token" .venv/bin/nba-tracker serve --demo --host 127.0.0.1 --port "$api_port" &
api_pid=$!
trap 'kill "$api_pid" 2>/dev/null || true; wait "$api_pid" 2>/dev/null || true' EXIT INT TERM

export AIRFLOW__CORE__DAGS_FOLDER="$PWD/airflow/dags"
export AIRFLOW__CORE__LOAD_EXAMPLES=False
export AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS=True
export AIRFLOW__API__HOST=127.0.0.1
export AIRFLOW__API__PORT="$airflow_port"
export AIRFLOW__API__BASE_URL="http://127.0.0.1:$airflow_port"
# What MWAA reads from SSM /airflow/connections/… and /airflow/variables/…
export AIRFLOW_CONN_NBA_TRACKER_API="http://:$token@127.0.0.1:$api_port"
export AIRFLOW_VAR_NBA_TRACKER_ENV=dev
export AIRFLOW_VAR_NBA_TRACKER_MAINTENANCE_DRY_RUN=true

echo "tracker API: http://127.0.0.1:$api_port   Airflow UI: http://127.0.0.1:$airflow_port" >&2
# standalone starts its components as `airflow …` subprocesses: the venv goes first on PATH.
PATH="$PWD/.venvs/airflow3/bin:$PATH" airflow standalone
