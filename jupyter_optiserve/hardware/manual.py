"""The user's own choice, "accelerator + count", which always overrides detection (``source: manual``).

When a detected pool has the same accelerator, its placement facts (tolerations, node selector,
free GPUs) are kept: the user chose the card, the cluster still says where it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from jupyter_optiserve.errors import InvalidInputError
from jupyter_optiserve.hardware.inventory import Pool

if TYPE_CHECKING:
    from jupyter_optiserve.catalog import Catalog


def manual_pool(
    catalog: Catalog, accelerator: str | None, gpus: int | None, detected: Sequence[Pool] = ()
) -> Pool | None:
    """The manual pool, or None when nothing was chosen. Unknown names raise NotFoundError."""
    if accelerator is None:
        if gpus is not None:
            raise InvalidInputError("--gpus needs --accelerator", hint="pass both, e.g. --accelerator h100 --gpus 2")
        return None
    acc = catalog.accelerators.get(accelerator)
    if gpus is not None and gpus < 1:
        raise InvalidInputError(f"--gpus must be at least 1, got {gpus}")
    match = next((p for p in detected if p.accelerator == acc.id and not p.mig), None)
    notes = [f"chosen by you ({acc.id}{f' x{gpus}' if gpus else ''}): overrides what was detected"]
    if gpus is None:
        notes.append("no GPU count given: the recommender sizes for the detected pool of this GPU, else 1 GPU")
    pool = Pool(
        accelerator=acc.id,
        product=acc.name,
        vendor=acc.vendor,
        memory_gib=acc.usable_memory_gib,
        gpus_per_node=gpus,
        nodes=None,
        free_gpus=None,
        tolerations=[],
        node_selector={},
        source="manual",
        resource_name=acc.resource_name,
        compute_capability=acc.compute_capability,
        notes=notes,
        accelerator_obj=acc,
    )
    if match is not None:
        pool.tolerations, pool.node_selector = list(match.tolerations), dict(match.node_selector)
        pool.nodes, pool.free_gpus = match.nodes, match.free_gpus
        pool.max_free_gpus_per_node, pool.profile = match.max_free_gpus_per_node, match.profile
        pool.notes.append(f"placement (tolerations, node selector, free GPUs) from the detected pool ({match.source})")
        if gpus and match.gpus_per_node and gpus > match.gpus_per_node:
            pool.notes.append(
                f"{gpus} GPUs requested but nodes of this pool hold {match.gpus_per_node}: the pod will stay Pending"
            )
    elif detected and acc.is_gpu:
        pool.notes.append(f"no detected pool has {acc.id}: the deployment may not be schedulable here")
    return pool
