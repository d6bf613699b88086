"""Where a model could run: a manual choice, the detected inventory's pools, or common defaults."""

from __future__ import annotations

from dataclasses import dataclass

from jupyter_optiserve.errors import InvalidInputError

# With no hardware given or detected: the pools RHOAI clusters most often have.
DEFAULT_POOLS = (("h100-sxm-80gb", 8), ("a100-sxm-80gb", 8), ("l40s", 4), ("l4", 1))


@dataclass(frozen=True)
class Target:
    acc: object                 # catalog Accelerator (or one synthesized for an unknown GPU)
    gpus_per_node: int
    nodes: int = 1
    free_gpus: int | None = None
    source: str = "manual"
    usable_gib: float | None = None  # MIG slice or shared GPU: less than the card
    pool: object = None
    label: str = ""

    @property
    def max_gpus(self) -> int:
        total = self.gpus_per_node * self.nodes
        return min(total, self.free_gpus) if self.free_gpus is not None and self.free_gpus > 0 else total

    @property
    def name(self) -> str:
        return self.label or f"{self.gpus_per_node}x {self.acc.name}"


def manual_target(catalog, accelerator: str, gpus: int | None) -> Target:
    acc = catalog.accelerators.get(accelerator)
    if gpus is not None and gpus < 1:
        raise InvalidInputError(f"--gpus must be at least 1, got {gpus}", hint="fix --gpus")
    n = gpus or (1 if acc.vendor == "cpu" else 8)
    if n > 16:
        # more than one node's worth: nodes of 8 joined by pipeline parallelism
        return Target(acc, 8, (n + 7) // 8, n, "manual", label=f"{n}x {acc.name}")
    return Target(acc, n, 1, None, "manual", label=f"{n}x {acc.name}")


def inventory_targets(inventory) -> list[Target]:
    out = []
    for pool in getattr(inventory, "pools", []) or []:
        acc = getattr(pool, "accelerator_obj", None)
        if acc is None or not getattr(pool, "gpus_per_node", 0):
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
        out.append(Target(acc, per_node, int(getattr(pool, "nodes", 1) or 1),
                          getattr(pool, "free_gpus", None), getattr(pool, "source", "nodes"), usable, pool,
                          label=f"{pool.gpus_per_node}x {getattr(pool, 'product', None) or acc.name} ({getattr(pool, 'source', 'nodes')})"))
    return out


def default_targets(catalog) -> list[Target]:
    return [Target(catalog.accelerators.get(a), n, 1, None, "default", label=f"{n}x {catalog.accelerators.get(a).name} (assumed)")
            for a, n in DEFAULT_POOLS]
