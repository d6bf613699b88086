"""Flags and plan building shared by ``render``, ``preflight``, ``deploy`` and ``export`` (kept out
of the deploy package so registering CLI flags does not import the Kubernetes client)."""

from __future__ import annotations

import sys

from jupyter_optiserve.commands.common import positive_float, positive_int
from jupyter_optiserve.errors import ClusterUnreachableError, InvalidInputError

KPIS = ("latency", "throughput", "balanced", "cost")


def add_cluster_flags(p, call_timeout_flag: str = "--timeout") -> None:
    """Like commands.common.add_cluster_flags; ``deploy`` renames the per-call timeout because its
    ``--timeout`` bounds the whole follow."""
    p.add_argument("--kubeconfig", help="kubeconfig file (default: in-cluster, $KUBECONFIG, ~/.kube/config)")
    p.add_argument("--context", help="kubeconfig context")
    p.add_argument("--namespace", "-n", help="namespace (default: the workbench's or the context's)")
    p.add_argument(
        call_timeout_flag,
        dest="call_timeout",
        type=positive_float(call_timeout_flag, 300),
        default=10.0,
        help="seconds per cluster call (default 10)",
    )


def add_plan_flags(p, call_timeout_flag: str = "--timeout") -> None:
    p.add_argument("--model", required=True, help="catalog id, Hugging Face id, variant id or config.json folder")
    p.add_argument("--kpi", required=True, choices=KPIS, help="what to optimise for")
    p.add_argument("--accelerator", help="accelerator id (default: the cluster's inventory)")
    p.add_argument("--gpus", type=positive_int("--gpus", 64), help="GPUs to use (default: what the KPI needs)")
    p.add_argument(
        "--gpus-per-node",
        type=positive_int("--gpus-per-node", 64),
        help="GPUs in one node (default: the pool's, else the catalog's usual server)",
    )
    p.add_argument(
        "--allow-precision",
        nargs="?",
        const=True,
        metavar="P[,P]",
        help="let 4-bit weights past the quality floor, as `optiserve recommend` does",
    )
    p.add_argument(
        "--gpu-margin",
        type=float,
        metavar="FRACTION",
        help="better-per-doubling margin a bigger profile needs (default 0.15), as in recommend",
    )
    p.add_argument("--profile", help="id or name of a ranked profile from `optiserve recommend` (default: the winner)")
    p.add_argument("--name", help="deployment name (DNS-1035, <=53 chars; default: derived from the model)")
    p.add_argument("--storage-uri", help="oci://, hf://, s3://bucket/folder (with --connection), pvc://claim/path")
    p.add_argument(
        "--hf-token-secret", metavar="NAME[:KEY]", help="Secret holding the Hugging Face token (key HF_TOKEN)"
    )
    p.add_argument("--connection", metavar="NAME", help="S3 data connection Secret (storage.key)")
    p.add_argument("--pull-secret", metavar="NAME", help="pull secret for an oci:// modelcar")
    p.add_argument(
        "--target",
        choices=("kserve", "llmisvc"),
        default="kserve",
        help="kserve: ServingRuntime + InferenceService (default); llmisvc: LLMInferenceService (llm-d)",
    )
    p.add_argument("--external", action="store_true", help="expose an external route")
    p.add_argument("--auth", action="store_true", help="require a token (ServiceAccount + Role + token Secret)")
    p.add_argument(
        "--replicas",
        type=positive_int("--replicas", 64),
        help="serving replicas, each with the profile's GPUs (default: the profile's)",
    )
    p.add_argument(
        "--runtime-arg",
        dest="runtime_args",
        action="append",
        metavar="--FLAG[=VALUE]",
        help="extra vLLM argument after the profile's, written --runtime-arg=--flag[=value] (repeatable; "
        "may not override the profile's flags)",
    )
    p.add_argument(
        "--env",
        dest="env",
        action="append",
        metavar="NAME=VALUE",
        help="environment variable on the model server (repeatable)",
    )
    p.add_argument(
        "--max-model-len",
        type=positive_int("--max-model-len", 10_000_000),
        metavar="TOKENS",
        help="a shorter context than the profile's (what a KV-cache failure's fix suggests)",
    )
    p.add_argument("--trust-remote-code", action="store_true", help="allow models that run repository code")
    p.add_argument("--display-name", help="name shown in the dashboard")
    p.add_argument("--offline", action="store_true", help="do not contact a cluster (catalog runtime, no inventory)")
    p.add_argument(
        "--rhoai",
        choices=("2", "3"),
        help="write RHOAI 2.x or 3.x manifests (default: detected from the cluster; 3 offline)",
    )
    add_cluster_flags(p, call_timeout_flag)


def connect_from_args(args, required: bool = False):
    """A connection, or None when offline / nothing configured (unless ``required``)."""
    if getattr(args, "offline", False):
        if required:
            raise InvalidInputError("--offline cannot be used here", hint="this command needs a cluster")
        return None
    from jupyter_optiserve.kube import NoCluster, connect

    try:
        return connect(args.kubeconfig, args.context, args.namespace, timeout=args.call_timeout)
    except NoCluster:
        if required:
            raise
        return None


def plan_from_args(args, conn):
    from jupyter_optiserve.deploy.naming import validate_name, validate_namespace
    from jupyter_optiserve.deploy.overrides import parse_env_flags
    from jupyter_optiserve.deploy.plan import build_plan

    if args.name:
        validate_name(args.name)  # before any slow work: a typo should fail at once
    namespace = args.namespace or (conn.namespace if conn else None)
    if not namespace:
        raise InvalidInputError("no namespace: pass --namespace", hint="the Data Science Project to deploy into")
    validate_namespace(namespace)
    kw = dict(
        profile=getattr(args, "profile", None),
        name=args.name,
        storage_uri=args.storage_uri,
        hf_token_secret=args.hf_token_secret,
        connection=args.connection,
        pull_secret=args.pull_secret,
        target=args.target,
        external=args.external,
        auth=args.auth,
        trust_remote_code=args.trust_remote_code,
        display_name=args.display_name,
        gpus_per_node=getattr(args, "gpus_per_node", None),
        allow_precision=getattr(args, "allow_precision", None),
        gpu_margin=getattr(args, "gpu_margin", None),
        rhoai=getattr(args, "rhoai", None),
        replicas=getattr(args, "replicas", None),
        runtime_args=getattr(args, "runtime_args", None),
        env=parse_env_flags(getattr(args, "env", None)),
        max_model_len=getattr(args, "max_model_len", None),
    )
    try:
        return build_plan(
            args.model, args.kpi, namespace=namespace, accelerator=args.accelerator, gpus=args.gpus, conn=conn, **kw
        )
    except ClusterUnreachableError as exc:
        if conn is None or not args.accelerator:
            raise
        print(f"optiserve: note: {exc.message}; planning from the catalog only", file=sys.stderr)
        return build_plan(
            args.model, args.kpi, namespace=namespace, accelerator=args.accelerator, gpus=args.gpus, conn=None, **kw
        )


def print_notes(plan, stream=None) -> None:
    stream = stream or sys.stderr
    for note in plan.summary()["notes"]:
        print(f"# note: {note}", file=stream)
