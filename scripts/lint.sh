#!/usr/bin/env bash
# The habits CI checks before the tests (scripts/test.sh runs this first; pre-commit runs the same tools):
# ruff lint and format check and mypy for Python, eslint and prettier for the sidebar and its UI tests,
# and the sidebar's API types generated from the OpenAPI spec being current.
#   scripts/lint.sh         check only
#   scripts/lint.sh --fix   apply the formatters and the safe lint fixes
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
. .venv/bin/activate
[ -d node_modules/.bin ] && [ -x node_modules/.bin/eslint ] || jlpm install >/dev/null
if [ "${1:-}" = "--fix" ]; then
  ruff check --fix .
  ruff format .
  jlpm lint:fix
  exit 0
fi
echo "lint: ruff check, ruff format --check, mypy, eslint, prettier --check, API types up to date" >&2
ruff check .
ruff format --check .
# Incremental: .mypy_cache keeps what an unchanged module told it, so a re-run checks only what changed.
mypy --cache-dir .mypy_cache
jlpm eslint
jlpm prettier:check
# labextension/api.d.ts must be what openapi.yaml generates today (`jlpm gen:api` refreshes it)
jlpm check:api
