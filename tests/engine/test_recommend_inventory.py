"""`recommend` on the detected inventory of a (fake) cluster."""

import json
import subprocess
import sys

import pynvml

from jupyter_optiserve.hardware import detect
from jupyter_optiserve.recommend import recommend
from tests.hardware.fake_nvml import FakeNVML

NO_GPU = FakeNVML([], init_error=pynvml.NVML_ERROR_LIBRARY_NOT_FOUND)


def test_recommend_uses_cluster_pools(kube):
    kube.preset("full")
    inv = detect(kubeconfig=str(kube.kubeconfig), nvml=NO_GPU, timeout=5)
    r = recommend("llama-3.1-8b-instruct", "latency", inventory=inv)
    assert {t.source for t in r.targets} == {"nodes"}
    assert {t.acc.id for t in r.targets} == {p.accelerator for p in inv.pools}
    best = r.best
    assert best.target.pool is not None and best.profile.gpus <= best.target.gpus_per_node


def test_mig_pool_forces_tp1_and_slice_memory(kube):
    kube.preset("mig")
    inv = detect(kubeconfig=str(kube.kubeconfig), nvml=NO_GPU, timeout=5)
    r = recommend("llama-3.2-1b-instruct", "balanced", inventory=inv)
    mig = [x for x in r.recommendations if getattr(x.target.pool, "mig", None)]
    assert mig and all(x.profile.tp == 1 for x in mig)
    assert all(x.estimate.memory.usable_gib < 40 for x in mig)


def test_cli_recommend_with_kubeconfig(kube):
    kube.preset("full")
    p = subprocess.run(
        [
            sys.executable,
            "-m",
            "jupyter_optiserve",
            "recommend",
            "--model",
            "qwen3-8b",
            "--kpi",
            "balanced",
            "--kubeconfig",
            str(kube.kubeconfig),
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert p.returncode == 0, p.stderr
    d = json.loads(p.stdout)
    assert all(h["source"] == "nodes" for h in d["hardware"])
