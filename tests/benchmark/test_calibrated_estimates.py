"""Future estimates on a calibrated cluster carry its corrections and say so."""

from jupyter_optiserve.benchmark.calibrate import Corrections
from jupyter_optiserve.service import calibration


def test_estimate_shows_the_clusters_corrections(monkeypatch):
    corr = Corrections({("itl_ms", "mid"): 1.2, ("ttft_ms", "mid"): 0.5}, runs=7, cluster="api.example:6443")
    monkeypatch.setattr("jupyter_optiserve.benchmark.calibrate.corrections_for", lambda *a, **k: corr)
    monkeypatch.setattr("jupyter_optiserve.benchmark.calibrate.regime", lambda c: "mid")
    est = {
        "fits": True,
        "concurrency": 16,
        "ttft_ms": 100.0,
        "itl_ms": 10.0,
        "tpot_ms": 10.0,
        "output_tokens_per_s": 500.0,
        "label": "estimated",
    }
    out = calibration.calibrate(est, "api.example:6443", "h100-sxm-80gb", "0.21.0")
    assert out["ttft_ms"] == 50.0 and out["itl_ms"] == 12.0 and out["tpot_ms"] == 12.0
    assert out["output_tokens_per_s"] == 500.0  # no factor for it: unchanged
    assert out["calibration"]["provenance"] == "calibrated from 7 runs on this cluster"
    assert out["label"] == "estimated, calibrated"


def test_no_cluster_or_no_runs_leaves_the_estimate_alone(monkeypatch):
    est = {"fits": True, "ttft_ms": 100.0, "label": "estimated"}
    assert calibration.calibrate(dict(est), None, "h100", "0.21.0") == est
    monkeypatch.setattr("jupyter_optiserve.benchmark.calibrate.corrections_for", lambda *a, **k: Corrections())
    assert calibration.calibrate(dict(est), "c", "h100", "0.21.0") == est
