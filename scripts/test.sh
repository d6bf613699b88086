#!/usr/bin/env bash
# The test command: set up, run the whole pytest suite (fake Kubernetes API server included), then the
# JupyterLab sidebar's UI tests (Galata on Debian's Chromium against the fake cluster; port 8888 must be free).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/python -m pytest "$@"
bash scripts/ui-test.sh
