"""``optiserve recommend``: ranked serving profiles for a model and a KPI."""

from __future__ import annotations

from jupyter_optiserve.commands.common import add_cluster_flags, positive_float, positive_int, print_json, table


def add_recommend_flags(p) -> None:
    """The ranking flags (everything but --model and the cluster flags), shared with the magic."""
    p.add_argument("--kpi", default=None, help="latency | throughput | balanced | cost (default: balanced, or slo with SLO flags)")
    p.add_argument("--accelerator", help="accelerator to size for (default: the detected hardware)")
    p.add_argument("--gpus", type=positive_int("--gpus", 1024), help="GPUs available with --accelerator (default 8)")
    p.add_argument("--ttft-ms", type=positive_float("--ttft-ms"), help="SLO: time to first token")
    p.add_argument("--itl-ms", type=positive_float("--itl-ms"), help="SLO: inter-token latency")
    p.add_argument("--concurrency", type=positive_int("--concurrency", 1_000_000), help="concurrent requests to judge at")
    p.add_argument("--context", type=positive_int("--context", 100_000_000), help="context length (max-model-len) needed")
    p.add_argument("--input-len", type=positive_int("--input-len", 10_000_000))
    p.add_argument("--output-len", type=positive_int("--output-len", 10_000_000))
    p.add_argument("--engine-version", help="vLLM version (default: the runtime's)")
    p.add_argument("--limit", type=positive_int("--limit", 1000), default=10, help="recommendations to show (default 10)")
    p.add_argument("--no-detect", action="store_true", help="do not detect hardware; rank on common pools")


def register(sub):
    p = sub.add_parser("recommend", help="rank serving profiles for a model and a KPI")
    p.add_argument("--model", required=True, help="catalog id, Hugging Face id, RedHatAI variant id, or folder/config.json")
    add_recommend_flags(p)
    add_cluster_flags(p, context_flag="--kube-context")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run)


FIELDS = ("model", "kpi", "accelerator", "gpus", "ttft_ms", "itl_ms", "concurrency", "context", "input_len",
          "output_len", "engine_version", "limit", "no_detect")


def run(args) -> int:
    """The JSON comes from the service layer, the same function ``POST /optiserve/recommend`` calls."""
    from jupyter_optiserve.service.engine import recommend_result
    from jupyter_optiserve.service.settings import Settings

    settings = Settings(kubeconfig=args.kubeconfig, context=args.kube_context, namespace=args.namespace,
                        request_timeout=args.timeout)
    body = {k: getattr(args, k) for k in FIELDS if getattr(args, k) not in (None, False)}
    result, out = recommend_result(body, settings)
    if args.json:
        print_json(out)
        return 0
    wl = out["workload"]
    print(f"{result.model.id} for '{result.kpi}' ({wl['concurrency']} concurrent, {wl['input_len']}->{wl['output_len']} tokens):")
    rows = [[i + 1, r.profile.name, r.profile.gpus, round(r.estimate.ttft_ms), round(r.estimate.itl_ms, 1),
             f"{r.estimate.output_tokens_per_s:,.0f}", f"{r.estimate.memory.weights_gib_per_gpu:.1f}+{r.estimate.memory.kv_cache_gib_per_gpu:.1f}",
             r.profile.max_model_len, r.profile.provenance] for i, r in enumerate(result.recommendations)]
    if rows:
        print(table(rows, ["#", "profile", "gpus", "TTFT ms", "ITL ms", "tok/s", "GiB/GPU w+kv", "max len", "source"]))
        print("\nwhy #1:")
        for reason in result.best.reasons:
            print(f"  - {reason}")
        for w in result.best.warnings:
            print(f"  ! {w}")
    if out["rejected"]:
        print(f"\nrejected ({len(out['rejected'])}):")
        for r in out["rejected"][:8]:
            print(f"  - {r['name']}: {r['why']}")
        if len(out["rejected"]) > 8:
            print(f"  ... and {len(out['rejected']) - 8} more (--json for all)")
    for n in out["notes"]:
        print(f"note: {n}")
    return 0
