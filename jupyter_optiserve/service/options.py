"""The options of the sizing, plan and deploy verbs: one table, grouped like vLLM's config classes.

Each option is a request field (the REST body's name, the CLI's ``--flag-name``, the magic's flag) with
its group, type, bounds, default and help. The CLI and the magic build their argparse flags from it
(``commands/common.py::add_options``); ``tests/test_options.py`` checks that every field of the
OpenAPI requests and every magic option maps to an entry, so the interfaces cannot drift apart. A
default lives here and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass

from jupyter_optiserve.recommend.kpi import NAMED_KPIS
from jupyter_optiserve.service.settings import REQUEST_TIMEOUT

GROUPS = ("model", "parallelism", "cache", "scheduler", "workload", "ranking", "deployment", "cluster")


@dataclass(frozen=True)
class Option:
    name: str  # the request field; the flag is --name-with-dashes
    group: str  # one of GROUPS
    kind: str  # str | int | float | bool | choice | precision_list | list (a repeatable flag)
    help: str = ""
    default: object = None
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple = ()
    metavar: str | None = None
    cli: str | None = None  # the flag when it is not --name-with-dashes (a repeatable list flag is singular)

    @property
    def flag(self) -> str:
        return self.cli or "--" + self.name.replace("_", "-")


_O = Option
OPTIONS: dict[str, Option] = {
    o.name: o
    for o in (
        # -- model: what is served
        _O("model", "model", "str", "catalog id, Hugging Face id, variant id or config.json folder"),
        _O("precision", "model", "str", "bf16 fp16 fp8 int8 int4 (w4a16 w8a8 nvfp4 mxfp4); default: the checkpoint's"),
        _O("engine_version", "model", "str", "vLLM version (default: the runtime's)"),
        _O("trust_remote_code", "model", "bool", "allow models that run repository code"),
        # -- parallelism: how many GPUs and how they split the model
        _O("accelerator", "parallelism", "str", "accelerator id (default: the detected hardware)"),
        _O("gpus", "parallelism", "int", "GPUs to use (with --accelerator)", minimum=1, maximum=1024),
        _O("tp", "parallelism", "int", "tensor-parallel size", default=1, minimum=1, maximum=64),
        _O("pp", "parallelism", "int", "pipeline-parallel size", default=1, minimum=1, maximum=64),
        _O(
            "gpus_per_node",
            "parallelism",
            "int",
            "GPUs in one node: the largest tensor-parallel size (default: the pool's, else the catalog's usual "
            "server, 8 for SXM/HGX)",
            minimum=1,
            maximum=64,
        ),
        # -- cache: the KV cache and the context it holds
        _O("kv_cache_dtype", "cache", "choice", "KV cache precision", default="auto", choices=("auto", "fp8")),
        _O("max_model_len", "cache", "int", "context length vLLM is started with", minimum=1, maximum=100_000_000),
        _O("context", "cache", "int", "context length (max-model-len) needed", minimum=1, maximum=100_000_000),
        _O(
            "prefix_len",
            "cache",
            "int",
            "prompt tokens every request shares (hits the prefix cache)",
            minimum=0,
            maximum=10_000_000,
        ),
        # -- scheduler: vLLM's batching limits
        _O("max_num_seqs", "scheduler", "int", "sequences in one batch", minimum=1, maximum=100_000),
        _O(
            "max_num_batched_tokens",
            "scheduler",
            "int",
            "per-step token budget (default: vLLM's for this GPU and version)",
            minimum=1,
            maximum=10_000_000,
        ),
        # -- workload: what the server is judged at
        _O("input_len", "workload", "int", "prompt tokens", minimum=1, maximum=10_000_000),
        _O("output_len", "workload", "int", "answer tokens", minimum=1, maximum=10_000_000),
        _O("concurrency", "workload", "int", "concurrent requests to judge at", minimum=1, maximum=1_000_000),
        _O(
            "request_rate",
            "workload",
            "float",
            "open loop: Poisson arrivals per second instead of --concurrency clients",
            minimum=0,
            maximum=100_000,
        ),
        _O("ttft_ms", "workload", "float", "SLO: time to first token", minimum=0),
        _O("itl_ms", "workload", "float", "SLO: inter-token latency", minimum=0),
        # -- ranking: how serving profiles are chosen
        _O("kpi", "ranking", "choice", "what to optimise for", choices=NAMED_KPIS),
        _O(
            "allow_precision",
            "ranking",
            "precision_list",
            "let 4-bit weights (int4, nvfp4, mxfp4; bare flag: all) past the quality floor",
            metavar="P[,P]",
        ),
        _O(
            "gpu_margin",
            "ranking",
            "float",
            "how much better per doubling of GPUs a bigger profile must be to rank higher (default 0.15)",
            metavar="FRACTION",
        ),
        _O(
            "backend",
            "ranking",
            "choice",
            "kernel costs: measured tables (optional extra) where covered, else roofline",
            choices=("auto", "roofline", "measured"),
        ),
        _O("limit", "ranking", "int", "recommendations to show", default=10, minimum=1, maximum=1000),
        _O("no_detect", "ranking", "bool", "do not detect hardware; rank on common pools"),
        _O(
            "target_rps",
            "ranking",
            "float",
            "requests/s to serve: replicas each benchmarked point of the cluster's model catalog needs",
            minimum=0,
        ),
        _O("curve", "ranking", "bool", "add a latency/throughput curve over concurrency"),
        _O("profile", "ranking", "str", "id or name of a ranked serving profile from recommend (default: #1)"),
        # -- deployment: what is created and how it is reached
        _O("name", "deployment", "str", "deployment name (DNS-1035, <=53 chars; default: derived from the model)"),
        _O(
            "deployment_kind",
            "deployment",
            "choice",
            "kserve: ServingRuntime + InferenceService; llmisvc: LLMInferenceService (llm-d)",
            default="kserve",
            choices=("kserve", "llmisvc"),
        ),
        _O(
            "storage_uri",
            "deployment",
            "str",
            "oci://, hf://, s3://bucket/folder (with --connection), pvc://claim/path",
        ),
        _O("hf_token_secret", "deployment", "str", "Secret holding the Hugging Face token", metavar="NAME[:KEY]"),
        _O("connection", "deployment", "str", "S3 data connection Secret (storage.key)", metavar="NAME"),
        _O("pull_secret", "deployment", "str", "pull secret for an oci:// modelcar", metavar="NAME"),
        _O("external", "deployment", "bool", "expose an external route"),
        _O("auth", "deployment", "bool", "require a token (ServiceAccount + Role + token Secret)"),
        _O("display_name", "deployment", "str", "name shown in the dashboard"),
        _O(
            "replicas",
            "deployment",
            "int",
            "serving replicas, each with the profile's GPUs (default: the profile's)",
            minimum=1,
            maximum=64,
        ),
        _O(
            "runtime_args",
            "deployment",
            "list",
            "extra vLLM argument after the profile's, written --runtime-arg=--flag[=value] (repeatable; may not "
            "override the profile's flags)",
            metavar="--FLAG[=VALUE]",
            cli="--runtime-arg",
        ),
        _O("env", "deployment", "list", "environment variable on the model server (repeatable)", metavar="NAME=VALUE"),
        _O(
            "rhoai",
            "deployment",
            "choice",
            "write RHOAI 2.x or 3.x manifests (default: detected from the cluster; 3 offline)",
            choices=("2", "3"),
        ),
        _O("dry_run", "deployment", "bool", "server-side dry run (dryRun=All): nothing is created"),
        _O(
            "timeout",
            "deployment",
            "float",
            "seconds to follow the start-up",
            default=1800.0,
            minimum=0,
            maximum=24 * 3600,
        ),
        _O("no_follow", "deployment", "bool", "create and return without watching"),
        _O("no_smoke", "deployment", "bool", "skip the first-request check after Ready"),
        # -- cluster: where and how the cluster is reached
        _O("namespace", "cluster", "str", "namespace (default: the workbench's or the context's)"),
        _O("kubeconfig", "cluster", "str", "kubeconfig file (default: in-cluster, $KUBECONFIG, ~/.kube/config)"),
        _O("kube_context", "cluster", "str", "kubeconfig context"),
        _O(
            "request_timeout",
            "cluster",
            "float",
            "seconds per cluster call",
            default=REQUEST_TIMEOUT,
            minimum=0,
            maximum=300,
        ),
        _O("offline", "cluster", "bool", "do not contact a cluster (catalog runtime, no inventory)"),
    )
}

# request fields that are spellings of an option, kept for one release
DEPRECATED = {"target": "deployment_kind"}


def group(name: str) -> list[Option]:
    """The options of one group, in table order."""
    return [o for o in OPTIONS.values() if o.group == name]
