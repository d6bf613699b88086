"""Prediction beside measurement: the estimator's figures per level and the error per metric.

Predictions are the raw estimator's (calibration fits against these); distribution metrics compare
their mean. ``error_pct = (predicted - measured) / measured x 100``: positive means over-predicted.
"""

from __future__ import annotations

PREDICTED = ("ttft_ms", "itl_ms", "request_latency_ms", "output_tokens_per_s", "requests_per_s")


def measured_value(level: dict, metric: str) -> float | None:
    v = level.get(metric)
    return v.get("mean") if isinstance(v, dict) else v


def error_pct(level: dict, predicted: dict) -> dict:
    out = {}
    for m in PREDICTED:
        meas, pred = measured_value(level, m), predicted.get(m)
        out[m] = round((pred - meas) / meas * 100, 1) if meas and pred is not None else None
    return out


def predict_level(model, acc, profile: dict, workload: dict, concurrency: int) -> dict | None:
    """The estimator's figures for this profile at this workload and concurrency (None: it cannot say)."""
    from jupyter_optiserve.errors import OptiServeError
    from jupyter_optiserve.estimate import estimate

    try:
        est = estimate(
            model,
            acc,
            gpus=int(profile["gpus"]),
            tp=int(profile.get("tp") or 1),
            pp=int(profile.get("pp") or 1),
            precision=profile.get("precision") or "bf16",
            input_len=int(workload["input_len"]),
            output_len=int(workload["output_len"]),
            concurrency=int(concurrency),
            max_model_len=profile.get("max_model_len"),
            engine_version=profile.get("engine_version"),
            kv_cache_dtype=profile.get("kv_cache_dtype") or "auto",
            max_num_seqs=profile.get("max_num_seqs"),
        )
    except (OptiServeError, ValueError, KeyError, TypeError, ZeroDivisionError):
        return None
    if not est.perf:
        return None
    p = est.perf
    return {
        "ttft_ms": round(p.ttft_ms, 2),
        "itl_ms": round(p.itl_ms, 3),
        "request_latency_ms": round(p.request_latency_ms, 2),
        "output_tokens_per_s": round(p.output_tokens_per_s, 2),
        "requests_per_s": round(p.requests_per_s, 4),
        "label": "estimated",
    }
