#!/usr/bin/env bash
# Create .venv and install OptiServe (editable) only when something is missing or pyproject.toml
# changed since the last install, so a second start needs no network.
#   scripts/setup.sh          runtime with JupyterLab (the `lab` extra: what lab.sh and run.sh need)
#   scripts/setup.sh --test   runtime + test tools (pytest, mypy, Playwright's Python package: test.sh, ui-test.sh)
# (`pip install jupyter_optiserve` alone is the engine and the CLI, without JupyterLab.)
set -euo pipefail
cd "$(dirname "$0")/.."
TEST=""
[ "${1:-}" = "--test" ] && TEST="1"
EXTRA="[lab${TEST:+,test}]"
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
  .venv/bin/python -m pip install -q --upgrade pip || echo "note: could not upgrade pip (offline?); using the bundled one" >&2
fi
# The stamp records what was installed: the extras and the pyproject.toml it was installed from.
STAMP=".venv/.optiserve-installed${TEST:+-test}"
WANT="$(sha256sum pyproject.toml | cut -d' ' -f1)"
installed() { [ -f "$1" ] && [ "$(cat "$1")" = "$WANT" ]; }
# The runtime is also there after a --test install (a superset).
if { installed "$STAMP" || { [ -z "$TEST" ] && installed .venv/.optiserve-installed-test; }; } &&
   .venv/bin/python -c "import jupyter_optiserve" 2>/dev/null; then
  exit 0
fi
if ! .venv/bin/python -m pip install -q -e ".${EXTRA}"; then
  echo "error: installing OptiServe${TEST:+ with its test tools} into .venv failed (no network or no package index?)." >&2
  echo "       fix: connect to a package index (or set PIP_INDEX_URL / PIP_FIND_LINKS to a local one) and run" >&2
  echo "       'bash scripts/setup.sh${TEST:+ --test}' again" >&2
  exit 1
fi
echo "$WANT" > "$STAMP"
