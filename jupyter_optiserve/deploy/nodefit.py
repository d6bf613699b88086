"""One pod never asks for more GPUs than one node has: such a pod stays Pending forever.

The node size is the pool's GPUs per node when the cluster told us, else the catalog's usual
server for that accelerator (8 for SXM/HGX boards). Render and export refuse such a plan;
preflight reports it as a failed check (so deploy refuses it too).
"""

from __future__ import annotations

from jupyter_optiserve.errors import InvalidInputError


def node_gpus(plan) -> tuple[int, str]:
    """(GPUs one node holds, where that number comes from)."""
    per_node = getattr(plan.pool, "gpus_per_node", None)
    if per_node and getattr(plan.pool, "source", "manual") != "manual":
        return int(per_node), f"nodes of the {getattr(plan.pool, 'product', None) or plan.accelerator.name} pool"
    return plan.accelerator.gpus_per_node, f"a usual {plan.accelerator.name} server (catalog)"


def oversized(plan) -> tuple[str, str] | None:
    """(problem, fix) when one pod of ``plan`` needs more GPUs than a node holds, else None."""
    if not plan.accelerator.is_gpu:
        return None
    need = plan.gpus_per_pod
    have, where = node_gpus(plan)
    if need <= have:
        return None
    p = plan.profile
    return (
        f"one pod of {p.name} asks for {need} GPUs (TP {p.tp}{f' x PP {p.pp}' if p.pp > 1 and not plan.multinode else ''}), "
        f"but {where} hold {have}: the pod would stay Pending",
        f"use tensor parallelism of at most {have} and replicas (or pipeline stages across nodes when one node "
        f"cannot hold the model): `optiserve recommend` only offers such profiles",
    )


def ensure_fits_node(plan) -> None:
    problem = oversized(plan)
    if problem:
        raise InvalidInputError(problem[0], hint=problem[1], field="profile")
