#!/usr/bin/env bash
# The test command: set up, then run the whole pytest suite (fake Kubernetes API server included).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/python -m pytest "$@"
