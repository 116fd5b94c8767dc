#!/usr/bin/env bash
# Build plugins.zip for Amazon MWAA: the nba_tracker package, which the maintenance DAG
# imports. MWAA unpacks plugins.zip into a folder on sys.path, so the package is
# importable as it is, without its own dependencies (FastAPI, SQLAlchemy 2, …), which
# would clash with Airflow's constraints. Its ops modules need only boto3, typer and
# rich: boto3 ships with MWAA, typer and rich are in airflow/requirements.txt.
#
# Usage: scripts/build-mwaa-plugins.sh [OUT]      (default: dist/mwaa/plugins.zip)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-dist/mwaa/plugins.zip}"
case "$out" in /*) ;; *) out="$PWD/$out" ;; esac

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/nba_tracker" "$(dirname "$out")"
(cd src && tar --exclude='__pycache__' --exclude='*.pyc' -cf - nba_tracker) | (cd "$stage" && tar -xf -)
# Airflow imports every .py under the plugins folder looking for AirflowPlugin classes;
# the package has none, and its API modules need packages MWAA lacks. One line that
# reads the same as a regexp (Airflow 2) and as a glob (Airflow 3).
printf 'nba_tracker\n' >"$stage/.airflowignore"

rm -f "$out"
# Sorted names and fixed timestamps: the same source gives the same zip, byte for byte,
# so an unchanged package is no new S3 object version and no MWAA update.
(cd "$stage" && find . -type f | LC_ALL=C sort | sed 's|^\./||' | python3 -c '
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as zf:
    for name in sys.stdin.read().splitlines():
        info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
        info.external_attr = 0o644 << 16
        info.compress_type = zipfile.ZIP_DEFLATED
        with open(name, "rb") as fh:
            zf.writestr(info, fh.read())
' "$out")
echo "$out"
