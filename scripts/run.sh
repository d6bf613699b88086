#!/usr/bin/env bash
# The main job: set up, detect the hardware, and recommend a configuration for a default model.
# Extra arguments go to `optiserve recommend` (e.g. --model qwen3-8b --kpi latency --accelerator l4).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ "$#" -eq 0 ]; then set -- --model granite-3.1-8b-instruct --kpi balanced; fi
.venv/bin/optiserve hardware --timeout 3 || true
.venv/bin/optiserve recommend --timeout 3 "$@"
