"""The CLI contract, run as a real process: JSON shapes, exit codes, no tracebacks."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

CSV = Path(__file__).resolve().parents[3] / "shared" / "reference" / "calibration" / "published-vllm-measurements.csv"


def cli(*args):
    p = subprocess.run([sys.executable, "-m", "jupyter_optiserve", *args], capture_output=True, text=True, timeout=60)
    assert "Traceback" not in p.stderr, p.stderr
    return p


def test_estimate_json():
    p = cli(
        "estimate",
        "--model",
        "llama-3.1-8b-instruct",
        "--accelerator",
        "h100",
        "--gpus",
        "1",
        "--tp",
        "1",
        "--precision",
        "bf16",
        "--input-len",
        "1000",
        "--output-len",
        "100",
        "--concurrency",
        "4",
        "--json",
    )
    assert p.returncode == 0
    d = json.loads(p.stdout)
    assert d["fits"] is True and d["memory"]["kv_capacity_tokens"] > 400_000 and d["reasons"] == []


def test_estimate_not_fitting_has_reasons():
    p = cli(
        "estimate",
        "--model",
        "llama-3.1-70b-instruct",
        "--accelerator",
        "l4",
        "--gpus",
        "1",
        "--tp",
        "1",
        "--precision",
        "bf16",
        "--input-len",
        "100",
        "--output-len",
        "100",
        "--concurrency",
        "1",
        "--json",
    )
    d = json.loads(p.stdout)
    assert p.returncode == 0 and d["fits"] is False and d["reasons"]


def test_recommend_json_no_detect():
    p = cli(
        "recommend",
        "--model",
        "granite-3.1-8b-instruct",
        "--kpi",
        "latency",
        "--accelerator",
        "l40s",
        "--gpus",
        "2",
        "--json",
    )
    assert p.returncode == 0
    d = json.loads(p.stdout)
    assert d["recommendations"][0]["profile"]["accelerator"] == "l40s"
    assert set(d) >= {"recommendations", "rejected"}


def test_recommend_nothing_fits_exits_7_with_the_answer():
    """Nothing fits is an answer (printed, JSON too) with its own documented exit code, not success."""
    p = cli(
        "recommend",
        "--model",
        "llama-3.1-405b-instruct",
        "--kpi",
        "latency",
        "--accelerator",
        "l4",
        "--gpus",
        "1",
        "--json",
    )
    assert p.returncode == 7 and json.loads(p.stdout)["recommendations"] == []
    p = cli("recommend", "--model", "llama-3.1-405b-instruct", "--kpi", "latency", "--accelerator", "l4", "--gpus", "1")
    assert p.returncode == 7 and "nothing fits: exit code 7" in p.stdout


@pytest.mark.parametrize(
    "args,needle",
    [
        (["estimate", "--model", "llama-3.1-8b", "--accelerator", "h100"], "closest"),
        (["estimate", "--model", "llama-3.1-8b-instruct", "--accelerator", "rtx9090"], "unknown accelerator"),
        (["estimate", "--model", "llama-3.1-8b-instruct", "--accelerator", "h100", "--tp", "-2"], "--tp"),
        (
            ["estimate", "--model", "llama-3.1-8b-instruct", "--accelerator", "h100", "--concurrency", "many"],
            "--concurrency",
        ),
        (
            ["estimate", "--model", "llama-3.1-8b-instruct", "--accelerator", "h100", "--gpus", "3", "--tp", "2"],
            "multiple",
        ),
        (
            ["estimate", "--model", "llama-3.1-8b-instruct", "--accelerator", "h100", "--precision", "fp3"],
            "--precision",
        ),
        (["recommend", "--model", "qwen3-8b", "--kpi", "fast", "--accelerator", "l4"], "--kpi"),
        (["recommend", "--model", "qwen3-8b", "--gpus", "2"], "--accelerator"),
        (["validate", "--data", "/nonexistent.csv"], "no such file"),
    ],
)
def test_bad_input_exit_2(args, needle):
    p = cli(*args)
    assert p.returncode == 2, p.stderr
    assert needle in p.stderr


def test_catalog_commands():
    for cmd in ("models", "accelerators", "profiles"):
        p = cli(cmd, "--json")
        assert p.returncode == 0 and json.loads(p.stdout)
    assert "granite" in cli("models", "granite").stdout


def test_validate_report():
    if not CSV.is_file():
        pytest.skip("../shared/reference/calibration is absent")
    p = cli("validate", "--data", str(CSV), "--backend", "roofline", "--json")
    d = json.loads(p.stdout)
    assert p.returncode == 0
    for metric in ("itl_ms", "ttft_ms", "throughput"):
        assert d["metrics"][metric]["rows"] > 0
    # regression guard on the accuracy docs/estimation.md records: fitted mid-load H200 rows and
    # the held-out MI300X throughput rows, plus how TTFT scales with load
    regime = d["by_regime"]
    assert regime["aiconfigurator/mid load/ttft_ms"]["median_abs_pct"] <= 15
    assert regime["aiconfigurator/mid load/itl_ms"]["median_abs_pct"] <= 15
    assert regime["amd/saturated/throughput"]["median_abs_pct"] <= 15
    assert d["shape"]["load/ttft_ms"]["median_abs_pct"] <= 15


def test_recommend_table_shows_the_ranked_metric_quality_and_the_deploy_line():
    p = cli(
        "recommend",
        "--model",
        "granite-3.1-8b-instruct",
        "--kpi",
        "balanced",
        "--accelerator",
        "l40s",
        "--gpus",
        "4",
        "--no-detect",
    )
    assert p.returncode == 0, p.stderr
    head = p.stdout.splitlines()[1]
    assert "tok/s/GPU (ranked)" in head and "weights (recovery)" in head and "kv" in head.split()
    assert (
        "optiserve deploy --model granite-3.1-8b-instruct --kpi balanced --accelerator l40s --gpus 4 --profile vllm-l40s-"
        in p.stdout
    )
    assert p.stdout.count("15% better per doubling") == 1


def test_recommend_new_user_flags_roundtrip_to_json():
    p = cli(
        "recommend",
        "--model",
        "llama-3.1-8b-instruct",
        "--kpi",
        "latency",
        "--accelerator",
        "h100",
        "--gpus",
        "8",
        "--gpus-per-node",
        "4",
        "--allow-precision",
        "int4",
        "--gpu-margin",
        "0.3",
        "--no-detect",
        "--json",
    )
    assert p.returncode == 0, p.stderr
    d = json.loads(p.stdout)
    assert d["settings"] == {
        "gpu_margin_per_doubling": 0.3,
        "quality_floor_bits": 8,
        "allow_precision": ["int4"],
        "max_tensor_parallel": [4],
    }
    assert all(r["profile"]["tp"] <= 4 and "quality" in r for r in d["recommendations"])
    assert "--allow-precision int4 --gpu-margin 0.3 --profile" in d["deploy_command"]


def test_recommend_hf_typo_is_exit_2_with_the_catalog_match_when_the_hub_is_unreachable(monkeypatch):
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")  # nothing listens: unreachable at once
    p = cli("recommend", "--model", "meta-llama/Llama-3.1-8B-Instruc", "--kpi", "latency", "--accelerator", "h100")
    assert p.returncode == 2
    assert "did you mean 'meta-llama/Llama-3.1-8B-Instruct'" in p.stderr
