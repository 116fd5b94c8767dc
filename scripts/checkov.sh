#!/usr/bin/env bash
# Static security checks of infra/terraform with checkov, in its own virtualenv
# (.venvs/checkov): checkov pins its own python-hcl2, which must not meet the project's
# environment. Idempotent: a stamp records the installed version, so a second run
# only runs the scan. Extra arguments go to checkov.
#
# Usage: scripts/checkov.sh [checkov args…]   (exit code: checkov's)
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3.11}"
CHECKOV_SPEC="${CHECKOV_SPEC:-checkov>=3.2,<4}"
venv=".venvs/checkov"
stamp="$venv/.installed"
want="$(printf '%s\n' "$PYTHON" "$CHECKOV_SPEC" | sha256sum | cut -c1-16)"

if ! { [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$venv/bin/checkov" ]; }; then
  command -v uv >/dev/null 2>&1 || { echo "uv is required (pip install uv)" >&2; exit 3; }
  rm -rf "$venv"
  uv venv -q -p "$PYTHON" "$venv" >&2 || { echo "cannot create $venv" >&2; exit 3; }
  uv pip install -q --compile-bytecode -p "$venv" "$CHECKOV_SPEC" >&2 || { echo "cannot install $CHECKOV_SPEC into $venv" >&2; exit 3; }
  echo "$want" >"$stamp"
fi

# --skip-download: no Bridgecrew platform, no policy download; checks are the bundled ones.
exec "$venv/bin/checkov" --quiet --compact --skip-download --framework terraform \
  --directory infra/terraform --download-external-modules false "$@"
