"""Local NVIDIA GPUs through NVML (``pynvml`` from nvidia-ml-py).

The module is injectable (``read_local_gpus(nvml=fake)``) so tests run without a GPU. No
library, no driver or any NVML error is never a crash: the result says why there are no GPUs.
Optional queries (MIG, NVLink, processes) that a GPU does not support are simply left empty.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from jupyter_optiserve.hardware.inventory import LocalGPU, Pool

if TYPE_CHECKING:
    from jupyter_optiserve.catalog import Catalog

GIB = 1024**3


@dataclass
class NvmlResult:
    gpus: list[LocalGPU] = field(default_factory=list)
    available: bool = False
    reason: str | None = None
    driver_version: str | None = None
    cuda_version: str | None = None


def _text(value: object) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)


def _why(exc: Exception) -> str:
    kind = type(exc).__name__
    if kind == "NVMLError_LibraryNotFound":
        return "NVML library (libnvidia-ml.so) not found: no NVIDIA driver is visible here"
    if kind == "NVMLError_DriverNotLoaded":
        return "NVIDIA driver not loaded"
    if kind == "NVMLError_NoPermission":
        return "no permission to query the GPUs through NVML"
    return f"NVML error: {exc}"


def pci_id(pci_device_id: int | None) -> str | None:
    """NVML's 32-bit ``pciDeviceId`` (device << 16 | vendor, e.g. 0x233010DE) as ``10de:2330``."""
    if not pci_device_id:
        return None
    return f"{pci_device_id & 0xFFFF:04x}:{(pci_device_id >> 16) & 0xFFFF:04x}"


def read_local_gpus(nvml: Any = None, catalog: Catalog | None = None) -> NvmlResult:
    if nvml is None:
        try:
            import pynvml
        except ImportError:
            return NvmlResult(reason="nvidia-ml-py (pynvml) is not installed")
        nvml = pynvml
    try:
        nvml.nvmlInit()
    except Exception as exc:  # NVMLError subclasses, or OSError from a broken library
        return NvmlResult(reason=_why(exc))
    try:
        out = NvmlResult(available=True)
        out.driver_version = _opt(nvml, lambda: _text(nvml.nvmlSystemGetDriverVersion()))
        cuda = _opt(nvml, nvml.nvmlSystemGetCudaDriverVersion)
        out.cuda_version = f"{cuda // 1000}.{cuda % 1000 // 10}" if cuda else None
        for i in range(nvml.nvmlDeviceGetCount()):
            out.gpus.append(_device(nvml, i, catalog))
        if not out.gpus:
            out.reason = "NVML works but reports no GPU"
        return out
    except nvml.NVMLError as exc:
        return NvmlResult(reason=_why(exc))
    finally:
        _opt(nvml, nvml.nvmlShutdown)


def _opt(nvml: Any, fn: Callable[..., Any], *args: Any, default: Any = None) -> Any:
    """An optional query ``fn(*args)``: unsupported on this GPU/driver means ``default``."""
    try:
        return fn(*args)
    except nvml.NVMLError:
        return default


def _device(nvml: Any, index: int, catalog: Catalog | None) -> LocalGPU:
    h = nvml.nvmlDeviceGetHandleByIndex(index)
    name = _text(nvml.nvmlDeviceGetName(h))
    pci = _opt(nvml, lambda: pci_id(nvml.nvmlDeviceGetPciInfo(h).pciDeviceId))
    mem = nvml.nvmlDeviceGetMemoryInfo(h)
    cc = _opt(nvml, lambda: nvml.nvmlDeviceGetCudaComputeCapability(h))
    gpu = LocalGPU(
        index=index,
        name=name,
        accelerator=None,
        pci_device_id=pci,
        memory_total_gib=mem.total / GIB,
        memory_free_gib=mem.free / GIB,
        memory_used_gib=mem.used / GIB,
        compute_capability=f"{cc[0]}.{cc[1]}" if cc else None,
    )
    acc = catalog.accelerators.find(pci) or catalog.accelerators.find(name) if catalog else None
    gpu.accelerator = acc.id if acc else None
    if acc is None and catalog is not None:
        gpu.notes.append(
            f"'{name}' is not in the accelerator catalog: sized from its reported memory and "
            f"compute capability, performance estimated conservatively"
        )
    mode = _opt(nvml, lambda: nvml.nvmlDeviceGetMigMode(h))
    gpu.mig_enabled = bool(mode) and mode[0] == getattr(nvml, "NVML_DEVICE_MIG_ENABLE", 1)
    if gpu.mig_enabled:
        gpu.mig_instances = _mig_instances(nvml, h)
        gpu.notes.append("MIG is enabled: each instance is its own device, sized by its own memory; TP is 1")
    gpu.nvlink_links_active = _nvlinks(nvml, h)
    gpu.other_processes = _other_processes(nvml, h)
    if gpu.other_processes:
        held = sum(p["memory_gib"] or 0 for p in gpu.other_processes)
        gpu.notes.append(
            f"shared GPU: {len(gpu.other_processes)} other process(es) hold {held:.1f} GiB; "
            f"{gpu.memory_free_gib:.1f} GiB free of {gpu.memory_total_gib:.1f} GiB"
        )
    return gpu


def _mig_instances(nvml: Any, h: Any) -> list[dict[str, Any]]:
    out = []
    for i in range(_opt(nvml, nvml.nvmlDeviceGetMaxMigDeviceCount, h, default=0) or 0):
        mh = _opt(nvml, nvml.nvmlDeviceGetMigDeviceHandleByIndex, h, i)
        if mh is None:
            continue  # empty slot
        name = _text(_opt(nvml, nvml.nvmlDeviceGetName, mh, default="") or "")
        mem = _opt(nvml, nvml.nvmlDeviceGetMemoryInfo, mh)
        m = re.search(r"(\d+g\.\d+gb(?:\+\w+)?)", name)
        out.append(
            {
                "index": i,
                "name": name,
                "profile": m.group(1) if m else None,
                "memory_gib": round(mem.total / GIB, 2) if mem else None,
                "memory_free_gib": round(mem.free / GIB, 2) if mem else None,
            }
        )
    return out


def _nvlinks(nvml: Any, h: Any) -> int:
    active = 0
    for link in range(getattr(nvml, "NVML_NVLINK_MAX_LINKS", 18)):
        try:
            active += 1 if nvml.nvmlDeviceGetNvLinkState(h, link) else 0
        except nvml.NVMLError:
            break  # NotSupported / InvalidArgument: no more links (or no NVLink at all)
    return active


def _other_processes(nvml: Any, h: Any) -> list[dict[str, Any]]:
    procs = {}
    for fn in ("nvmlDeviceGetComputeRunningProcesses", "nvmlDeviceGetGraphicsRunningProcesses"):
        for p in _opt(nvml, getattr(nvml, fn), h, default=[]) or []:
            if p.pid != os.getpid():
                used = getattr(p, "usedGpuMemory", None)  # None when the driver hides it
                procs[p.pid] = {"pid": p.pid, "memory_gib": round(used / GIB, 2) if used else None}
    return list(procs.values())


def nvml_pools(gpus: list[LocalGPU], catalog: Catalog) -> list[Pool]:
    """This machine's GPUs as pools (``source: nvml``): one per GPU type, one per MIG profile."""
    from jupyter_optiserve.hardware.unknown import mig_slice, synthesize

    groups: dict[tuple[str, Any, float], tuple[LocalGPU, dict[str, Any] | None, list[LocalGPU]]] = {}
    for g in gpus:
        if g.mig_enabled:
            for inst in g.mig_instances:
                key = (g.name, inst["profile"], inst["memory_gib"])
                groups.setdefault(key, (g, inst, []))[2].append(g)
        else:
            groups.setdefault((g.name, None, round(g.memory_total_gib, 1)), (g, None, []))[2].append(g)
    pools = []
    for (name, profile, _), (g, mig_slot, members) in groups.items():
        acc = catalog.accelerators.find(g.accelerator) if g.accelerator else None
        obj = acc or synthesize(name, round(g.memory_total_gib, 2), g.compute_capability)
        notes = ["GPUs of this machine (NVML); a cluster deployment may land on other hardware"]
        free = sum(1 for m in members if not m.shared)
        if mig_slot:
            obj = mig_slice(acc or obj, profile or "unknown", mig_slot["memory_gib"])
            notes.append(f"MIG {profile}: sized by the slice's {mig_slot['memory_gib']} GiB; TP forced to 1")
            free = len(members)
        if any(m.shared for m in members):
            notes.append("other processes hold memory on some of these GPUs: size against free memory")
        pools.append(
            Pool(
                accelerator=g.accelerator,
                product=name,
                vendor="nvidia",
                memory_gib=mig_slot["memory_gib"] if mig_slot else min(m.memory_total_gib for m in members),
                gpus_per_node=len(members),
                nodes=1,
                free_gpus=free,
                tolerations=[],
                node_selector={},
                source="nvml",
                resource_name=(f"nvidia.com/mig-{profile}" if mig_slot else "nvidia.com/gpu"),
                max_free_gpus_per_node=free,
                compute_capability=g.compute_capability,
                mig={"profile": profile, "strategy": "local"} if mig_slot else None,
                max_tensor_parallel=1 if mig_slot else None,
                notes=notes,
                accelerator_obj=obj,
            )
        )
    return pools
