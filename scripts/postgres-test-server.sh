#!/usr/bin/env bash
# Start (or reuse) a throwaway PostgreSQL 15 cluster for the test suite, trusting local
# TCP logins, and print its URL. Usage: scripts/postgres-test-server.sh [start|stop|url]
set -euo pipefail
PORT="${NBA_TRACKER_TEST_PG_PORT:-55432}"
DATA="${NBA_TRACKER_TEST_PG_DATA:-/tmp/nba-tracker-test-pg}"
URL="postgresql://postgres@127.0.0.1:${PORT}/postgres"

pg_bin() {
  local dir
  for dir in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
    [ -x "$dir/pg_ctl" ] && { echo "$dir"; return; }
  done
  return 1
}

as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-start}" in
  url) echo "$URL" ;;
  stop)
    BIN=$(pg_bin) && as_postgres "$BIN/pg_ctl" -D "$DATA" -m fast stop >/dev/null 2>&1 || true ;;
  start)
    if ! BIN=$(pg_bin); then
      if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        apt-get install -y -q postgresql >/dev/null
        BIN=$(pg_bin)
      else
        echo "PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 1
      fi
    fi
    if [ ! -s "$DATA/PG_VERSION" ]; then
      mkdir -p "$DATA"
      [ "$(id -u)" = 0 ] && chown postgres:postgres "$DATA"
      chmod 700 "$DATA"
      as_postgres "$BIN/initdb" -D "$DATA" -A trust -U postgres -E UTF8 >/dev/null
    fi
    if ! as_postgres "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
      as_postgres "$BIN/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w \
        -o "-p $PORT -k /tmp -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off" start >/dev/null
    fi
    echo "$URL" ;;
  *) echo "usage: $0 [start|stop|url]" >&2; exit 2 ;;
esac
