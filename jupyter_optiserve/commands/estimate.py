"""``optiserve estimate``: memory fit and performance of one configuration."""

from __future__ import annotations

from jupyter_optiserve.commands.common import add_option, body, print_json, session


def register(sub):
    from jupyter_optiserve.service.engine import ESTIMATE_DEFAULTS

    p = sub.add_parser("estimate", help="predict memory fit, TTFT, ITL and throughput of one configuration")
    add_option(p, "model", required=True)
    add_option(p, "accelerator", required=True, help="accelerator id")
    add_option(p, "gpus", help="total GPUs (default tp x pp)")
    for name in FIELDS[3:]:
        add_option(p, name, default=ESTIMATE_DEFAULTS.get(name))
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run)


FIELDS = (
    "model",
    "accelerator",
    "gpus",
    "tp",
    "pp",
    "precision",
    "input_len",
    "output_len",
    "concurrency",
    "max_model_len",
    "max_num_seqs",
    "kv_cache_dtype",
    "engine_version",
    "curve",
    "max_num_batched_tokens",
    "request_rate",
    "prefix_len",
    "backend",
)


def run(args) -> int:
    """The JSON comes from the Session, the same verb ``POST /optiserve/estimate`` calls."""
    s = session(args)
    out = s.estimate(body(args, FIELDS), check=False)
    if args.json:
        print_json(out)
        return 0
    acc_name = s.catalog().accelerators.get(out["accelerator"]).name
    mem = out["memory"]
    print(
        f"{out['model']} on {out['gpus']}x {acc_name}, {out['precision']} TP{args.tp} PP{args.pp}: "
        f"{'fits' if out['fits'] else 'does NOT fit'}"
    )
    print(
        f"  memory/GPU: weights {mem['weights_gib_per_gpu']} GiB, KV cache {mem['kv_cache_gib_per_gpu']} GiB "
        f"({mem['kv_capacity_tokens']:,} tokens), max context {mem['max_model_len_fit']:,}, "
        f"max concurrency {mem['max_concurrency']} at {mem['max_model_len']:,}"
    )
    if out["fits"]:
        load = f"{args.request_rate} requests/s" if args.request_rate else f"{args.concurrency} concurrent"
        pct = out["percentiles"]
        print(
            f"  at {load} {args.input_len}->{args.output_len}: TTFT {out['ttft_ms']} ms (p90 {pct['ttft_ms_pct']['p90']}), "
            f"ITL {out['itl_ms']} ms (p90 {pct['itl_ms_pct']['p90']}), {out['output_tokens_per_s']:,} output tokens/s, "
            f"request {out['request_latency_ms']} ms (estimated)"
        )
        sched = out["scheduler"]
        print(
            f"  engine: --max-num-batched-tokens {sched['max_num_batched_tokens']}, --max-num-seqs {sched['max_num_seqs']}"
            f", chunked prefill {'on' if sched['chunked_prefill'] else 'off'} ({sched['source']})"
        )
    print(f"  kernel costs: {out['backend']['detail']}")
    for r in out["reasons"]:
        print(f"  why not: {r}")
    for w in out["warnings"]:
        print(f"  warning: {w}")
    return 0
