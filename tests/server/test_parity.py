"""The API answers exactly what the CLI prints with --json for the same inputs (run as a real process)."""

import json
import os
import subprocess
import sys
import tempfile

import pytest

RECOMMEND_CASES = [
    {"model": "granite-3.1-8b-instruct", "kpi": "latency", "accelerator": "h100", "gpus": 2},
    {
        "model": "llama-3.3-70b-instruct",
        "kpi": "throughput",
        "accelerator": "a100-sxm-80gb",
        "gpus": 8,
        "concurrency": 32,
        "context": 16384,
        "limit": 3,
    },
    # an accelerator without gpus is sized by its detected pool: no_detect keeps both sides off the hardware
    {
        "model": "qwen3-8b",
        "accelerator": "l40s",
        "ttft_ms": 500,
        "itl_ms": 40,
        "input_len": 2048,
        "output_len": 128,
        "no_detect": True,
    },
    {"model": "llama-3.1-405b-instruct", "kpi": "latency", "accelerator": "l4", "gpus": 1},  # nothing fits
    {"model": "granite-3.1-8b-instruct", "kpi": "cost", "no_detect": True},
]


def flags(body: dict) -> list[str]:
    out = []
    for k, v in body.items():
        flag = "--" + k.replace("_", "-")
        if v is True:
            out.append(flag)
        elif v is not False and v is not None:
            out += [flag, str(v)]
    return out


# pytest-jupyter points HOME at a fresh folder per test: share one catalog-validation cache across the
# CLI runs, or each pays the ~2 s jsonschema import again
CACHE = os.path.join(tempfile.gettempdir(), f"optiserve-test-cache-{os.getuid()}")


def _env(extra=None):
    e = {k: v for k, v in os.environ.items() if k != "KUBECONFIG"}
    e["OPTISERVE_CACHE_DIR"] = CACHE
    e.update(extra or {})
    return e


def cli(*args, env=None):
    e = _env(env)
    p = subprocess.run(
        [sys.executable, "-m", "jupyter_optiserve", *args], capture_output=True, text=True, timeout=90, env=e
    )
    assert "Traceback" not in p.stderr, p.stderr
    return p


RUN_MANY = """
import contextlib, io, json, sys
from jupyter_optiserve.cli import main
out = []
for argv in json.loads(sys.argv[1]):
    o, e = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(o), contextlib.redirect_stderr(e):
        rc = main(argv)
    out.append({"returncode": rc, "stdout": o.getvalue(), "stderr": e.getvalue()})
print(json.dumps(out))
"""


def cli_many(*argvs):
    """Several ``optiserve`` runs through the CLI's own ``main`` in ONE fresh process (the slow CRD
    schema compile of render/preflight happens once)."""
    e = _env()
    p = subprocess.run(
        [sys.executable, "-c", RUN_MANY, json.dumps(argvs)], capture_output=True, text=True, timeout=120, env=e
    )
    assert p.returncode == 0 and "Traceback" not in p.stderr, p.stderr
    return [type("Run", (), r) for r in json.loads(p.stdout)]


@pytest.mark.parametrize("body", RECOMMEND_CASES, ids=lambda b: f"{b['model']}-{b.get('accelerator', 'detect')}")
async def test_recommend_api_equals_cli_json(api, body):
    p = cli("recommend", *flags(body), "--json")
    assert p.returncode == (0 if json.loads(p.stdout)["recommendations"] else 7), p.stderr  # 7: nothing fits
    code, data = await api("POST", "recommend", body=body)
    assert code == 200
    assert data == json.loads(p.stdout)


async def test_recommend_on_the_detected_cluster_equals_cli(api, kube):
    """Without an accelerator both size for the cluster's pools (the fake cluster's GPU nodes)."""
    kube.preset("full")
    body = {"model": "llama-3.1-8b-instruct", "kpi": "balanced"}
    p = cli("recommend", *flags(body), "--json", "--kubeconfig", str(kube.kubeconfig), "--namespace", kube.namespace)
    assert p.returncode == 0, p.stderr
    code, data = await api("POST", "recommend", body=body)
    expected = json.loads(p.stdout)
    assert code == 200 and expected["recommendations"], expected["notes"]
    assert {h["source"] for h in expected["hardware"]} != {"manual"}
    assert data == expected


async def test_estimate_models_render_equal_cli(api, kube):
    body = {
        "model": "llama-3.1-8b-instruct",
        "accelerator": "h100",
        "gpus": 2,
        "tp": 2,
        "precision": "fp8",
        "input_len": 1000,
        "output_len": 100,
        "concurrency": 4,
        "curve": True,
    }
    p = cli("estimate", *flags(body), "--json")
    code, data = await api("POST", "estimate", body=body)
    assert p.returncode == 0 and code == 200 and data == json.loads(p.stdout)

    p = cli("models", "granite", "--json")
    code, data = await api("GET", "models", params={"q": "granite"})
    assert data == json.loads(p.stdout)

    plan = {
        "model": "granite-3.1-8b-instruct",
        "kpi": "latency",
        "accelerator": "a100-sxm-80gb",
        "gpus": 1,
        "name": "granite",
        "namespace": "demo",
        "offline": True,
    }
    p, q = cli_many(["render", *flags(plan)], ["preflight", *flags(plan), "--json"])
    code, data = await api("POST", "render", body=plan)
    assert p.returncode == 0 and code == 200 and data["yaml"] == p.stdout
    assert all(f"# note: {n}" in p.stderr for n in data["notes"])

    p = q
    code, data = await api("POST", "preflight", body=plan)
    assert code == 200 and data == json.loads(p.stdout)


async def test_errors_equal_cli_errors(api):
    body = {"model": "llama-3.1-8b", "kpi": "latency", "accelerator": "h100"}
    p = cli("recommend", *flags(body), "--json")
    code, err = await api("POST", "recommend", body=body)
    assert p.returncode == 2 and code == 404
    cli_err = json.loads(p.stderr[: p.stderr.rindex("}") + 1])
    assert err == cli_err
