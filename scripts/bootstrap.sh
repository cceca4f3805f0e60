#!/usr/bin/env bash
# One command for a fresh Debian/Ubuntu machine: installs everything docgen needs, then
#   bootstrap.sh build  builds the shipped content into build/
#   bootstrap.sh test   runs the test suite (what CI runs)
# Extra arguments go to `docgen build` or `pytest`.
set -euo pipefail
cd "$(dirname "$0")/.."
what="${1:-build}"; shift || true

bash scripts/setup-system.sh

PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=.venv/.docgen-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null
  .venv/bin/python -m pip install -q -e '.[test]'
  touch "$stamp"
fi
export PATH="$PWD/.venv/bin:$PATH"

case "$what" in
  build) exec docgen build "$@" ;;
  test)  exec python -m pytest -q "$@" ;;
  *) echo "usage: scripts/bootstrap.sh build|test [args]" >&2; exit 2 ;;
esac
