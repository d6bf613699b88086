#!/usr/bin/env bash
# The test command: set up, run the whole pytest suite (fake Kubernetes API server included), then the
# JupyterLab sidebar's UI tests (Galata on Debian's Chromium against the fake cluster; ui-test.sh says before
# it installs Chromium with the system package manager, and which port the test server uses).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
bash scripts/lint.sh
.venv/bin/python -m pytest "$@"
bash scripts/ui-test.sh
