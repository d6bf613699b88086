#!/usr/bin/env bash
# Fail when labextension/api.d.ts is not what `jlpm gen:api` makes from the OpenAPI spec today.
set -euo pipefail
cd "$(dirname "$0")/.."
fresh="$(mktemp --suffix=.d.ts)"
trap 'rm -f "$fresh"' EXIT
node_modules/.bin/openapi-typescript jupyter_optiserve/server/openapi.yaml \
  --empty-objects-unknown --default-non-nullable false --output "$fresh" >/dev/null
if ! diff -u labextension/api.d.ts "$fresh"; then
  echo "labextension/api.d.ts is stale (jupyter_optiserve/server/openapi.yaml changed): run 'jlpm gen:api' and commit it" >&2
  exit 1
fi
