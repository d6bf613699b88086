"""``optiserve estimate``: memory fit and performance of one configuration."""

from __future__ import annotations

from jupyter_optiserve.commands.common import body, positive_float, positive_int, print_json, session


def register(sub):
    p = sub.add_parser("estimate", help="predict memory fit, TTFT, ITL and throughput of one configuration")
    p.add_argument("--model", required=True, help="catalog id, Hugging Face id, or folder/config.json")
    p.add_argument("--accelerator", required=True)
    p.add_argument("--gpus", type=positive_int("--gpus", 1024), default=None, help="total GPUs (default tp x pp)")
    p.add_argument("--tp", type=positive_int("--tp", 64), default=1)
    p.add_argument("--pp", type=positive_int("--pp", 64), default=1)
    p.add_argument(
        "--precision", default=None, help="bf16 fp16 fp8 int8 int4 (w4a16 w8a8 nvfp4 mxfp4); default: the checkpoint's"
    )
    p.add_argument("--input-len", type=positive_int("--input-len", 10_000_000), default=1024)
    p.add_argument("--output-len", type=positive_int("--output-len", 10_000_000), default=256)
    p.add_argument("--concurrency", type=positive_int("--concurrency", 1_000_000), default=1)
    p.add_argument("--max-model-len", type=positive_int("--max-model-len", 100_000_000), default=None)
    p.add_argument("--max-num-seqs", type=positive_int("--max-num-seqs", 100_000), default=None)
    p.add_argument(
        "--max-num-batched-tokens",
        type=positive_int("--max-num-batched-tokens", 10_000_000),
        default=None,
        help="per-step token budget (default: vLLM's for this GPU and version)",
    )
    p.add_argument(
        "--request-rate",
        type=positive_float("--request-rate", 100_000),
        default=None,
        help="open loop: Poisson arrivals per second instead of --concurrency clients",
    )
    p.add_argument(
        "--prefix-len",
        type=positive_int("--prefix-len", 10_000_000, minimum=0),
        default=None,
        help="prompt tokens every request shares (hits the prefix cache)",
    )
    p.add_argument(
        "--backend",
        choices=["auto", "roofline", "measured"],
        default="auto",
        help="kernel costs: measured tables (optional extra) where covered, else roofline",
    )
    p.add_argument("--kv-cache-dtype", choices=["auto", "fp8"], default="auto")
    p.add_argument(
        "--engine-version", default=None, help="vLLM version the constants are taken for (default: runtime's)"
    )
    p.add_argument("--curve", action="store_true", help="add a latency/throughput curve over concurrency")
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
