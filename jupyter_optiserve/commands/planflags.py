"""Flags shared by ``render``, ``preflight``, ``deploy`` and ``export``, and the plan request they make
(kept out of the deploy package so registering CLI flags does not import the Kubernetes client)."""

from __future__ import annotations

import sys

from jupyter_optiserve.commands.common import add_cluster_flags, add_deployment_kind, add_option, body
from jupyter_optiserve.service import plans as _plans

# The request's fields: what every plan request names, then the service's ranking and plan fields
# (one list, so a new deploy setting needs only its option and its place in service/plans.py).
PLAN_FIELDS = (
    ("model", "kpi", "accelerator", "gpus", "namespace", "deployment_kind", "offline")
    + _plans.RANKING_FIELDS
    + _plans.PLAN_FIELDS
)


def add_plan_flags(p, call_timeout_flag: str = "--timeout") -> None:
    add_option(p, "model", required=True)
    add_option(p, "kpi", required=True)
    add_option(p, "accelerator", help="accelerator id (default: the cluster's inventory)")
    add_option(p, "gpus", maximum=64, help="GPUs to use (default: what the KPI needs)")
    for name in ("gpus_per_node", "allow_precision", "gpu_margin", "profile", "name", "storage_uri"):
        add_option(p, name)
    for name in ("hf_token_secret", "connection", "pull_secret"):
        add_option(p, name)
    add_deployment_kind(p)
    for name in ("external", "auth", "trust_remote_code", "display_name", "offline", "rhoai"):
        add_option(p, name)
    add_option(p, "replicas")
    add_option(p, "runtime_args")
    add_option(p, "env")
    add_option(p, "max_model_len", help="a shorter context than the profile's (what a KV-cache failure's fix suggests)")
    add_cluster_flags(p, timeout_flag=call_timeout_flag)


def plan_request(args) -> dict:
    """The plan request (``PlanRequest``/``DeployRequest`` body) the flags describe."""
    from jupyter_optiserve.deploy.overrides import parse_env_flags

    out = body(args, PLAN_FIELDS)
    if out.get("env"):  # --env NAME=VALUE, as the API's [{name, value}]
        out["env"] = parse_env_flags(out["env"])
    return out


def print_notes(notes: list, stream=None) -> None:
    stream = stream or sys.stderr
    for note in notes:
        print(f"# note: {note}", file=stream)
