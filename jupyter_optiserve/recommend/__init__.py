"""Recommend serving profiles for a model and a KPI on the hardware at hand.

Generate every valid candidate per target (pool), estimate each, drop what cannot run (each with
why), order the rest for the KPI and explain the winner in plain language. The expert's rules on
top of the estimator live next door: node size and the GPU-count default (targets.py), the quality
floor (quality.py), diminishing returns, curated-first and no needless PP (rules.py), rejection
wording (rejections.py); docs/recommendations.md describes them for users.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from jupyter_optiserve.catalog import Model, Profile, load_catalog, short_accelerator_name
from jupyter_optiserve.estimate import Estimate, estimate
from jupyter_optiserve.recommend import kpi as K
from jupyter_optiserve.recommend import quality as Q
from jupyter_optiserve.recommend import rules
from jupyter_optiserve.recommend.candidates import generate
from jupyter_optiserve.recommend.explain import explain
from jupyter_optiserve.recommend.rejections import why_not
from jupyter_optiserve.recommend.targets import Target, cap_node, default_targets, inventory_targets, manual_target

if TYPE_CHECKING:
    from jupyter_optiserve.catalog import Catalog, Variant
    from jupyter_optiserve.hardware.inventory import Inventory, Pool

__all__ = ["recommend", "RecommendResult", "Recommendation"]

CONTEXT_CAP = 32768  # default --max-model-len ceiling: long enough for chat/RAG, keeps start-up light


@dataclass
class Recommendation:
    profile: Profile
    estimate: Estimate
    _reasons: list[str] | None
    target: Target
    score: float = 0.0  # what the ranking uses: raw_score after the diminishing-returns discount
    warnings: list[str] = field(default_factory=list)
    _explain: Callable[[], list[str]] | None = field(default=None, repr=False, compare=False)
    raw_score: float = 0.0  # the KPI's own metric (higher is better)
    quality: dict[str, Any] = field(default_factory=dict)

    @property
    def reasons(self) -> list[str]:
        """Plain-language reasons, written when first asked for (a sweep ranks thousands it never shows)."""
        if self._reasons is None:
            self._reasons = self._explain() if self._explain else []
        return self._reasons

    @reasons.setter
    def reasons(self, value: list[str]) -> None:
        self._reasons = value

    @property
    def pool(self) -> Pool | None:
        return self.target.pool

    def to_dict(self) -> dict[str, Any]:
        est = self.estimate.to_dict()
        return {
            "profile": self.profile.to_dict(),
            "estimate": est,
            "reasons": self.reasons,
            "warnings": self.warnings,
            "target": {"name": self.target.name, "source": self.target.source},
            "quality": self.quality,
            "kpi_metric": {"value": round(self.raw_score, 6), "ranked_by": round(self.score, 6)},
        }


@dataclass
class RecommendResult:
    model: Model
    kpi: str
    workload: K.Workload
    recommendations: list[Recommendation]
    rejected: list[dict[str, Any]]
    targets: list[Any]
    notes: list[str] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def best(self) -> Recommendation | None:
        return self.recommendations[0] if self.recommendations else None

    def to_dict(self, limit: int | None = None) -> dict[str, Any]:
        recs = self.recommendations[:limit] if limit else self.recommendations
        return {
            "model": self.model.summary(),
            "kpi": self.kpi,
            "workload": {
                "input_len": self.workload.input_len,
                "output_len": self.workload.output_len,
                "concurrency": self.workload.concurrency,
                "context": self.workload.context,
                "ttft_ms": self.workload.ttft_ms,
                "itl_ms": self.workload.itl_ms,
            },
            "hardware": [
                {
                    "name": t.name,
                    "accelerator": t.acc.id,
                    "gpus_per_node": t.gpus_per_node,
                    "nodes": t.nodes,
                    "free_gpus": t.free_gpus,
                    "source": t.source,
                }
                for t in self.targets
            ],
            "recommendations": [r.to_dict() for r in recs],
            "rejected": self.rejected,
            "notes": self.notes,
            "settings": self.settings,
        }


def recommend(
    model: Model | str,
    kpi: str | None = None,
    *,
    accelerator: str | None = None,
    gpus: int | None = None,
    inventory: Inventory | None = None,
    catalog: Catalog | None = None,
    input_len: int | None = None,
    output_len: int | None = None,
    concurrency: int | None = None,
    context: int | None = None,
    ttft_ms: float | None = None,
    itl_ms: float | None = None,
    engine_version: str | None = None,
    allow_hub: bool = True,
    limit: int | None = None,
    gpus_per_node: int | None = None,
    allow_precision: str | bool | Iterable[str] | None = None,
    gpu_margin: float | None = None,
    backend: str = "auto",
    refine: int | None = None,
) -> RecommendResult:
    """``allow_precision``: True or precisions (``int4``...) let 4-bit weights past the quality floor;
    ``gpu_margin``: how much better per doubling of GPUs a bigger profile must be (rules.py);
    ``backend``: kernel costs, auto (measured tables where installed and covered) or roofline;
    ``refine``: how many of the best the step-level simulation re-judges (default REFINE_TOP; 0 ranks
    on the fluid screen alone, for sweeps)."""
    cat = catalog or load_catalog()
    variant = None
    if isinstance(model, Model):
        m = model
    else:
        m, variant = cat.resolve_model(model, allow_hub=allow_hub)
    k = K.parse_kpi(kpi, ttft_ms is not None or itl_ms is not None)
    wl = K.workload(k, input_len, output_len, concurrency, context, ttft_ms, itl_ms)
    allowed = Q.parse_allow(allow_precision)
    margin = rules.check_margin(gpu_margin)
    notes: list[str] = []
    if accelerator:
        target, notes = manual_target(cat, accelerator, gpus, gpus_per_node, inventory)
        targets = [target]
    else:
        targets = inventory_targets(inventory) if inventory is not None else []
        if not targets:
            targets = default_targets(cat)
            notes.append(
                "no accelerator given and none detected: ranked on common pools "
                "(8x H100, 8x A100 80GB, 4x L40S, 1x L4); pass --accelerator to choose"
            )
        if gpus_per_node:
            targets = [cap_node(t, gpus_per_node) for t in targets]
    recs: list[Recommendation] = []
    rejected: list[dict[str, Any]] = []
    ctx = _Context(cat, m, variant, k, wl, engine_version, allowed, margin, backend)
    for t in targets:
        _evaluate_target(ctx, t, recs, rejected)
    recs.sort(key=lambda r: r.score, reverse=True)
    recs = _refine(
        rules.drop_needless_pp(rules.dedupe(recs), rejected), k, wl, margin, REFINE_TOP if refine is None else refine
    )
    for i, r in enumerate(recs):
        r._explain = functools.partial(
            explain,
            k,
            wl,
            r,
            recs[i + 1] if i + 1 < len(recs) else None,
            i == 0,
            rules.tradeoff(k, r, recs, margin) if i == 0 else None,
        )
    floored = sorted({x["precision"] for x in rejected if x.get("floor")})
    if floored:
        notes.append(
            f"{', '.join(floored)} weights were left out for '{k}' (quality floor): pass "
            f"--allow-precision {','.join(floored)} to include them, or use --kpi cost"
        )
    if not recs:
        notes.append("no configuration can serve this model for this KPI on this hardware: see `rejected`")
    settings = {
        "gpu_margin_per_doubling": margin,
        "quality_floor_bits": Q.FLOOR_BITS if k in Q.FLOOR_KPIS else None,
        "allow_precision": sorted(allowed),
        "max_tensor_parallel": [t.gpus_per_node for t in targets],
    }
    return RecommendResult(m, k, wl, recs[:limit] if limit else recs, rejected, targets, notes, settings)


@dataclass(frozen=True)
class _Context:
    cat: Catalog
    model: Model
    variant: Variant | None
    kpi: str
    wl: K.Workload
    engine_version: str | None
    allowed: frozenset[str]
    margin: float
    backend: str = "auto"


def _evaluate_target(ctx: _Context, t: Target, recs: list[Recommendation], rejected: list[dict[str, Any]]) -> None:
    cat, m, variant, k, wl = ctx.cat, ctx.model, ctx.variant, ctx.kpi, ctx.wl
    rt = cat.runtime_for(t.acc)
    if rt is None:
        rejected.append(
            {"name": t.name, "why": f"no serving runtime in the catalog supports {t.acc.vendor} accelerators"}
        )
        return
    curated = {p.key(): p for p in cat.curated_for(m, t.acc)}
    # fp8 KV buys capacity, not speed: a candidate where capacity is what the KPI needs (or a
    # curated recipe uses it)
    kv_fp8 = (
        k in ("throughput", "cost", "slo")
        or bool(wl.context)
        or any(p.kv_cache_dtype == "fp8" for p in curated.values())
    )
    cands, why_not_prec = generate(cat, m, t, rt, variant, kv_fp8=kv_fp8)
    short = short_accelerator_name(t.acc.id)
    for w in why_not_prec:
        rejected.append({"name": f"{rt.framework}-{short} ({t.name})", "why": w})
    version = ctx.engine_version or rt.default_engine_version
    mns_default = K.DEFAULTS[k]["max_num_seqs"]
    floored = set()
    for c in cands:
        if variant is None and Q.below_floor(k, m, c.precision, ctx.allowed):
            if c.precision not in floored:  # one line per precision, not one per TP size
                floored.add(c.precision)
                rejected.append(
                    Q.floor_rejection(k, m, c.precision, c.variant, f"{rt.framework}-{short}-{c.precision}", t.name)
                )
            continue
        replicas = max(1, t.max_gpus // c.gpus_per_replica) if k == "throughput" else 1
        gpus = c.gpus_per_replica * replicas
        if gpus > t.max_gpus and c.pp == 1:
            continue
        key = (m.id, t.acc.id, rt.id, c.precision, c.tp, c.pp, c.kv_cache_dtype)
        cur = curated.get(key)
        want_len = cur.max_model_len if cur else max(wl.context or 0, min(m.max_context, CONTEXT_CAP))
        mns = cur.max_num_seqs if cur else mns_default
        common: dict[str, Any] = dict(
            gpus=gpus,
            tp=c.tp,
            pp=c.pp,
            precision=c.precision,
            input_len=wl.input_len,
            output_len=wl.output_len,
            engine_version=version,
            engine=rt.framework,
            kv_cache_dtype=c.kv_cache_dtype,
            max_num_seqs=mns,
            usable_gib=t.usable_gib,
            saturate=k == "throughput",  # judge throughput with every replica's batch full
            method="fluid",  # screen fast; the best few are refined by the simulation
            backend=ctx.backend,
        )
        est = estimate(m, t.acc, concurrency=wl.concurrency, max_model_len=min(want_len, m.max_context), **common)
        fit = est.memory.max_model_len_fit
        if (
            not est.fits
            and not wl.context
            and fit >= wl.input_len + wl.output_len
            and est.memory.kv_budget_gib > 0
            and fit < want_len
        ):
            want_len = fit  # shorter context, still enough for the workload
            est = estimate(m, t.acc, concurrency=wl.concurrency, max_model_len=want_len, **common)
        profile = Profile(
            model=m.id,
            accelerator=t.acc.id,
            runtime=rt.id,
            precision=c.precision,
            tp=c.tp,
            pp=c.pp,
            replicas=replicas,
            max_model_len=want_len,
            max_num_seqs=mns,
            kv_cache_dtype=c.kv_cache_dtype,
            gpu_memory_utilization=est.memory.utilization,
            kpi=k if k != "slo" else None,
            variant=c.variant.id if c.variant else None,
            args=cur.args if cur else (),
            provenance="curated" if cur else "generated",
            engine_version=version,
            accelerator_short=short,
            framework=rt.framework,
        )
        if not est.fits:
            rejected.append(
                {"name": profile.name, "why": why_not(est, t.acc.name, min(want_len, m.max_context)), "target": t.name}
            )
            continue
        if wl.has_slo:
            miss = K.meets_slo(wl, est)
            if miss:
                rejected.append({"name": profile.name, "why": miss, "target": t.name})
                continue
        raw = K.score(k, est, t.acc, profile)
        # the weight-only kernel note restates the precision reason explain() writes: say it once
        warnings = [w for w in est.warnings if not (est.support_mode == "weight-only" and w == c.support.note)]
        recs.append(
            Recommendation(
                profile,
                est,
                None,
                t,
                rules.rank_score(raw, profile.gpus, ctx.margin),
                warnings,
                raw_score=raw,
                quality=Q.describe(profile.precision, profile.kv_cache_dtype, m, c.variant or variant),
            )
        )


REFINE_TOP = 3  # candidates re-judged by the step-level simulation after the fluid screen


def _refine(recs: list[Recommendation], k: str, wl: K.Workload, margin: float, n: int) -> list[Recommendation]:
    """Re-judge the best few with the scheduler simulation and re-rank them among themselves, so
    the numbers shown for the winners come from the finer model."""
    if k == "throughput":
        # judged at saturation, where the fluid model's throughput and ITL match the simulation's
        # within a few percent (tests/engine/test_fluid.py): simulating 1000 requests adds nothing
        return recs
    top = recs[:n]
    for r in top:
        before, shown = set(r.estimate.warnings), set(r.warnings)
        r.estimate = r.estimate.refined()
        # keep what was shown, swap the load warnings the finer model changed
        r.warnings = [w for w in r.estimate.warnings if w in shown or w not in before]
        raw = K.score(k, r.estimate, r.target.acc, r.profile)
        if wl.has_slo and K.meets_slo(wl, r.estimate):
            raw = float("-inf")  # the finer model says it misses the SLO: rank it last
        r.raw_score = raw
        r.score = rules.rank_score(raw, r.profile.gpus, margin)
    top.sort(key=lambda r: r.score, reverse=True)
    return top + recs[n:]
