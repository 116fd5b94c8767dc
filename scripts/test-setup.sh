#!/usr/bin/env bash
# System packages the suite drives for real: PostgreSQL, Chromium (with a CJK font), wrk. Installs them
# with apt when running as root (CI); elsewhere says what is missing and carries on —
# the tests that need a missing service skip with that reason (and fail on CI).
set -uo pipefail
need=()
ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || need+=(postgresql)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
# Japanese glyphs for the Japanese page's screenshots (otherwise they show as boxes).
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || need+=(fonts-noto-cjk)
command -v wrk >/dev/null 2>&1 || need+=(wrk)
command -v runuser >/dev/null 2>&1 || need+=(util-linux)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing ${need[*]} with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null \
      || { echo "apt-get install ${need[*]} failed" >&2; exit 1; }
  else
    echo "note: missing ${need[*]}; tests that need them will be skipped" >&2
  fi
fi
exit 0
