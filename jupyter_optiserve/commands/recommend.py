"""``optiserve recommend``: ranked serving profiles for a model and a KPI."""

from __future__ import annotations

from jupyter_optiserve.commands.common import add_cluster_flags, add_option, body, print_json, session, table


def add_recommend_flags(p) -> None:
    """The ranking flags (everything but --model and the cluster flags), shared with the magic."""
    add_option(
        p,
        "kpi",
        type=str,
        choices=None,
        help="latency | throughput | balanced | cost (default: balanced, or slo with SLO flags)",
    )
    add_option(p, "accelerator", help="accelerator to size for (default: the detected hardware)")
    add_option(p, "gpus", help="GPUs available with --accelerator (default: the detected pool of that GPU, else 1)")
    for name in ("gpus_per_node", "allow_precision", "gpu_margin", "ttft_ms", "itl_ms", "concurrency", "context"):
        add_option(p, name)
    for name in ("input_len", "output_len", "engine_version", "backend", "limit", "no_detect"):
        add_option(p, name)
    add_option(p, "target_rps")


def register(sub):
    p = sub.add_parser("recommend", help="rank serving profiles for a model and a KPI")
    add_option(p, "model", required=True)
    add_recommend_flags(p)
    add_cluster_flags(p, context_flag="--kube-context")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run)


FIELDS = (
    "model",
    "kpi",
    "accelerator",
    "gpus",
    "gpus_per_node",
    "allow_precision",
    "gpu_margin",
    "ttft_ms",
    "itl_ms",
    "concurrency",
    "context",
    "input_len",
    "output_len",
    "engine_version",
    "limit",
    "no_detect",
    "backend",
    "target_rps",
)

# What the table shows for the metric each KPI ranks by (the order must be readable from the table).
RANK_COLUMN = {
    "latency": "latency ms",
    "throughput": "tok/s",
    "balanced": "tok/s/GPU",
    "cost": "GPU-h/Mtok",
    "slo": "GPU-h/Mtok",
}
EXIT_NOTHING_FITS = 7


def run(args) -> int:
    """The JSON comes from the Session, the same verb ``POST /optiserve/recommend`` calls."""
    result, out = session(args).recommend_result(body(args, FIELDS))
    code = 0 if out["recommendations"] else EXIT_NOTHING_FITS
    if args.json:
        print_json(out)
        return code
    print_table(result, out)
    return code


def print_table(result, out) -> None:
    wl, k = out["workload"], result.kpi
    print(
        f"{result.model.id} for '{k}' ({wl['concurrency']} concurrent, {wl['input_len']}->{wl['output_len']} tokens):"
    )
    rows = [
        [
            i + 1,
            r.profile.name,
            r.profile.gpus,
            _rank_value(k, r),
            round(r.estimate.ttft_ms),
            round(r.estimate.itl_ms, 1),
            f"{r.estimate.output_tokens_per_s:,.0f}",
            r.quality.get("label", r.profile.precision),
            r.profile.kv_cache_dtype,
            f"{r.estimate.memory.weights_gib_per_gpu:.1f}+{r.estimate.memory.kv_cache_gib_per_gpu:.1f}",
            r.profile.max_model_len,
            r.profile.provenance,
        ]
        for i, r in enumerate(result.recommendations)
    ]
    if rows:
        cols = [
            "#",
            "profile",
            "gpus",
            f"{RANK_COLUMN[k]} (ranked)",
            "TTFT ms",
            "ITL ms",
            "tok/s",
            "weights (recovery)",
            "kv",
            "GiB/GPU w+kv",
            "max len",
            "source",
        ]
        if k == "throughput":  # the ranked column is tok/s itself
            cols.pop(6)
            for row in rows:
                row.pop(6)
        print(table(rows, cols))
        margin = out["settings"]["gpu_margin_per_doubling"]
        print(
            f"ranked by {RANK_COLUMN[k]}; a profile with more GPUs ranks higher only when it is at least "
            f"{margin * 100:g}% better per doubling of GPUs (--gpu-margin)"
        )
        print("\nwhy #1:")
        for reason in result.best.reasons:
            print(f"  - {reason}")
        for w in result.best.warnings:
            if not any(w in reason for reason in result.best.reasons):
                print(f"  ! {w}")
        if out.get("deploy_command"):
            print(
                f"\nto deploy #1 (add --namespace NS; `optiserve preflight` with the same flags checks it first):\n"
                f"  {out['deploy_command']}"
            )
    if out["rejected"]:
        print(f"\nrejected ({len(out['rejected'])}):")
        for r in out["rejected"][:8]:
            print(f"  - {r['name']}: {r['why']}")
        if len(out["rejected"]) > 8:
            print(f"  ... and {len(out['rejected']) - 8} more (--json for all)")
    print_benchmarked(out)
    for n in out["notes"]:
        print(f"note: {n}")
    if not rows:
        print(f"nothing fits: exit code {EXIT_NOTHING_FITS}")


def _rank_value(kpi: str, r):
    """The KPI's metric in the unit the column names (kpi.score is that metric, signed so higher is better)."""
    if kpi == "latency":
        return round(r.estimate.perf.request_latency_ms)
    if kpi == "throughput":
        return f"{r.estimate.output_tokens_per_s:,.0f}"
    if kpi == "balanced":
        return f"{r.estimate.output_tokens_per_s / r.profile.gpus:,.0f}"
    return f"{-r.raw_score:.2f}"


def print_benchmarked(out) -> None:
    """The RHOAI model catalog's measurements beside the estimates (nothing when there is no catalog)."""
    from jupyter_optiserve.catalog.benchmarked import table_rows

    bench = out.get("benchmarked")
    if not bench or not bench.get("points"):
        return
    rows, cols = table_rows(bench["points"], out["recommendations"], bench.get("target_rps"))
    print(f"\nbenchmarked (measured, RHOAI model catalog, {bench['source']}):")
    print(table(rows, cols))
