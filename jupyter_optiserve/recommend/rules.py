"""Ranking rules an expert applies on top of the KPI's metric.

Diminishing returns: more GPUs must earn their place. A profile with more GPUs ranks above a
smaller one only if it beats it on the KPI's metric by ``margin`` per doubling of GPUs (default
15%: TP8 must be ~52% better than TP2). Equivalently each profile is ranked by its KPI score
discounted by ``(1 + margin) ** log2(gpus)``, which keeps the order transitive.

Curated first: at equal merit (within ``CURATED_TOLERANCE``) a curated recipe beats a generated
twin that differs only in KV-cache dtype. Pipeline parallelism only when one node cannot hold
the model: a pipeline stage adds a bubble to every token and buys nothing a node can do alone.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jupyter_optiserve.catalog.profiles import Profile
    from jupyter_optiserve.recommend import Recommendation

MARGIN_PER_DOUBLING = 0.15  # documented in docs/recommendations.md; --gpu-margin overrides it
CURATED_TOLERANCE = 0.03  # "equal merit": within 3% on the ranking score


def check_margin(margin: object) -> float:
    from jupyter_optiserve.errors import InvalidInputError

    m = MARGIN_PER_DOUBLING if margin is None else margin
    if not isinstance(m, (int, float)) or not 0 <= m <= 2:
        raise InvalidInputError(
            f"--gpu-margin must be between 0 and 2 (a fraction per doubling), got {margin!r}",
            hint="e.g. --gpu-margin 0.15 for 15% per doubling of GPUs",
            field="gpu_margin",
        )
    return float(m)


def rank_score(score: float, gpus: int, margin: float) -> float:
    """The KPI score (higher is better, either sign) after the diminishing-returns discount."""
    factor: float = (1.0 + margin) ** math.log2(max(gpus, 1))
    return score / factor if score > 0 else score * factor


def _close(a: float, b: float, tol: float) -> bool:
    return abs(a - b) <= tol * max(abs(a), abs(b), 1e-12)


def dedupe(recs: list[Recommendation]) -> list[Recommendation]:
    """One profile per (accelerator, precision, TP, PP, replicas, target): the best, or a curated
    one of equal merit. ``recs`` is sorted best first."""
    groups: dict[tuple[str, str, int, int, int, str], list[Recommendation]] = {}
    for r in recs:
        p = r.profile
        groups.setdefault((p.accelerator, p.precision, p.tp, p.pp, p.replicas, r.target.name), []).append(r)
    keep = set()
    for members in groups.values():
        best = members[0]
        cur = next((r for r in members if r.profile.provenance == "curated"), None)
        keep.add(id(cur if cur is not None and _close(cur.score, best.score, CURATED_TOLERANCE) else best))
    return [r for r in recs if id(r) in keep]


def drop_needless_pp(recs: list[Recommendation], rejected: list[dict[str, Any]]) -> list[Recommendation]:
    """Pipeline-parallel profiles leave when a single-node profile on the same target fits."""
    single: dict[str, Recommendation] = {}
    for r in recs:
        if r.profile.pp == 1:
            single.setdefault(r.target.name, r)
    out = []
    for r in recs:
        alt = single.get(r.target.name)
        if r.profile.pp > 1 and alt is not None:
            rejected.append(
                {
                    "name": r.profile.name,
                    "target": r.target.name,
                    "why": f"pipeline parallelism is not needed: the model fits in one node "
                    f"({alt.profile.name}), and every pipeline stage adds latency to each token",
                }
            )
            continue
        out.append(r)
    return out


def tradeoff(kpi: str, best: Recommendation, recs: list[Recommendation], margin: float) -> str | None:
    """Why a bigger profile with a better raw metric ranks lower, e.g. 'TP8 would be 2.1 ms/token
    faster than TP2 but uses 4x the GPUs'. None when no such profile exists."""
    bigger = [r for r in recs if r.profile.gpus > best.profile.gpus and r.raw_score > best.raw_score]
    if not bigger:
        return None
    other = max(bigger, key=lambda r: r.raw_score)
    a, b = best.estimate.fitted_perf, other.estimate.fitted_perf
    ratio = other.profile.gpus / best.profile.gpus
    need = ((1 + margin) ** math.log2(ratio) - 1) * 100
    if kpi == "latency":
        gain = f"{a.itl_ms - b.itl_ms:.1f} ms/token ({(a.request_latency_ms / b.request_latency_ms - 1) * 100:.0f}% per request) faster"
    elif kpi == "throughput":
        gain = f"{(b.output_tokens_per_s / a.output_tokens_per_s - 1) * 100:.0f}% more tokens/s"
    elif kpi == "balanced":
        gain = f"{(other.raw_score / best.raw_score - 1) * 100:.0f}% better on tokens/s per GPU"
    else:
        gain = f"{(1 - other.raw_score / best.raw_score) * 100:.0f}% cheaper per token"
    return (
        f"{_shape(other.profile)} would be {gain} than {_shape(best.profile)} but uses {ratio:g}x the GPUs; "
        f"{ratio:g}x the GPUs must be at least {need:.0f}% better ({margin * 100:g}% per doubling, --gpu-margin)"
    )


def _shape(p: Profile) -> str:
    text = f"TP{p.tp}" + (f" PP{p.pp}" if p.pp > 1 else "") + (f" x{p.replicas} replicas" if p.replicas > 1 else "")
    return f"{text} {p.precision}"
