"""Per-cluster corrections fitted from stored runs, and the hook future estimates use.

A correction is a multiplicative factor on one estimated metric, for one (cluster, accelerator,
engine version, metric, regime); the regime is the concurrency band (``REGIMES``). The unit of
evidence is a run: each run contributes the geometric mean of measured/predicted over its levels
in that regime, so a run with many levels does not outvote others.

Guardrails: a factor needs ``MIN_RUNS`` runs after outlier rejection (median +- 3 scaled MADs of the
log-ratios, at least +-``MIN_BAND``); ``optiserve calibrate --reset`` drops the cluster's factors.
The before/after error is measured leave-one-run-out: each run is predicted by a fit that did
not see it.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field

from jupyter_optiserve.benchmark.compare import PREDICTED, measured_value

MIN_RUNS = 3
MIN_BAND = math.log(1.25)  # with identical runs (MAD 0) keep anything within 25 % of the median
REGIMES = (("low", 1, 4), ("medium", 5, 32), ("high", 33, 1 << 30))


def regime(concurrency: int | None) -> str | None:
    if not concurrency:
        return None
    return next(name for name, lo, hi in REGIMES if lo <= concurrency <= hi)


def _key(run: dict) -> tuple:
    c = run["context"]
    return (c.get("accelerator") or "", c.get("engine_version") or "")


def run_ratios(run: dict) -> dict[tuple[str, str], float]:
    """{(metric, regime): mean log(measured/predicted)} for one run."""
    acc: dict[tuple[str, str], list[float]] = {}
    for lv in run["levels"]:
        pred, reg = lv.get("predicted") or {}, regime(lv.get("concurrency"))
        if not reg or not lv.get("requests"):
            continue
        for m in PREDICTED:
            meas, p = measured_value(lv, m), pred.get(m)
            if meas and p and meas > 0 and p > 0:
                acc.setdefault((m, reg), []).append(math.log(meas / p))
    return {k: sum(v) / len(v) for k, v in acc.items()}


def robust_mean(values: list[float]) -> tuple[float | None, int]:
    """(mean log-ratio of the inliers, number of inliers); None below ``MIN_RUNS``."""
    if not values:
        return None, 0
    med = statistics.median(values)
    mad = statistics.median(abs(v - med) for v in values) * 1.4826
    band = max(3 * mad, MIN_BAND)
    kept = [v for v in values if abs(v - med) <= band]
    if len(kept) < MIN_RUNS:
        return None, len(kept)
    return sum(kept) / len(kept), len(kept)


@dataclass
class Fit:
    factors: dict[tuple[str, str, str, str], tuple[float, int]] = field(default_factory=dict)  # -> (factor, runs)
    skipped: list[str] = field(default_factory=list)

    def rows(self) -> list[dict]:
        return [
            {"accelerator": a, "engine_version": e, "metric": m, "regime": r, "factor": round(f, 4), "runs": n}
            for (a, e, m, r), (f, n) in sorted(self.factors.items())
        ]


def fit(runs: list[dict]) -> Fit:
    samples: dict[tuple, list[float]] = {}
    for run in runs:
        for (m, r), x in run_ratios(run).items():
            samples.setdefault((*_key(run), m, r), []).append(x)
    out = Fit()
    for key, xs in sorted(samples.items()):
        mean, n = robust_mean(xs)
        if mean is None:
            out.skipped.append(f"{'/'.join(key)}: {n} run(s) after outlier rejection, {MIN_RUNS} needed")
        else:
            out.factors[key] = (math.exp(mean), n)
    return out


def holdout(runs: list[dict]) -> dict:
    """Leave-one-run-out: mean |error| % per metric before and after correction, and how many runs
    could be held out (a run counts where the fit without it still had a factor)."""
    before: dict[str, list[float]] = {m: [] for m in PREDICTED}
    after: dict[str, list[float]] = {m: [] for m in PREDICTED}
    held = set()
    for i, run in enumerate(runs):
        f = fit(runs[:i] + runs[i + 1 :])
        for lv in run["levels"]:
            pred, reg = lv.get("predicted") or {}, regime(lv.get("concurrency"))
            for m in PREDICTED:
                meas, p = measured_value(lv, m), pred.get(m)
                factor = f.factors.get((*_key(run), m, reg or ""))
                if not (meas and p and factor):
                    continue
                held.add(run["id"])
                before[m].append(abs(p - meas) / meas * 100)
                after[m].append(abs(p * factor[0] - meas) / meas * 100)
    mean = lambda v: round(sum(v) / len(v), 1) if v else None  # noqa: E731
    return {
        "held_out_runs": len(held),
        "metrics": {
            m: {"before_pct": mean(before[m]), "after_pct": mean(after[m]), "levels": len(before[m])} for m in PREDICTED
        },
    }


def calibrate(store, cluster: str | None = None, dry_run: bool = False) -> dict:
    """Fit every cluster's corrections (or one), report the held-out error, save unless ``dry_run``."""
    runs = [r for r in store.runs_for_calibration() if r["context"].get("cluster")]
    clusters = sorted({r["context"]["cluster"] for r in runs if not cluster or r["context"]["cluster"] == cluster})
    out = []
    for c in clusters:
        mine = [r for r in runs if r["context"]["cluster"] == c]
        f = fit(mine)
        if not dry_run:
            store.save_corrections(c, f.rows())
        out.append(
            {"cluster": c, "runs": len(mine), "corrections": f.rows(), "skipped": f.skipped, "holdout": holdout(mine)}
        )
    return {
        "clusters": out,
        "min_runs": MIN_RUNS,
        "saved": not dry_run,
        "note": None
        if out
        else "no stored run has a cluster and a prediction: benchmark a deployment "
        "(optiserve benchmark NAME) to collect some",
    }


@dataclass
class Corrections:
    """What ``corrections_for`` answers: factors keyed (metric, regime), and where they came from."""

    factors: dict[tuple[str, str], float] = field(default_factory=dict)
    runs: int = 0
    cluster: str = ""

    @property
    def provenance(self) -> str | None:
        return f"calibrated from {self.runs} runs on this cluster" if self.factors else None

    def factor(self, metric: str, concurrency: int) -> float:
        return self.factors.get((metric, regime(concurrency) or ""), 1.0)

    def apply(self, perf: dict, concurrency: int) -> dict:
        """A copy of ``perf`` ({metric: value}) with the factors applied (unknown metrics unchanged)."""
        return {
            k: (v * self.factor(k, concurrency) if isinstance(v, (int, float)) and k in PREDICTED else v)
            for k, v in perf.items()
        }

    def to_dict(self) -> dict:
        return {
            "cluster": self.cluster,
            "runs": self.runs,
            "provenance": self.provenance,
            "factors": [{"metric": m, "regime": r, "factor": f} for (m, r), f in sorted(self.factors.items())],
        }


def corrections_for(cluster: str | None, accelerator: str, engine_version: str, store=None) -> Corrections:
    """The fitted corrections for estimates on ``cluster`` (empty when none: every factor is 1.0)."""
    if not cluster:
        return Corrections()
    from jupyter_optiserve.benchmark.store import Store

    try:
        rows = (store or Store()).corrections(cluster, accelerator, engine_version or "")
    except Exception:
        return Corrections(cluster=cluster)
    return Corrections(
        {(r["metric"], r["regime"]): r["factor"] for r in rows}, max((r["runs"] for r in rows), default=0), cluster
    )
