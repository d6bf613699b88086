"""Flags shared by ``render``, ``preflight``, ``deploy`` and ``export``, and the plan request they make
(kept out of the deploy package so registering CLI flags does not import the Kubernetes client)."""

from __future__ import annotations

import sys

from jupyter_optiserve.commands.common import add_cluster_flags, add_deployment_kind, body, positive_int
from jupyter_optiserve.recommend.kpi import NAMED_KPIS

PLAN_FIELDS = (
    "model",
    "kpi",
    "accelerator",
    "gpus",
    "gpus_per_node",
    "allow_precision",
    "gpu_margin",
    "profile",
    "name",
    "namespace",
    "storage_uri",
    "hf_token_secret",
    "connection",
    "pull_secret",
    "deployment_kind",
    "external",
    "auth",
    "trust_remote_code",
    "display_name",
    "offline",
    "rhoai",
)


def add_plan_flags(p, call_timeout_flag: str = "--timeout") -> None:
    p.add_argument("--model", required=True, help="catalog id, Hugging Face id, variant id or config.json folder")
    p.add_argument("--kpi", required=True, choices=NAMED_KPIS, help="what to optimise for")
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
    add_deployment_kind(p)
    p.add_argument("--external", action="store_true", help="expose an external route")
    p.add_argument("--auth", action="store_true", help="require a token (ServiceAccount + Role + token Secret)")
    p.add_argument("--trust-remote-code", action="store_true", help="allow models that run repository code")
    p.add_argument("--display-name", help="name shown in the dashboard")
    p.add_argument("--offline", action="store_true", help="do not contact a cluster (catalog runtime, no inventory)")
    p.add_argument(
        "--rhoai",
        choices=("2", "3"),
        help="write RHOAI 2.x or 3.x manifests (default: detected from the cluster; 3 offline)",
    )
    add_cluster_flags(p, timeout_flag=call_timeout_flag)


def plan_request(args) -> dict:
    """The plan request (``PlanRequest``/``DeployRequest`` body) the flags describe."""
    return body(args, PLAN_FIELDS)


def print_notes(notes: list, stream=None) -> None:
    stream = stream or sys.stderr
    for note in notes:
        print(f"# note: {note}", file=stream)
