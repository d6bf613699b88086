"""Accelerator pools from Node and Pod objects (plain API JSON dicts; no I/O here).

A pool is nodes with the same accelerator (as labelled) and the same GPUs per node. NVIDIA facts come
from GPU Feature Discovery labels (docs/hardware.md, "Detection order", step 3): a full or time-sliced GPU is
``nvidia.com/gpu``; under the MIG *mixed* strategy every ``nvidia.com/mig-<profile>`` resource is
its own pool sized by the slice; under MIG *single* the product label carries ``-MIG-<profile>``.
AMD and Intel Gaudi use their device plugins' resources and labels.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from kubernetes.utils import parse_quantity

from jupyter_optiserve.hardware.inventory import Pool
from jupyter_optiserve.hardware.unknown import mig_fractions, mig_slice, synthesize

if TYPE_CHECKING:
    from jupyter_optiserve.catalog import Catalog

GPU = "nvidia.com/gpu"
VENDOR_RESOURCES = {GPU: "nvidia", "amd.com/gpu": "amd", "habana.ai/gaudi": "intel"}
_MIG_RESOURCE = re.compile(r"^nvidia\.com/mig-(?P<profile>.+)$")
# Taints the system adds and removes on its own; never part of a pool's tolerations.
_TRANSIENT_TAINTS = ("node.kubernetes.io/", "node.cloudprovider.kubernetes.io/", "ToBeDeletedByClusterAutoscaler")


def quantity(value: object) -> float:
    try:
        return float(parse_quantity(str(value)))
    except (ValueError, ArithmeticError):
        return 0.0


def _int(value: object) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def pod_request(pod: dict[str, Any], resource: str) -> float:
    """What a pod holds of a resource: max(sum over containers, largest init container); a
    container's request defaults to its limit (always equal for extended resources)."""
    spec = pod.get("spec") or {}

    def one(c: dict[str, Any]) -> float:
        res = c.get("resources") or {}
        req = (res.get("requests") or {}).get(resource)
        return quantity(req if req is not None else (res.get("limits") or {}).get(resource, 0))

    main = sum(one(c) for c in spec.get("containers") or [])
    init = max((one(c) for c in spec.get("initContainers") or []), default=0.0)
    return max(main, init)


def active_pods_by_node(pods: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Pods that still hold their resources (bound, not Succeeded/Failed), by node name."""
    out: dict[str, list[dict[str, Any]]] = {}
    for p in pods:
        node = (p.get("spec") or {}).get("nodeName")
        if node and (p.get("status") or {}).get("phase") not in ("Succeeded", "Failed"):
            out.setdefault(node, []).append(p)
    return out


def node_schedulable(node: dict[str, Any]) -> bool:
    if (node.get("spec") or {}).get("unschedulable"):
        return False
    conds = (node.get("status") or {}).get("conditions") or []
    ready = next((c for c in conds if c.get("type") == "Ready"), None)
    return ready is None or ready.get("status") == "True"


def tolerations_for(taints: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Tolerations that let a pod land despite the NoSchedule/NoExecute taints given."""
    out = []
    for t in taints or []:
        key = t.get("key", "")
        if t.get("effect") not in ("NoSchedule", "NoExecute") or key.startswith(_TRANSIENT_TAINTS):
            continue
        tol = (
            {"key": key, "operator": "Equal", "value": t["value"], "effect": t["effect"]}
            if t.get("value")
            else {"key": key, "operator": "Exists", "effect": t["effect"]}
        )
        if tol not in out:
            out.append(tol)
    return out


def _offers(node: dict[str, Any]) -> list[dict[str, Any]]:
    """Each accelerator resource a node offers, with what its labels say about it."""
    labels = (node.get("metadata") or {}).get("labels") or {}
    alloc = (node.get("status") or {}).get("allocatable") or {}
    out = []
    if quantity(alloc.get(GPU, 0)) > 0:
        product = labels.get("nvidia.com/gpu.product")
        replicas = _int(labels.get("nvidia.com/gpu.replicas")) or 1
        strategy = labels.get("nvidia.com/gpu.sharing-strategy")
        if not strategy or strategy == "none":
            strategy = "time-slicing" if replicas > 1 or (product or "").upper().endswith("-SHARED") else None
        mig_single = (
            re.search(r"-MIG-(.+)$", product or "")
            if labels.get("nvidia.com/mig.strategy") == "single" or "-MIG-" in (product or "")
            else None
        )
        major, minor = labels.get("nvidia.com/gpu.compute.major"), labels.get("nvidia.com/gpu.compute.minor")
        out.append(
            {
                "resource": GPU,
                "vendor": "nvidia",
                "product": product,
                "count": int(quantity(alloc[GPU])),
                "memory_mib": _int(labels.get("nvidia.com/gpu.memory")),
                "cc": f"{major}.{minor}" if major and minor else None,
                "sharing": {
                    "strategy": strategy,
                    "replicas": replicas,
                    "physical_gpus": _int(labels.get("nvidia.com/gpu.count")),
                }
                if strategy
                else None,
                "mig": {"profile": mig_single.group(1).removesuffix("-SHARED"), "strategy": "single"}
                if mig_single
                else None,
                "selector": {"nvidia.com/gpu.product": product} if product else {},
            }
        )
    for res, qty in alloc.items():
        m = _MIG_RESOURCE.match(res)
        if m and quantity(qty) > 0:
            prof = m.group("profile")
            product = labels.get("nvidia.com/gpu.product")
            major, minor = labels.get("nvidia.com/gpu.compute.major"), labels.get("nvidia.com/gpu.compute.minor")
            out.append(
                {
                    "resource": res,
                    "vendor": "nvidia",
                    "product": product,
                    "count": int(quantity(qty)),
                    "memory_mib": _int(labels.get(f"nvidia.com/mig-{prof}.memory")),
                    "cc": f"{major}.{minor}" if major and minor else None,
                    "sharing": None,
                    "mig": {"profile": prof, "strategy": labels.get("nvidia.com/mig.strategy") or "mixed"},
                    "selector": {"nvidia.com/gpu.product": product} if product else {},
                }
            )
    if quantity(alloc.get("amd.com/gpu", 0)) > 0:
        product = labels.get("amd.com/gpu.product-name") or labels.get("beta.amd.com/gpu.product-name")
        vram = labels.get("amd.com/gpu.vram") or labels.get("beta.amd.com/gpu.vram")
        m = re.match(r"(\d+(?:\.\d+)?)\s*G", vram or "")  # the labeller writes GiB as "192G"
        key = "amd.com/gpu.product-name" if labels.get("amd.com/gpu.product-name") else "beta.amd.com/gpu.product-name"
        out.append(
            {
                "resource": "amd.com/gpu",
                "vendor": "amd",
                "product": product,
                "count": int(quantity(alloc["amd.com/gpu"])),
                "memory_mib": int(float(m.group(1)) * 1024) if m else None,
                "cc": None,
                "sharing": None,
                "mig": None,
                "selector": {key: product} if product else {},
            }
        )
    if quantity(alloc.get("habana.ai/gaudi", 0)) > 0:
        # Gaudi feature-discovery label keys are unverified: take any habana.ai product/type label.
        label_key = next(
            (
                k
                for k in sorted(labels)
                if k.startswith("habana.ai/") and any(w in k for w in ("product", "type", "model"))
            ),
            None,
        )
        out.append(
            {
                "resource": "habana.ai/gaudi",
                "vendor": "intel",
                "product": labels.get(label_key) if label_key else None,
                "count": int(quantity(alloc["habana.ai/gaudi"])),
                "memory_mib": None,
                "cc": None,
                "sharing": None,
                "mig": None,
                "selector": {label_key: labels[label_key]} if label_key else {},
            }
        )
    return out


def pools_from_nodes(nodes: list[dict[str, Any]], pods: list[dict[str, Any]] | None, catalog: Catalog) -> list[Pool]:
    """Group GPU nodes into pools. ``pods`` None means not readable: free GPUs stay unknown."""
    by_node = active_pods_by_node(pods) if pods is not None else {}
    groups: dict[tuple[Any, ...], dict[str, Any]] = {}
    for node in nodes:
        name = (node.get("metadata") or {}).get("name", "?")
        taints = (node.get("spec") or {}).get("taints") or []
        for o in _offers(node):
            key = (o["resource"], o["product"], o["memory_mib"], o["count"], str(o["sharing"]), str(o["mig"]))
            g = groups.setdefault(key, {"offer": o, "nodes": [], "free": [], "tolerations": [], "down": 0})
            g["nodes"].append(name)
            for tol in tolerations_for(taints):
                if tol not in g["tolerations"]:
                    g["tolerations"].append(tol)
            if not node_schedulable(node):
                g["down"] += 1
                g["free"].append(0)
            elif pods is not None:
                used = sum(pod_request(p, o["resource"]) for p in by_node.get(name, []))
                g["free"].append(max(0, o["count"] - int(used)))
    pools = [_pool(g, catalog, pods is not None) for g in groups.values()]
    pools.sort(key=capacity_key)
    return pools


def capacity_key(p: Pool) -> tuple[float, str]:
    """Largest first (memory per GPU x GPUs per node): the default pool is the most capable."""
    return (-(p.memory_gib or 0) * (p.gpus_per_node or 0), p.product or "")


def has_accelerators(node: dict[str, Any]) -> bool:
    return bool(_offers(node))


def _pool(g: dict[str, Any], catalog: Catalog, pods_known: bool) -> Pool:
    o = g["offer"]
    acc = catalog.accelerators.find(o["product"]) if o["product"] else None
    if acc is not None and acc.resource_name and acc.resource_name != GPU and o["vendor"] == "nvidia":
        acc = None  # a label that happens to name another vendor's part
    mem = o["memory_mib"] / 1024 if o["memory_mib"] else None
    notes = []
    mig = o["mig"]
    if mig and mem is None:
        frac = mig_fractions(mig["profile"])
        mem = frac[1] * 0.931 if frac else None  # "20gb" is decimal GB
    cc = o["cc"] or (acc.compute_capability if acc else None)
    if acc is not None:
        obj = acc
        if mem is None:
            mem = acc.usable_memory_gib
    elif mem is not None:
        obj = synthesize(o["product"] or f"unlabelled {o['resource']}", round(mem, 2), cc, o["vendor"], o["resource"])
        notes += obj.extra["notes"]
    else:
        obj = None
        notes.append(
            f"{o['resource']} nodes carry no product/memory labels: the accelerator is unknown; "
            f"pass --accelerator to choose it"
        )
    max_tp = None
    if mig:
        max_tp = 1
        if obj is not None and mem is not None and not obj.extra.get("unknown"):
            obj = mig_slice(obj, mig["profile"], round(mem, 2))
        notes.append(
            f"MIG {mig['profile']} ({mig['strategy']} strategy): each slice is one device of "
            f"{mem or 0:.1f} GiB; size the model against the slice; tensor parallelism is forced to 1"
        )
    if o["sharing"]:
        max_tp = 1
        s = o["sharing"]
        notes.append(
            f"shared GPUs ({s['strategy']}, {s['replicas']} replicas per GPU): memory is shared with "
            f"other workloads and two 'GPUs' may be the same device; use TP=1 and leave headroom"
        )
    free = g["free"]
    if g["down"]:
        notes.append(f"{g['down']} node(s) cordoned or NotReady: counted with 0 free GPUs")
    return Pool(
        accelerator=acc.id if acc else None,
        product=o["product"],
        vendor=o["vendor"],
        memory_gib=round(mem, 2) if mem is not None else None,
        gpus_per_node=o["count"],
        nodes=len(g["nodes"]),
        free_gpus=sum(free) if pods_known else None,
        tolerations=g["tolerations"],
        node_selector=o["selector"],
        source="nodes",
        resource_name=o["resource"],
        max_free_gpus_per_node=max(free) if pods_known and free else None,
        compute_capability=cc,
        mig=mig,
        sharing=o["sharing"],
        max_tensor_parallel=max_tp,
        node_names=sorted(g["nodes"]),
        notes=notes,
        accelerator_obj=obj,
        free_gpus_by_node=sorted(free, reverse=True) if pods_known else [],
    )
