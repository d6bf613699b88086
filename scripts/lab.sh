#!/usr/bin/env bash
# Set up (once) and start JupyterLab with the OptiServe sidebar and REST API.
#   scripts/lab.sh [--port 8888] [--ip 127.0.0.1] [extra jupyter lab arguments]
# Without a cluster it still serves: local hardware, a manual accelerator, ranked profiles, preview and
# export. With one (in-cluster service account, $KUBECONFIG or ~/.kube/config) it detects GPU pools and
# deploys. Environment: OPTISERVE_LAB_TOKEN (default: a random token), OPTISERVE_LAB_DIR (notebook root).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PORT=8888
IP=127.0.0.1
ARGS=()
while [ "$#" -gt 0 ]; do
  case "$1" in
    --port) PORT=$2; shift 2 ;;
    --port=*) PORT=${1#--port=}; shift ;;
    --ip) IP=$2; shift 2 ;;
    --ip=*) IP=${1#--ip=}; shift ;;
    *) ARGS+=("$1"); shift ;;
  esac
done

bash scripts/setup.sh
. .venv/bin/activate
# The sidebar: build it when missing (the editable install builds it too when Node.js is present).
if [ ! -f jupyter_optiserve/labextension/package.json ]; then
  if command -v node >/dev/null; then
    jlpm install && jlpm build
  else
    echo "note: Node.js not found, so the OptiServe sidebar cannot be built; the REST API and %optiserve still work" >&2
  fi
fi
# Link the built sidebar into this environment once (an editable install does not); skip when present.
if [ -f jupyter_optiserve/labextension/package.json ] && \
   ! jupyter labextension list 2>&1 | grep -q "jupyter-optiserve.*OK"; then
  if command -v jupyter-builder >/dev/null; then
    jupyter-builder develop . --overwrite >/dev/null
  else
    echo "note: the sidebar is built but not linked (jupyter-builder missing): pip install jupyter-builder, then rerun" >&2
  fi
fi

TOKEN=${OPTISERVE_LAB_TOKEN:-$(python -c 'import secrets; print(secrets.token_hex(16))')}
EXTRA=(--no-browser --ip "$IP" --port "$PORT" --IdentityProvider.token="$TOKEN"
       --ServerApp.jpserver_extensions="{'jupyter_optiserve': True}")
[ "$(id -u)" = 0 ] && EXTRA+=(--allow-root)
[ -n "${OPTISERVE_LAB_DIR:-}" ] && EXTRA+=(--ServerApp.root_dir="$OPTISERVE_LAB_DIR")

echo
echo "OptiServe in JupyterLab: http://$IP:$PORT/lab?token=$TOKEN"
echo "  (open the gauge icon in the left sidebar, or the command palette: 'OptiServe')"
echo "  REST API: curl -H 'Authorization: token $TOKEN' http://$IP:$PORT/optiserve/hardware"
echo
exec jupyter lab "${EXTRA[@]}" ${ARGS[@]+"${ARGS[@]}"}
