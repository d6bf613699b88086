#!/usr/bin/env bash
# Rebuild tests/benchmark/fixtures/guidellm-0.8.1-simengine.json: a real GuideLLM 0.8.1 run against
# the project's simulated engine on loopback (2 levels x 10 requests, ~10 s).
# Needs a venv with `pip install guidellm==0.8.1` (about 1.5 GB: kept out of the project's deps;
# `pip install jupyter_optiserve[guidellm]` installs it). No Hugging Face access needed: the tokenizer
# is built locally (one token per word, as the simulator counts).
set -euo pipefail
GL_PY=${GL_PY:-python}          # the python of the venv holding guidellm
PY=${PY:-python}                # the python with jupyter_optiserve importable
PORT=${PORT:-18013}
OUT=${OUT:-tests/benchmark/fixtures/guidellm-0.8.1-simengine.json}
WORK=$(mktemp -d)
trap 'kill ${SIM:-} 2>/dev/null || true; rm -rf "$WORK"' EXIT
cd "$(dirname "$0")/.."
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
"$GL_PY" tools/guidellm_tokenizer.py "$WORK/tokenizer"
"$PY" -m jupyter_optiserve.testing.simengine --port "$PORT" --model granite &
SIM=$!
sleep 3
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_DATASETS_OFFLINE=1
"$GL_PY" -m guidellm run \
  --backend kind=openai_http,target=http://127.0.0.1:$PORT,model=granite,request_format=/v1/completions \
  --profile kind=concurrent,streams=1 --override profile.streams 1,4 \
  --constraint kind=max_requests,count=10 \
  --tokenizer kind=hf_auto,model="$WORK/tokenizer" \
  --data kind=synthetic_text,prompt_tokens=128,output_tokens=32 \
  --seed kind=static,value=42 \
  --output kind=json,path="$OUT" --output kind=console --disable-progress
