"""Per-request records and their per-level summary (the CLI's JSON shape).

ITL is per request, ``(last token - first token) / (output tokens - 1)``, then summarised across
requests: the definition GuideLLM and vLLM's benchmark use, so imported and measured runs compare.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

METRICS = ("ttft_ms", "itl_ms", "request_latency_ms")
RATES = ("output_tokens_per_s", "requests_per_s")


@dataclass
class RequestRecord:
    start: float  # monotonic seconds
    end: float = 0.0
    first_token: float | None = None
    last_token: float | None = None
    output_tokens: int = 0
    input_tokens: int = 0
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.first_token is not None

    @property
    def ttft_ms(self) -> float:
        if self.first_token is None:
            raise ValueError("no first token: the request failed")  # callers read ``ok`` records only
        return (self.first_token - self.start) * 1000

    @property
    def itl_ms(self) -> float | None:
        if self.output_tokens < 2 or self.last_token is None or self.first_token is None:
            return None
        return (self.last_token - self.first_token) * 1000 / (self.output_tokens - 1)

    @property
    def latency_ms(self) -> float:
        return (self.end - self.start) * 1000


def percentile(sorted_values: list[float], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    if not sorted_values:
        return math.nan
    k = (len(sorted_values) - 1) * q / 100
    lo, hi = math.floor(k), math.ceil(k)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (k - lo)


def summary(values: list[float]) -> dict | None:
    v = sorted(x for x in values if x is not None)
    if not v:
        return None
    return {
        "mean": round(sum(v) / len(v), 3),
        "p50": round(percentile(v, 50), 3),
        "p90": round(percentile(v, 90), 3),
        "p99": round(percentile(v, 99), 3),
    }


def level_summary(records: list[RequestRecord], *, concurrency: int | None = None, rate: float | None = None) -> dict:
    """One level of the CLI's JSON: counts, metric summaries, throughput over the level's wall time."""
    ok = [r for r in records if r.ok]
    errors = len(records) - len(ok)
    wall = (max(r.end for r in records) - min(r.start for r in records)) if records else 0.0
    out: dict[str, Any] = {
        "concurrency": concurrency,
        "requests": len(ok),
        "errors": errors,
        "ttft_ms": summary([r.ttft_ms for r in ok]),
        "itl_ms": summary([ms for r in ok if (ms := r.itl_ms) is not None]),
        "request_latency_ms": summary([r.latency_ms for r in ok]),
        "output_tokens_per_s": round(sum(r.output_tokens for r in ok) / wall, 3) if wall > 0 and ok else 0.0,
        "requests_per_s": round(len(ok) / wall, 4) if wall > 0 and ok else 0.0,
        "mean_input_tokens": round(sum(r.input_tokens for r in ok) / len(ok), 1) if ok else None,
        "mean_output_tokens": round(sum(r.output_tokens for r in ok) / len(ok), 1) if ok else None,
    }
    if rate is not None:
        out["rate"] = rate
    samples = sorted({r.error for r in records if r.error})[:3]
    if samples:
        out["error_samples"] = samples
    return out
