"""``optiserve recommend``: ranked serving profiles for a model and a KPI."""

from __future__ import annotations

from jupyter_optiserve.commands.common import add_cluster_flags, positive_float, positive_int, print_json, table


def add_recommend_flags(p) -> None:
    """The ranking flags (everything but --model and the cluster flags), shared with the magic."""
    p.add_argument(
        "--kpi", default=None, help="latency | throughput | balanced | cost (default: balanced, or slo with SLO flags)"
    )
    p.add_argument("--accelerator", help="accelerator to size for (default: the detected hardware)")
    p.add_argument(
        "--gpus",
        type=positive_int("--gpus", 1024),
        help="GPUs available with --accelerator (default: the detected pool of that GPU, else 1)",
    )
    p.add_argument(
        "--gpus-per-node",
        type=positive_int("--gpus-per-node", 64),
        help="GPUs in one node: the largest tensor-parallel size (default: the pool's, else the catalog's "
        "usual server, 8 for SXM/HGX)",
    )
    p.add_argument(
        "--allow-precision",
        nargs="?",
        const=True,
        metavar="P[,P]",
        help="let 4-bit weights (int4, nvfp4, mxfp4; bare flag: all) past the quality floor of the "
        "latency, throughput and balanced KPIs",
    )
    p.add_argument(
        "--gpu-margin",
        type=float,
        metavar="FRACTION",
        help="how much better per doubling of GPUs a bigger profile must be to rank higher (default 0.15)",
    )
    p.add_argument("--ttft-ms", type=positive_float("--ttft-ms"), help="SLO: time to first token")
    p.add_argument("--itl-ms", type=positive_float("--itl-ms"), help="SLO: inter-token latency")
    p.add_argument(
        "--concurrency", type=positive_int("--concurrency", 1_000_000), help="concurrent requests to judge at"
    )
    p.add_argument(
        "--context", type=positive_int("--context", 100_000_000), help="context length (max-model-len) needed"
    )
    p.add_argument("--input-len", type=positive_int("--input-len", 10_000_000))
    p.add_argument("--output-len", type=positive_int("--output-len", 10_000_000))
    p.add_argument("--engine-version", help="vLLM version (default: the runtime's)")
    p.add_argument(
        "--backend",
        choices=["auto", "roofline", "measured"],
        help="kernel costs: measured tables (optional extra) where covered, else roofline (default auto)",
    )
    p.add_argument(
        "--limit", type=positive_int("--limit", 1000), default=10, help="recommendations to show (default 10)"
    )
    p.add_argument("--no-detect", action="store_true", help="do not detect hardware; rank on common pools")
    p.add_argument(
        "--target-rps",
        type=positive_float("--target-rps"),
        help="requests/s to serve: replicas each benchmarked point of the cluster's model catalog needs",
    )


def register(sub):
    p = sub.add_parser("recommend", help="rank serving profiles for a model and a KPI")
    p.add_argument(
        "--model", required=True, help="catalog id, Hugging Face id, RedHatAI variant id, or folder/config.json"
    )
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
    """The JSON comes from the service layer, the same function ``POST /optiserve/recommend`` calls."""
    from jupyter_optiserve.service.engine import recommend_result
    from jupyter_optiserve.service.settings import Settings

    settings = Settings(
        kubeconfig=args.kubeconfig, context=args.kube_context, namespace=args.namespace, request_timeout=args.timeout
    )
    body = {k: getattr(args, k) for k in FIELDS if getattr(args, k) not in (None, False)}
    result, out = recommend_result(body, settings)
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
