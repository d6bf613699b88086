"""Hardware detection: one inventory of local devices and the cluster's accelerator pools.

``detect()`` never fails because a cluster or a GPU is missing: it returns what it could find,
and ``notes`` say what is missing, why, and what to ask for. Pool order: the manual choice
(``--accelerator``) first, then the cluster's pools (nodes, else hardware/accelerator profiles,
else runtime templates), else this machine's GPUs (NVML).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from jupyter_optiserve.catalog import load_catalog
from jupyter_optiserve.errors import ClusterUnreachableError, PermissionDeniedError
from jupyter_optiserve.hardware.cpu import detect_cpu
from jupyter_optiserve.hardware.inventory import Inventory, LocalCPU, LocalGPU, LocalInfo, Pool, Quota
from jupyter_optiserve.hardware.manual import manual_pool
from jupyter_optiserve.hardware.nvml import nvml_pools, read_local_gpus

if TYPE_CHECKING:
    from jupyter_optiserve.catalog import Catalog
    from jupyter_optiserve.kube.client import KubeConnection

__all__ = ["detect", "detect_local", "Inventory", "LocalInfo", "LocalGPU", "LocalCPU", "Pool", "Quota"]


def detect_local(nvml: Any = None, catalog: Catalog | None = None, cpu_root: str = "/") -> LocalInfo:
    catalog = catalog or load_catalog()
    res = read_local_gpus(nvml, catalog)
    return LocalInfo(
        gpus=res.gpus,
        nvml_available=res.available,
        nvml_reason=res.reason,
        driver_version=res.driver_version,
        cuda_version=res.cuda_version,
        cpu=detect_cpu(cpu_root),
    )


def detect(
    kubeconfig: str | None = None,
    context: str | None = None,
    namespace: str | None = None,
    *,
    cluster: bool = True,
    accelerator: str | None = None,
    gpus: int | None = None,
    timeout: float = 5.0,
    nvml: Any = None,
    catalog: Catalog | None = None,
    connection: KubeConnection | None = None,
    cpu_root: str = "/",
) -> Inventory:
    """The inventory. ``connection`` reuses an open ``KubeConnection``; ``nvml`` injects a pynvml."""
    from jupyter_optiserve.kube.client import connect

    catalog = catalog or load_catalog()
    manual_pool(catalog, accelerator, gpus)  # fail fast on a bad --accelerator/--gpus, before any I/O
    local = detect_local(nvml, catalog, cpu_root)
    inv = Inventory(local=local, pools=[], quota=Quota(namespace=namespace, readable=None))
    if not cluster:
        inv.notes.append("cluster: not consulted (--no-cluster): local hardware only")
    else:
        try:
            conn = connection or connect(kubeconfig, context, namespace, timeout)
        except ClusterUnreachableError as exc:  # NoCluster, or an incomplete service-account mount
            inv.notes.append(f"cluster: {exc.message}: local hardware only ({exc.hint})")
            conn = None
        if conn is not None:
            _cluster_into(inv, conn, catalog)
            if connection is None:
                conn.close()
    if not inv.pools and local.gpus:
        inv.pools = nvml_pools(local.gpus, catalog)
        inv.notes.append("pools: none from the cluster, so this machine's GPUs are listed (source nvml)")
    if not local.gpus:
        inv.notes.append(f"local GPUs: none ({local.nvml_reason})")
    chosen = manual_pool(catalog, accelerator, gpus, inv.pools)
    if chosen is not None:
        inv.pools.insert(0, chosen)
    return inv


def _cluster_into(inv: Inventory, conn: KubeConnection, catalog: Catalog) -> None:
    from jupyter_optiserve.hardware.cluster import detect_cluster

    inv.cluster = {**conn.describe(), "reachable": False}
    inv.quota = Quota(namespace=conn.namespace, readable=None)
    try:
        facts = detect_cluster(conn, catalog)
    except ClusterUnreachableError as exc:
        inv.notes.append(f"cluster: {exc.message}: local hardware only ({exc.hint})")
        return
    except PermissionDeniedError as exc:  # e.g. 401, an expired token
        inv.notes.append(f"cluster: {exc.message}: local hardware only ({exc.hint})")
        return
    inv.cluster["reachable"] = True
    if facts.identity is not None:
        inv.cluster["identity"] = facts.identity.to_dict()
    inv.pools, inv.quota, inv.access, inv.grant = facts.pools, facts.quota, facts.access, facts.grant
    inv.notes += facts.notes
