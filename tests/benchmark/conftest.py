import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = Path(__file__).parent / "fixtures" / "guidellm-0.8.1-simengine.json"


@pytest.fixture(autouse=True)
def _isolated(no_ambient_cluster, monkeypatch, tmp_path):
    monkeypatch.setenv("OPTISERVE_BENCHMARK_DB", str(tmp_path / "benchmarks.sqlite"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_sim(model="granite", **timing):
    """The simulated engine in its own process (its timing must not share the client's GIL)."""
    port = _free_port()
    args = [sys.executable, "-m", "jupyter_optiserve.testing.simengine", "--port", str(port), "--model", model]
    for k, v in timing.items():
        args += ["--" + k.replace("_", "-"), str(v)]
    p = subprocess.Popen(
        args, env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), 0.1).close()
            return f"http://127.0.0.1:{port}", p
        except OSError:
            time.sleep(0.05)
    p.terminate()
    raise RuntimeError("the simulated engine did not start")


@pytest.fixture
def sim_process():
    """A function(**timing) -> url; the processes stop after the test."""
    procs = []

    def start(model="granite", **timing):
        url, p = start_sim(model, **timing)
        procs.append(p)
        return url

    yield start
    for p in procs:
        p.terminate()
        p.wait(10)


def run_cli(*args, env=None):
    env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "jupyter_optiserve", *args], capture_output=True, text=True, env=env, timeout=120
    )
