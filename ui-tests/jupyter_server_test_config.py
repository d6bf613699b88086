"""Jupyter server for the OptiServe UI tests.

Besides Galata's settings it starts, for the lifetime of the server:
- the project's fake Kubernetes API server (full preset, simulated KServe, scenario success), whose
  kubeconfig becomes this server's KUBECONFIG, and
- an OpenAI-compatible stub that every simulated InferenceService reports as its URL,
and writes their addresses to $OPTISERVE_UI_STATE for the tests (admin endpoints /_fake/...).
"""

import atexit
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from jupyterlab.galata import configure_jupyter_server

configure_jupyter_server(c)  # noqa: F821

c.ServerApp.allow_root = True  # noqa: F821
c.ServerApp.jpserver_extensions = {"jupyter_optiserve": True}  # noqa: F821
c.LabApp.news_url = None  # noqa: F821
c.LabApp.check_for_updates_class = "jupyterlab.NeverCheckForUpdate"  # noqa: F821

HERE = Path(__file__).parent
_procs: list[subprocess.Popen] = []


def _start(args: list[str]) -> int:
    proc = subprocess.Popen([sys.executable, *args], stdout=subprocess.PIPE, text=True, cwd=HERE)
    _procs.append(proc)
    line = proc.stdout.readline().strip()
    if not line.isdigit():
        raise RuntimeError(f"{args[0]} did not print its port (got {line!r})")
    return int(line)


def _stop() -> None:
    for proc in _procs:
        proc.terminate()
    for proc in _procs:
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
    for d in _tmp_dirs():  # this run's temporary folders only, never another run's
        shutil.rmtree(d, ignore_errors=True)


def _tmp_dirs() -> list[Path]:
    """Our own folder and Galata's notebook root, when it is a temporary galata-test-* folder."""
    root = Path(str(c.ServerApp.root_dir or ""))  # noqa: F821
    return [_tmp] + ([root] if root.name.startswith("galata-test-") else [])


atexit.register(_stop)

_tmp = Path(tempfile.mkdtemp(prefix="optiserve-ui-"))
_kubeconfig = _tmp / "kubeconfig"
_stub_port = _start([str(HERE / "openai_stub.py")])
_stub_url = f"http://127.0.0.1:{_stub_port}"
_kube_port = _start(
    [
        "-m",
        "jupyter_optiserve.testing.fakekube",
        "--port",
        "0",
        "--kubeconfig",
        str(_kubeconfig),
        "--namespace",
        "demo",
        "--preset",
        "full",
        "--simulate-kserve",
        "--scenario",
        "success",
        "--step-seconds",
        os.environ.get("FAKEKUBE_STEP_SECONDS", "0.1"),
        "--endpoint-url",
        _stub_url,
    ]
)
os.environ["KUBECONFIG"] = str(_kubeconfig)
# ui-test.sh removes these after the run too, in case this server is killed before atexit runs.
if os.environ.get("OPTISERVE_UI_TMP_LIST"):
    with open(os.environ["OPTISERVE_UI_TMP_LIST"], "a") as f:
        f.writelines(f"{d}\n" for d in _tmp_dirs())

_state = {
    "fakekube": f"http://127.0.0.1:{_kube_port}",
    "stub": _stub_url,
    "kubeconfig": str(_kubeconfig),
    "root_dir": c.ServerApp.root_dir,  # noqa: F821
}
# Never a state file from an earlier run: the Playwright config names a fresh one per run.
Path(os.environ.get("OPTISERVE_UI_STATE") or _tmp / "state.json").write_text(json.dumps(_state))
