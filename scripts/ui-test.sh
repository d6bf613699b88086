#!/usr/bin/env bash
# The OptiServe sidebar's UI tests: Galata/Playwright on Debian's Chromium against a Jupyter server
# whose cluster is the project's fake Kubernetes API server (see ui-tests/jupyter_server_test_config.py).
#   scripts/ui-test.sh [playwright test arguments, e.g. tests/flow.spec.ts -g "KPI"]
# Screenshots land in ui-tests/test-results/screenshots/, figures in ui-tests/test-results/perf.json.
set -euo pipefail
cd "$(dirname "$0")/.."

CHROMIUM=${CHROMIUM_PATH:-/usr/bin/chromium}
if [ ! -x "$CHROMIUM" ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
  else
    sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
  fi
fi
export CHROMIUM_PATH=$CHROMIUM

bash scripts/setup.sh
. .venv/bin/activate
jlpm install
jlpm build
jupyter-builder develop . --overwrite >/dev/null
jupyter labextension list 2>&1 | grep -q "jupyter-optiserve.*OK" || { jupyter labextension list; exit 1; }

cd ui-tests
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 jlpm install
jlpm playwright test "$@"
