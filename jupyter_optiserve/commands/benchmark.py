"""``optiserve benchmark``: measure an endpoint under a workload, beside the prediction, and keep it.

``optiserve benchmark NAME`` measures an OptiServe deployment (GuideLLM as a Job in its namespace,
or ``--mode client`` from here); ``--url URL --model SERVED`` measures any OpenAI-compatible
endpoint from here; ``--import report.json`` stores a GuideLLM report run elsewhere.
"""

from __future__ import annotations

import argparse
import sys

from jupyter_optiserve.commands.common import add_cluster_flags, positive_float, positive_int, print_json, session


def int_list(flag: str):
    def parse(text: str) -> list[int]:
        try:
            vals = [int(x) for x in text.split(",") if x.strip()]
        except ValueError:
            raise argparse.ArgumentTypeError(f"{flag} takes whole numbers separated by commas, got '{text}'") from None
        if not vals or min(vals) < 1 or max(vals) > 4096:
            raise argparse.ArgumentTypeError(f"{flag} levels must be between 1 and 4096, got '{text}'")
        return vals

    return parse


def float_list(flag: str):
    def parse(text: str) -> list[float]:
        try:
            vals = [float(x) for x in text.split(",") if x.strip()]
        except ValueError:
            raise argparse.ArgumentTypeError(f"{flag} takes numbers separated by commas, got '{text}'") from None
        if not vals or min(vals) <= 0:
            raise argparse.ArgumentTypeError(f"{flag} rates must be greater than 0, got '{text}'")
        return vals

    return parse


def register(sub) -> None:
    p = sub.add_parser("benchmark", help="measure an endpoint (TTFT, ITL, latency, throughput) beside the prediction")
    add_benchmark_flags(p)
    p.add_argument(
        "--import", dest="import_report", metavar="REPORT", help="store a GuideLLM JSON report instead of measuring"
    )
    p.add_argument("--json", action="store_true", help="machine-readable output")
    add_cluster_flags(p)
    p.set_defaults(func=run)


def add_benchmark_flags(p) -> None:
    """The measurement's flags (shared with ``%optiserve benchmark``; cluster flags are the caller's)."""
    p.add_argument("name", nargs="?", help="an OptiServe deployment (InferenceService) to measure")
    p.add_argument("--url", help="base URL of any OpenAI-compatible endpoint (instead of NAME)")
    p.add_argument("--model", help="served model name (with --url; a deployment's is its name)")
    p.add_argument(
        "--input-len",
        type=positive_int("--input-len", 1 << 20),
        help="prompt tokens (default: the deployment's KPI workload, else 512)",
    )
    p.add_argument(
        "--output-len",
        type=positive_int("--output-len", 1 << 20),
        help="answer tokens (default: the deployment's KPI workload, else 128)",
    )
    p.add_argument("--input-stddev", type=int, default=0, help="normal spread of prompt lengths (default 0: fixed)")
    p.add_argument("--output-stddev", type=int, default=0, help="normal spread of answer lengths (default 0: fixed)")
    p.add_argument("--dataset", help='prompts file: JSONL {"prompt", "output_len"?} or one prompt per line')
    p.add_argument(
        "--concurrency",
        type=int_list("--concurrency"),
        help="closed-loop levels, e.g. 1,8,32 (default for a deployment: 1, 1/4 and all of its KPI's)",
    )
    p.add_argument("--rate", type=float_list("--rate"), help="Poisson request rates per second, e.g. 1,2,4")
    p.add_argument(
        "--requests-per-level",
        type=positive_int("--requests-per-level", 100000),
        help="requests per level (default: 3 x concurrency, at least 10)",
    )
    p.add_argument("--api", choices=("completions", "chat"), default="completions")
    p.add_argument("--token-env", metavar="VAR", help="environment variable holding the endpoint's token")
    p.add_argument("--insecure-token", action="store_true", help="allow sending the token over plain http")
    p.add_argument(
        "--no-ignore-eos",
        dest="ignore_eos",
        action="store_false",
        help="do not send vLLM's ignore_eos/min_tokens (for servers that reject them)",
    )
    p.add_argument(
        "--max-streams",
        type=positive_int("--max-streams", 4096),
        default=256,
        help="the client's connection pool (default 256)",
    )
    p.add_argument(
        "--deadline",
        type=positive_float("--deadline", 86400),
        default=600.0,
        help="seconds for the whole benchmark (default 600); finished levels are kept",
    )
    p.add_argument("--cluster", help="name for this cluster in the store (default: the API server's host)")
    p.add_argument(
        "--mode",
        choices=("auto", "client", "job"),
        default="auto",
        help="auto: a GuideLLM Job for a deployment, the in-process client for a URL",
    )
    p.add_argument("--image", help="GuideLLM image for --mode job (default: pinned; $OPTISERVE_GUIDELLM_IMAGE)")
    p.add_argument(
        "--tokenizer", help="Hugging Face id or path GuideLLM sizes prompts with (--mode job; default: the model's)"
    )


def run(args) -> int:
    s = session(args)
    if args.import_report:
        out = s.import_benchmark(args.import_report, model=args.model, endpoint=args.url, cluster=args.cluster)
        return _print(out, args.json)
    out = s.measure(measure_request(args), on_progress=None if args.json else progress)
    return _print(out, args.json)


def measure_request(args) -> dict:
    """The measurement's fields from parsed flags (the cluster flags are the Session's)."""
    skip = {"func", "json", "import_report", "kubeconfig", "kube_context", "request_timeout", "command"}
    return {k: v for k, v in vars(args).items() if k not in skip}


def progress(e: dict) -> None:
    """Each level's start on stderr (shared with the magic)."""
    if e["event"] == "level":
        lv = f"concurrency {e['concurrency']}" if "concurrency" in e else f"rate {e['rate']}/s"
        print(f"level {e['index'] + 1}/{e['levels']}: {lv}, {e['requests']} requests ...", file=sys.stderr, flush=True)


def _print(out: dict, as_json: bool) -> int:
    from jupyter_optiserve.benchmark.report import text

    if as_json:
        print_json(out)
    else:
        print(text(out))
    return 0
