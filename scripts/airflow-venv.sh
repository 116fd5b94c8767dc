#!/usr/bin/env bash
# Create the virtualenv one Airflow major version runs the DAGs in: .venvs/airflow2 or
# .venvs/airflow3. Airflow 2.10 needs SQLAlchemy < 2 and cannot share the project's
# environment. Idempotent: a stamp records what was installed, so a second run with
# the same inputs returns at once.
#
# Usage: scripts/airflow-venv.sh 2|3    (prints the venv's python on stdout)
set -euo pipefail
cd "$(dirname "$0")/.."

major="${1:-}"
PYTHON="${PYTHON:-python3.11}"

# The constraints files live outside PyPI, so what Airflow's constraints would pin is
# pinned here, in the same command as Airflow (a later install could move Airflow).
case "$major" in
  2)
    airflow=(
      "apache-airflow==2.10.5"
      "sqlalchemy>=1.4.54,<2" "flask-session<0.6" "connexion<3" "pendulum<4"
      "apache-airflow-providers-common-compat==1.9.0"
      "apache-airflow-providers-common-io==1.6.5"
      "apache-airflow-providers-common-sql==1.29.0"
      "apache-airflow-providers-fab==1.5.3"
      "apache-airflow-providers-ftp==3.13.3"
      "apache-airflow-providers-http==5.5.0"
      "apache-airflow-providers-imap==3.9.4"
      "apache-airflow-providers-smtp==2.3.2"
      "apache-airflow-providers-sqlite==4.1.3"
    )
    ;;
  3)
    airflow=(
      "apache-airflow==3.3.2"
      "apache-airflow-core==3.3.2"
      "apache-airflow-task-sdk==1.3.2"
      "apache-airflow-providers-standard==1.21.0"
      "apache-airflow-providers-common-compat==1.23.0"
      "apache-airflow-providers-common-io==1.11.0"
      "apache-airflow-providers-common-sql==2.4.0"
      "apache-airflow-providers-smtp==3.2.0"
    )
    ;;
  *)
    echo "usage: $0 2|3" >&2
    exit 2
    ;;
esac

venv=".venvs/airflow$major"
stamp="$venv/.installed"
# What MWAA installs besides Airflow: airflow/requirements.txt; boto3 is on MWAA already.
extra=(-r airflow/requirements.txt "boto3>=1.34")
want="$(printf '%s\n' "$PYTHON" "${airflow[@]}" | sha256sum | cut -c1-16)-$(sha256sum airflow/requirements.txt | cut -c1-16)"

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$venv/bin/airflow" ]; then
  echo "$PWD/$venv/bin/python"
  exit 0
fi

command -v uv >/dev/null 2>&1 || { echo "uv is required (pip install uv)" >&2; exit 1; }
rm -rf "$venv"
uv venv -q -p "$PYTHON" "$venv" >&2
uv pip install -q --compile-bytecode -p "$venv" "${airflow[@]}" "${extra[@]}" >&2
# The package as MWAA gets it from plugins.zip: without its own dependencies, so only
# what the DAG tasks import (nba_tracker.ops: boto3, typer, rich) can be relied on.
uv pip install -q --compile-bytecode -p "$venv" --no-deps -e . >&2
"$venv/bin/python" -c "import airflow, nba_tracker.ops.core" >&2
echo "$want" >"$stamp"
echo "$PWD/$venv/bin/python"
