"""Calibration maths: factors, outlier rejection, minimum runs, held-out error, reset, the hook."""

import math

import pytest

from jupyter_optiserve.benchmark import calibrate as cal
from jupyter_optiserve.benchmark.store import Store

PRED = {
    "ttft_ms": 100.0,
    "itl_ms": 10.0,
    "request_latency_ms": 1000.0,
    "output_tokens_per_s": 1000.0,
    "requests_per_s": 1.0,
}


def run(i, ratio, c=8, cluster="c1", acc="l4"):
    """A stored-run dict whose measurement is ``ratio`` x the prediction for every metric."""
    lv = {
        "concurrency": c,
        "requests": 10,
        "errors": 0,
        "predicted": dict(PRED),
        "output_tokens_per_s": PRED["output_tokens_per_s"] * ratio,
        "requests_per_s": PRED["requests_per_s"] * ratio,
    }
    for m in ("ttft_ms", "itl_ms", "request_latency_ms"):
        lv[m] = {"mean": PRED[m] * ratio, "p50": 0, "p90": 0, "p99": 0}
    return {
        "id": f"r{i}",
        "context": {"cluster": cluster, "accelerator": acc, "engine_version": "0.8.5"},
        "levels": [lv],
    }


def test_factor_is_the_geometric_mean_ratio():
    f = cal.fit([run(0, 1.2), run(1, 1.3), run(2, 1.25)])
    factor, n = f.factors[("l4", "0.8.5", "itl_ms", "medium")]
    assert n == 3 and factor == pytest.approx(math.exp((math.log(1.2) + math.log(1.3) + math.log(1.25)) / 3))


def test_outlier_is_rejected():
    f = cal.fit([run(0, 1.2), run(1, 1.21), run(2, 1.19), run(3, 1.2), run(4, 5.0)])
    factor, n = f.factors[("l4", "0.8.5", "ttft_ms", "medium")]
    assert n == 4 and factor == pytest.approx(1.2, rel=0.01)


def test_no_factor_below_the_minimum_runs():
    f = cal.fit([run(0, 1.2), run(1, 1.3)])
    assert not f.factors and any("2 run(s)" in s for s in f.skipped)


def test_regimes_are_separate():
    f = cal.fit([run(i, 1.5, c=1) for i in range(3)] + [run(10 + i, 0.8, c=64) for i in range(3)])
    assert f.factors[("l4", "0.8.5", "itl_ms", "low")][0] == pytest.approx(1.5)
    assert f.factors[("l4", "0.8.5", "itl_ms", "high")][0] == pytest.approx(0.8)
    assert ("l4", "0.8.5", "itl_ms", "medium") not in f.factors


def test_holdout_error_drops_after_calibration():
    runs = [run(i, r) for i, r in enumerate((1.3, 1.32, 1.28, 1.31, 1.29))]
    h = cal.holdout(runs)
    assert h["held_out_runs"] == 5
    itl = h["metrics"]["itl_ms"]
    assert itl["before_pct"] == pytest.approx(0.3 / 1.3 * 100, abs=1)  # |pred - meas| / meas and itl["after_pct"] < 3


def _store_with_runs(tmp_path, ratios, cluster="c1"):
    s = Store(tmp_path / "b.sqlite")
    for i, r in enumerate(ratios):
        d = run(i, r, cluster=cluster)
        s.add_run(
            {
                "id": f"{cluster}-{i}",
                "endpoint": "e",
                "model": "m",
                "workload": {},
                "context": d["context"],
                "levels": d["levels"],
            }
        )
    return s


def test_calibrate_saves_and_the_hook_answers_with_provenance(tmp_path):
    s = _store_with_runs(tmp_path, (1.5, 1.5, 1.5, 1.5))
    out = cal.calibrate(s)
    assert out["clusters"][0]["runs"] == 4 and out["saved"]
    corr = cal.corrections_for("c1", "l4", "0.8.5", store=s)
    assert corr.provenance == "calibrated from 4 runs on this cluster"
    assert corr.factor("itl_ms", 16) == pytest.approx(1.5) and corr.factor("itl_ms", 1) == 1.0
    assert corr.apply({"itl_ms": 10.0, "label": "estimated"}, 16) == {
        "itl_ms": pytest.approx(15.0),
        "label": "estimated",
    }
    assert not cal.corrections_for("other-cluster", "l4", "0.8.5", store=s).factors
    assert not cal.corrections_for("c1", "h100", "0.8.5", store=s).factors
    assert s.reset_corrections("c1") > 0
    assert cal.corrections_for("c1", "l4", "0.8.5", store=s).provenance is None


def test_dry_run_saves_nothing(tmp_path):
    s = _store_with_runs(tmp_path, (1.5, 1.5, 1.5))
    cal.calibrate(s, dry_run=True)
    assert not cal.corrections_for("c1", "l4", "0.8.5", store=s).factors


def test_cli_calibrate_and_reset(tmp_path, monkeypatch):
    import json

    from tests.benchmark.conftest import run_cli

    _store_with_runs(tmp_path, (1.5, 1.4, 1.6, 1.5))
    env = {"OPTISERVE_BENCHMARK_DB": str(tmp_path / "b.sqlite")}
    out = json.loads(run_cli("calibrate", "--json", env=env).stdout)
    assert out["clusters"][0]["corrections"] and out["clusters"][0]["holdout"]["held_out_runs"] == 4
    text = run_cli("calibrate", env=env).stdout
    assert "before |err| %" in text and "cluster c1" in text
    reset = json.loads(run_cli("calibrate", "--reset", "--json", env=env).stdout)
    assert reset["removed"] == len(out["clusters"][0]["corrections"])
