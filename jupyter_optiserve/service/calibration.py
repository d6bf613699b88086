"""Per-cluster corrections learned from benchmarks, applied to the estimates a user is shown.

``optiserve calibrate`` stores factors per cluster, accelerator, engine version, metric and load
regime (``benchmark/calibrate.py``). The estimator itself stays uncalibrated (comparisons and the
next fit need raw predictions); this layer multiplies the figures shown and says so:
``"calibration": {"provenance": "calibrated from N runs on this cluster", ...}``.
"""

from __future__ import annotations

from jupyter_optiserve.benchmark.compare import PREDICTED


def cluster_of(settings) -> str | None:
    """The cluster estimates are made for, or None offline / without a configured cluster."""
    try:
        conn = settings.connect(required=False)
        if conn is None:
            return None
        from jupyter_optiserve.benchmark.target import cluster_id

        return cluster_id(conn)
    except Exception:
        return None


def calibrate(estimate: dict, cluster: str | None, accelerator: str, engine_version: str | None) -> dict:
    """``estimate`` (an Estimate's JSON) with this cluster's factors applied in place, if any."""
    if not cluster or not estimate.get("fits"):
        return estimate
    from jupyter_optiserve.benchmark.calibrate import corrections_for

    corr = corrections_for(cluster, accelerator, engine_version or "")
    if not corr.factors:
        return estimate
    concurrency = int(estimate.get("concurrency") or 1)
    for metric in PREDICTED:
        if isinstance(estimate.get(metric), (int, float)):
            estimate[metric] = round(estimate[metric] * corr.factor(metric, concurrency), 3)
    if isinstance(estimate.get("tpot_ms"), (int, float)):
        estimate["tpot_ms"] = estimate["itl_ms"]
    estimate["calibration"] = corr.to_dict()
    estimate["label"] = "estimated, calibrated"
    return estimate
