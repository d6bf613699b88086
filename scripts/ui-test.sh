#!/usr/bin/env bash
# The OptiServe sidebar's UI tests: Galata/Playwright on Debian's Chromium against a Jupyter server
# whose cluster is the project's fake Kubernetes API server (see ui-tests/jupyter_server_test_config.py).
#   scripts/ui-test.sh [playwright test arguments, e.g. tests/flow.spec.ts -g "KPI"]
# Screenshots land in ui-tests/test-results/screenshots/, figures in ui-tests/test-results/perf.json.
# The test server's port: $OPTISERVE_UI_PORT, else 8888 when free (ui-tests/playwright.config.js).
set -euo pipefail
cd "$(dirname "$0")/.."

CHROMIUM=${CHROMIUM_PATH:-/usr/bin/chromium}
if [ ! -x "$CHROMIUM" ]; then
  echo "Chromium not found at $CHROMIUM: installing Debian's 'chromium' package with apt-get" \
       "$([ "$(id -u)" = 0 ] || echo '(through sudo)')." >&2
  echo "  (to use another browser binary instead, set CHROMIUM_PATH=/path/to/chromium and rerun)" >&2
  if [ "$(id -u)" = 0 ]; then
    apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
  else
    sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
  fi
fi
export CHROMIUM_PATH=$CHROMIUM

bash scripts/setup.sh --test
. .venv/bin/activate
jlpm install
jlpm build
# JupyterLab must load this checkout's build: an install copies the build of its day into the venv, so
# link the venv's entry to jupyter_optiserve/labextension unless it already points there.
ENTRY="$(python -c 'import sys; print(sys.prefix)')/share/jupyter/labextensions/jupyter-optiserve"
[ "$(readlink -f "$ENTRY")" = "$(readlink -f jupyter_optiserve/labextension)" ] || jupyter-builder develop . --overwrite >/dev/null
jupyter labextension list 2>&1 | grep -q "jupyter-optiserve.*OK" || { jupyter labextension list; exit 1; }

# A fresh folder per run for the state file (never one left by an earlier run), removed afterwards
# together with the temporary folders the test server made (galata-test-*, optiserve-ui-*).
RUN_DIR=$(mktemp -d "${TMPDIR:-/tmp}/optiserve-ui-run-XXXXXX")
export OPTISERVE_UI_STATE="$RUN_DIR/state.json"
export OPTISERVE_UI_TMP_LIST="$RUN_DIR/tmp-dirs"
cleanup() {
  if [ -f "$OPTISERVE_UI_TMP_LIST" ]; then
    while IFS= read -r d; do
      case "$(basename "$d")" in galata-test-*|optiserve-ui-*) rm -rf -- "$d" ;; esac
    done < "$OPTISERVE_UI_TMP_LIST"
  fi
  rm -rf -- "$RUN_DIR"
}
trap cleanup EXIT

cd ui-tests
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 jlpm install
jlpm playwright test "$@"
