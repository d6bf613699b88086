"""Where a model could run: a manual choice, the detected inventory's pools, or common defaults."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from jupyter_optiserve.errors import InvalidInputError

if TYPE_CHECKING:
    from jupyter_optiserve.catalog import Accelerator, Catalog
    from jupyter_optiserve.hardware.inventory import Inventory, Pool

# With no hardware given or detected: the pools RHOAI clusters most often have.
DEFAULT_POOLS = (("h100-sxm-80gb", 8), ("a100-sxm-80gb", 8), ("l40s", 4), ("l4", 1))


@dataclass(frozen=True)
class Target:
    acc: Accelerator  # catalog Accelerator (or one synthesized for an unknown GPU)
    gpus_per_node: int
    nodes: int = 1
    free_gpus: int | None = None
    source: str = "manual"
    usable_gib: float | None = None  # MIG slice or shared GPU: less than the card
    pool: Pool | None = None
    label: str = ""

    @property
    def max_gpus(self) -> int:
        total = self.gpus_per_node * self.nodes
        return min(total, self.free_gpus) if self.free_gpus is not None and self.free_gpus > 0 else total

    @property
    def name(self) -> str:
        return self.label or f"{self.gpus_per_node}x {self.acc.name}"


def manual_target(
    catalog: Catalog,
    accelerator: str,
    gpus: int | None,
    gpus_per_node: int | None = None,
    inventory: Inventory | None = None,
) -> tuple[Target, list[str]]:
    """The user's accelerator choice as a target, and notes saying what was assumed.

    Tensor parallelism never leaves a node: a node holds ``gpus_per_node`` (the flag, else the
    detected pool's, else the catalog's usual server size); more GPUs become more nodes. Without
    ``gpus`` the detected pool of that accelerator sizes the target, else one GPU (never a guess
    of 8 that would hand a small model a whole server).
    """
    acc = catalog.accelerators.get(accelerator)
    for flag, v in (("--gpus", gpus), ("--gpus-per-node", gpus_per_node)):
        if v is not None and v < 1:
            raise InvalidInputError(f"{flag} must be at least 1, got {v}", hint=f"fix {flag}")
    pool = _detected_pool(inventory, acc.id)
    node = gpus_per_node or (int(pool.gpus_per_node) if pool is not None and pool.gpus_per_node else acc.gpus_per_node)
    notes = []
    if gpus is None and pool is not None:
        nodes = int(getattr(pool, "nodes", None) or 1)
        free = getattr(pool, "free_gpus", None)
        notes.append(
            f"no --gpus given: sized for the detected {acc.id} pool ({nodes} node(s) of {node} GPU(s)"
            f"{f', {free} free' if free is not None else ''}); pass --gpus N to choose"
        )
        detected = _pool_targets([pool])
        if detected:
            return cap_node(detected[0], gpus_per_node), notes
    if gpus is None:
        gpus = 1
        if acc.is_gpu:
            notes.append(
                f"no --gpus given and no {acc.id} pool detected: sized for 1 GPU; pass --gpus N "
                f"(up to {node} per node) to consider more"
            )
    if gpus <= node:
        return Target(acc, gpus, 1, None, "manual", label=f"{gpus}x {acc.name}"), notes
    nodes = -(-gpus // node)
    notes.append(
        f"{gpus} GPUs = {nodes} nodes of {node} {acc.name} (--gpus-per-node {node}): tensor parallelism "
        f"stays within a node; more GPUs serve more replicas, or pipeline stages when one node cannot hold the model"
    )
    return Target(acc, node, nodes, gpus, "manual", label=f"{gpus}x {acc.name} ({nodes} nodes of {node})"), notes


def cap_node(t: Target, gpus_per_node: int | None) -> Target:
    """``--gpus-per-node`` smaller than a target's nodes: the same GPUs, in more, smaller nodes."""
    if not gpus_per_node or gpus_per_node >= t.gpus_per_node:
        return t
    return replace(t, gpus_per_node=gpus_per_node, nodes=t.nodes * -(-t.gpus_per_node // gpus_per_node))


def _detected_pool(inventory: Inventory | None, acc_id: str) -> Pool | None:
    """The detected (non-MIG, non-manual) pool of this accelerator, if any."""
    pools: list[Pool] = getattr(inventory, "pools", None) or []
    for pool in pools:
        if (
            getattr(pool, "accelerator", None) == acc_id
            and not getattr(pool, "mig", None)
            and getattr(pool, "source", "") != "manual"
            and getattr(pool, "gpus_per_node", None)
        ):
            return pool
    return None


def inventory_targets(inventory: Inventory | None) -> list[Target]:
    return _pool_targets(getattr(inventory, "pools", []) or [])


def _pool_targets(pools: list[Pool]) -> list[Target]:
    out: list[Target] = []
    for pool in pools:
        acc = getattr(pool, "accelerator_obj", None)
        if acc is None or not pool.gpus_per_node:
            continue
        mem = getattr(pool, "memory_gib", None)
        # a MIG slice or a shared (time-sliced) GPU offers its own memory, not the card's
        usable = mem * 0.98 if (getattr(pool, "mig", None) or getattr(pool, "sharing", None)) and mem else None
        per_node = int(pool.gpus_per_node)
        # TP has to fit the GPUs the scheduler can give on one node, not the node's total
        free_here = getattr(pool, "max_free_gpus_per_node", None)
        if free_here:
            per_node = min(per_node, int(free_here))
        cap = getattr(pool, "max_tensor_parallel", None)
        if cap:
            per_node = min(per_node, int(cap))
        out.append(
            Target(
                acc,
                per_node,
                int(getattr(pool, "nodes", 1) or 1),
                getattr(pool, "free_gpus", None),
                getattr(pool, "source", "nodes"),
                usable,
                pool,
                label=f"{pool.gpus_per_node}x {getattr(pool, 'product', None) or acc.name} ({getattr(pool, 'source', 'nodes')})",
            )
        )
    return out


def default_targets(catalog: Catalog) -> list[Target]:
    return [
        Target(
            catalog.accelerators.get(a),
            n,
            1,
            None,
            "default",
            label=f"{n}x {catalog.accelerators.get(a).name} (assumed)",
        )
        for a, n in DEFAULT_POOLS
    ]
