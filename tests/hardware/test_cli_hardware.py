"""``optiserve hardware`` as a user runs it: a subprocess, real argument parsing, real exit codes."""

import json
import os
import socket
import subprocess
import sys

import pytest

POOL_KEYS = {
    "accelerator",
    "product",
    "vendor",
    "memory_gib",
    "gpus_per_node",
    "nodes",
    "free_gpus",
    "tolerations",
    "node_selector",
    "source",
}


def optiserve(*args, home):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("KUBECONFIG", "KUBERNETES_SERVICE_HOST", "KUBERNETES_SERVICE_PORT")
    }
    env["HOME"] = str(home)
    return subprocess.run(
        [sys.executable, "-m", "jupyter_optiserve", "hardware", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def test_json_contract_against_the_fake_cluster(kube, tmp_path):
    kube.preset("no-nodes-access")
    r = optiserve("--json", "--kubeconfig", str(kube.kubeconfig), home=tmp_path)
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert {"local", "pools", "quota", "notes"} <= set(d)
    assert {"gpus", "gpu_count", "nvml", "cpu"} <= set(d["local"])
    assert d["pools"] and all(POOL_KEYS <= set(p) for p in d["pools"])
    assert {p["source"] for p in d["pools"]} == {"hardware-profile"}
    assert "h100-sxm-80gb" in {p["accelerator"] for p in d["pools"]}
    assert "optiserve-hardware-reader" in d["grant"]
    assert "fakekube-token" not in r.stdout


def test_table_and_manual_choice(kube, tmp_path):
    kube.preset("full")
    r = optiserve("--kubeconfig", str(kube.kubeconfig), "--accelerator", "l40s", "--gpus", "2", home=tmp_path)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("ACCELERATOR"))
    assert lines[header + 2].split()[:2] == ["l40s", "L40S"] and lines[header + 2].endswith("manual")
    assert "NVIDIA-H100-80GB-HBM3" in r.stdout


def test_no_cluster_reachable_is_local_only_and_exit_0(tmp_path):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    kc = tmp_path / "kc"
    kc.write_text(
        json.dumps(
            {
                "apiVersion": "v1",
                "kind": "Config",
                "current-context": "x",
                "clusters": [{"name": "x", "cluster": {"server": f"http://127.0.0.1:{port}"}}],
                "users": [{"name": "x", "user": {"token": "t"}}],
                "contexts": [{"name": "x", "context": {"cluster": "x", "user": "x"}}],
            }
        )
    )
    r = optiserve("--json", "--kubeconfig", str(kc), "--timeout", "1", home=tmp_path)
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["cluster"]["reachable"] is False
    assert any("local hardware only" in n for n in d["notes"])


def test_nothing_configured_is_local_only(tmp_path):
    r = optiserve("--json", home=tmp_path)
    assert r.returncode == 0 and json.loads(r.stdout)["cluster"] is None


def test_bad_flag_exit_2_without_traceback(tmp_path):
    r = optiserve("--gpus", "zero", home=tmp_path)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "--gpus must be a whole number" in r.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["--bogus"],
        ["--accelerator", "no-such-gpu", "--no-cluster"],
        ["--gpus", "2", "--no-cluster"],
        ["--kubeconfig", "/nonexistent/kc"],
    ],
)
def test_bad_input_exit_2_in_process(args, capsys):
    from jupyter_optiserve.cli import main

    try:
        rc = main(["hardware", *args])
    except SystemExit as exc:  # argparse's own errors
        rc = exc.code
    err = capsys.readouterr().err
    assert rc == 2 and "optiserve: error:" in err and "Traceback" not in err


def test_each_hardware_fact_is_printed_once(tmp_path):
    """The 'Local GPUs: none (...)' line is not repeated as a note."""
    r = optiserve(home=tmp_path)
    assert r.returncode == 0, r.stderr
    lines = [ln.strip().lstrip("- ").lower() for ln in r.stdout.splitlines() if ln.strip()]
    local = [ln for ln in lines if ln.startswith("local gpus:")]
    assert len(local) <= 1, r.stdout  # none on a GPU machine (it lists the GPUs instead)
    assert len(lines) == len(set(lines)), r.stdout
