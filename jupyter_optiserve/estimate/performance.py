"""Latency and throughput of one configuration under a load: the scheduler simulation
(``scheduler.py``) over the step-cost model (``stepcost.py``) of the chosen kernel backend.

Figures are what a benchmark client would report: TTFT and end-to-end latency from sending the
request, ITL as the mean gap between a request's tokens, throughput over the whole run.
See docs/estimation.md.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from jupyter_optiserve.estimate import fluid
from jupyter_optiserve.estimate.kernels.select import backend_for
from jupyter_optiserve.estimate.scheduler import EngineLimits, FixedCosts, Load, SimResult, simulate
from jupyter_optiserve.estimate.stepcost import StepCost, compute_path

if TYPE_CHECKING:
    from jupyter_optiserve.catalog.accelerators import Accelerator
    from jupyter_optiserve.catalog.models import Model
    from jupyter_optiserve.estimate.constants import EngineConstants
    from jupyter_optiserve.estimate.kernels.aic import MeasuredBackend
    from jupyter_optiserve.estimate.kernels.roofline import RooflineBackend
    from jupyter_optiserve.estimate.precision import Precision


@dataclass(frozen=True)
class Shape:
    """What one replica runs, and the engine limits it runs with."""

    model: Model
    acc: Accelerator
    prec: Precision
    const: EngineConstants
    tp: int
    pp: int
    mode: str
    kv_dtype: str
    limits: EngineLimits
    engine_version: str
    backend_pref: str = "auto"

    @functools.cached_property
    def backend(self) -> RooflineBackend | MeasuredBackend:
        return backend_for(
            self.acc, self.const, compute_path(self.prec, self.mode), self.engine_version, self.backend_pref
        )

    @functools.cached_property
    def step(self) -> StepCost:
        before = dict(getattr(self.backend, "fallbacks", {}) or {})
        step = StepCost(self.model, self.prec, self.mode, self.tp, self.pp, self.kv_dtype, self.backend, self.const)
        after = getattr(self.backend, "fallbacks", {}) or {}
        # operations of THIS configuration the measured tables lacked (the backend's counter is
        # shared by every configuration on that GPU in the process)
        self.__dict__["fell_back"] = tuple(sorted(k for k, v in after.items() if v > before.get(k, 0)))
        return step

    @property
    def provenance(self) -> dict[str, Any]:
        """Which backend answered this configuration, and from which data."""
        self.step  # noqa: B018 - building the step records the fallbacks
        p = self.backend.provenance
        detail = getattr(self.backend, "_detail", p.detail)
        fell_back = self.__dict__.get("fell_back", ())
        if p.backend == "measured" and fell_back:
            detail += f"; roofline for unmeasured {', '.join(fell_back)}"
        return {"backend": p.backend, "detail": detail}

    @functools.cached_property
    def fixed(self) -> FixedCosts:
        f = self.const.fixed_costs
        return FixedCosts(f["http_ms"] * 1e-3, f["tokenize_us_per_token"] * 1e-6, f["ipc_ms"] * 1e-3)


@dataclass(frozen=True)
class Performance:
    concurrency: int
    batch: float
    ttft_ms: float
    itl_ms: float
    request_latency_ms: float
    output_tokens_per_s: float
    requests_per_s: float
    queue_ms: float
    saturated: bool
    ttft_pct: dict[str, Any]
    itl_pct: dict[str, Any]
    latency_pct: dict[str, Any]
    preemptions: int
    kv_peak_fraction: float
    admission_limit: str
    protocol: str
    rate: float | None = None
    method: str = "simulate"

    def to_dict(self) -> dict[str, Any]:
        def ms(d: dict[str, float]) -> dict[str, float]:
            return {k: round(v * 1e3, 2) for k, v in d.items()}

        return {
            "concurrency": self.concurrency,
            "effective_batch": round(self.batch, 1),
            "ttft_ms": round(self.ttft_ms, 1),
            "itl_ms": round(self.itl_ms, 2),
            "tpot_ms": round(self.itl_ms, 2),
            "request_latency_ms": round(self.request_latency_ms, 1),
            "output_tokens_per_s": round(self.output_tokens_per_s, 1),
            "requests_per_s": round(self.requests_per_s, 3),
            "queue_ms": round(self.queue_ms, 1),
            "saturated": self.saturated,
            "ttft_ms_pct": ms(self.ttft_pct),
            "itl_ms_pct": ms(self.itl_pct),
            "request_latency_ms_pct": ms(self.latency_pct),
            "preemptions": self.preemptions,
            "kv_peak_fraction": round(self.kv_peak_fraction, 3),
            "admission_limit": self.admission_limit or None,
            "protocol": self.protocol,
            "request_rate": self.rate,
            "method": self.method,
        }


def _performance(r: SimResult, load: Load, replicas: int) -> Performance:
    return Performance(
        load.concurrency * replicas if not load.rate else 0,
        r.mean_running,
        r.ttft["mean"] * 1e3,
        r.itl["mean"] * 1e3,
        r.latency["mean"] * 1e3,
        r.output_tokens_per_s * replicas,
        r.requests_per_s * replicas,
        r.mean_queue_s * 1e3,
        bool(r.admission_limit),
        r.ttft,
        r.itl,
        r.latency,
        r.preemptions,
        r.kv_peak_fraction,
        r.admission_limit,
        load.protocol,
        load.rate * replicas if load.rate else None,
        r.extra.get("method", "simulate"),
    )


METHODS = ("simulate", "fluid")


def run(
    s: Shape,
    isl: int,
    osl: int,
    concurrency: int = 1,
    replicas: int = 1,
    rate: float | None = None,
    prefix_len: int = 0,
    requests: int = 0,
    method: str = "simulate",
) -> Performance:
    """Closed loop with ``concurrency`` clients spread over the replicas, or open loop at ``rate``
    requests/s (split evenly). ``method``: the step-level simulation, or the fluid model that
    screens candidates fast."""
    per_replica = max(1, -(-concurrency // replicas))
    # Clients beyond twice what can run at once only wait in line: simulate those that matter and
    # add the line's wait (Little's law at the saturated rate), not a million idle clients.
    runnable = min(s.limits.max_num_seqs, s.limits.kv_capacity_tokens // max(1, isl + osl // 2))
    simulated = min(per_replica, max(8, 2 * runnable))
    load = Load(isl, osl, simulated, rate / replicas if rate else None, requests, prefix_len)
    solve = fluid.steady if method == "fluid" else simulate
    result = solve(s.step.step_s, s.limits, load, s.fixed)
    if simulated < per_replica and result.requests_per_s > 0:
        extra = (per_replica - simulated) / result.requests_per_s
        result = _add_wait(result, extra)
        load = Load(isl, osl, per_replica, None, requests, prefix_len)
    return _performance(result, load, replicas)


def _add_wait(r: SimResult, wait_s: float) -> SimResult:
    def shift(d: dict[str, Any]) -> dict[str, Any]:
        return {k: v + wait_s for k, v in d.items()}

    return SimResult(
        r.requests,
        shift(r.ttft),
        r.itl,
        shift(r.latency),
        r.output_tokens_per_s,
        r.requests_per_s,
        r.mean_running,
        r.mean_queue_s + wait_s,
        r.preemptions,
        r.kv_peak_fraction,
        r.steps,
        r.duration_s,
        r.admission_limit or "max_num_seqs",
        r.extra,
    )


def curve(
    s: Shape, isl: int, osl: int, replicas: int, points: Iterable[int] = (1, 2, 4, 8, 16, 32, 64, 128, 256)
) -> list[dict[str, Any]]:
    """Latency vs throughput as concurrency grows: the knee where TTFT climbs is visible."""
    return [run(s, isl, osl, c, replicas).to_dict() for c in points]
