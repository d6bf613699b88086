"""ResourceQuota limits on accelerators (and CPU/memory) in the deployment namespace.

A quota can leave a pod Pending even when nodes have free GPUs (docs/deploy.md, "Failure modes", row 6).
Extended resources are only quota'd as ``requests.<resource>``; ``limits.*`` covers CPU/memory.
"""

from __future__ import annotations

from typing import Any

from jupyter_optiserve.hardware.inventory import Quota
from jupyter_optiserve.hardware.nodes import quantity

GIB = 1024**3
_ACCEL = ("nvidia.com/", "amd.com/gpu", "habana.ai/", "intel.com/")
_CPU_MEM = ("requests.cpu", "limits.cpu", "cpu", "requests.memory", "limits.memory", "memory")


def _relevant(key: str) -> bool:
    base = key.removeprefix("requests.").removeprefix("limits.")
    return base.startswith(_ACCEL) or key in _CPU_MEM


def _number(key: str, raw: object) -> float:
    value = quantity(raw)
    if key.endswith("memory"):
        return round(value / GIB, 2)  # memory in GiB, like the rest of the inventory
    return int(value) if value == int(value) else round(value, 3)


def quota_from_objects(namespace: str, quotas: list[dict[str, Any]]) -> Quota:
    """Tightest remaining amount per key over all quotas (each quota applies independently)."""
    out = Quota(namespace=namespace, readable=True)
    for q in quotas:
        name = (q.get("metadata") or {}).get("name")
        status = q.get("status") or {}
        hard = status.get("hard") or (q.get("spec") or {}).get("hard") or {}
        used = status.get("used") or {}
        for key, raw in hard.items():
            if not _relevant(key):
                continue
            h, u = _number(key, raw), _number(key, used.get(key, 0))
            entry = {"hard": h, "used": u, "remaining": max(0, round(h - u, 3)), "quota": name}
            if key not in out.resources or entry["remaining"] < out.resources[key]["remaining"]:
                out.resources[key] = entry
    for key, e in out.resources.items():
        if e["remaining"] == 0 and not key.endswith(("cpu", "memory")):
            out.notes.append(
                f"quota '{e['quota']}' in {namespace}: {key} is used up ({e['used']}/{e['hard']}): "
                f"a new deployment will not be admitted"
            )
    return out
