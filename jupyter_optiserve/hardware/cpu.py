"""The local CPU for CPU serving: cores (and the pod's cgroup limit), memory, ISA features.

ISA features pick the catalog's CPU entry: AMX (bf16/int8 matrix units) > AVX-512 > AVX2; Arm64.
``root`` lets tests point at a fake /proc and /sys.
"""

from __future__ import annotations

import os
import platform
from pathlib import Path

from jupyter_optiserve.hardware.inventory import LocalCPU

GIB = 1024**3
# Flags worth reporting (as /proc/cpuinfo spells them); "asimd" is Arm NEON.
ISA_FLAGS = (
    "avx2",
    "avx512f",
    "avx512_bf16",
    "avx512_vnni",
    "avx512_fp16",
    "amx_tile",
    "amx_bf16",
    "amx_int8",
    "asimd",
    "sve",
    "sve2",
)


def parse_cpuinfo(text: str) -> tuple[str | None, set[str]]:
    """(model name, flags) from /proc/cpuinfo (x86 ``flags``, Arm ``Features``)."""
    model: str | None = None
    flags: set[str] = set()
    for line in text.splitlines():
        key, _, value = line.partition(":")
        key = key.strip().lower()
        if key in ("model name", "cpu model", "hardware") and model is None:
            model = value.strip() or None
        elif key in ("flags", "features") and not flags:
            flags = set(value.split())
    return model, flags


def parse_meminfo(text: str) -> tuple[float | None, float | None]:
    """(MemTotal, MemAvailable) in GiB from /proc/meminfo."""
    vals = {}
    for line in text.splitlines():
        key, _, rest = line.partition(":")
        parts = rest.split()
        if parts and parts[0].isdigit():
            vals[key.strip()] = int(parts[0]) * 1024 / GIB  # values are kB
    return vals.get("MemTotal"), vals.get("MemAvailable")


def cgroup_limits(root: Path) -> tuple[float | None, float | None]:
    """(CPU cores, memory GiB) a cgroup (v2, then v1) limits this process to; None when unlimited."""
    cpu = mem = None
    cpu_max = _read(root / "sys/fs/cgroup/cpu.max")
    if cpu_max:
        quota, _, period = cpu_max.partition(" ")
        if quota != "max" and period.strip().isdigit():
            cpu = int(quota) / int(period)
    else:
        v1 = root / "sys/fs/cgroup/cpu"
        quota_v1, period_v1 = _read(v1 / "cpu.cfs_quota_us"), _read(v1 / "cpu.cfs_period_us")
        if quota_v1 and period_v1 and quota_v1.lstrip("-").isdigit() and int(quota_v1) > 0:
            cpu = int(quota_v1) / int(period_v1)
    raw = _read(root / "sys/fs/cgroup/memory.max") or _read(root / "sys/fs/cgroup/memory/memory.limit_in_bytes")
    if raw and raw.isdigit() and int(raw) < 1 << 60:  # v1 writes a huge number for "no limit"
        mem = int(raw) / GIB
    return (round(cpu, 2) if cpu else None), mem


def _read(path: Path) -> str | None:
    try:
        return path.read_text().strip()
    except OSError:
        return None


def cpu_accelerator_id(arch: str, flags: set[str]) -> str | None:
    arch = arch.lower()
    if arch in ("aarch64", "arm64"):
        return "cpu-arm64"
    if arch not in ("x86_64", "amd64"):
        return None
    if {"amx_bf16", "avx512f"} <= flags:
        return "cpu-x86-amx"
    if "avx512f" in flags:
        return "cpu-x86-avx512"
    if "avx2" in flags:
        return "cpu-x86-avx2"
    return None


def detect_cpu(root: str | Path = "/", arch: str | None = None) -> LocalCPU:
    root = Path(root)
    arch = arch or platform.machine()
    model, flags = parse_cpuinfo(_read(root / "proc/cpuinfo") or "")
    total, avail = parse_meminfo(_read(root / "proc/meminfo") or "")
    if total is None:
        try:
            total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / GIB
        except (ValueError, OSError, AttributeError):
            total = None
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    cpu_limit, mem_limit = cgroup_limits(root)
    if arch.lower() in ("aarch64", "arm64") and "asimd" in flags:
        flags = flags | {"neon"}
    isa = [f for f in (*ISA_FLAGS, "neon") if f in flags]
    return LocalCPU(
        arch=arch,
        model=model,
        cores=cores,
        cpu_limit=cpu_limit,
        memory_total_gib=total,
        memory_available_gib=avail,
        memory_limit_gib=mem_limit,
        isa=isa,
        accelerator=cpu_accelerator_id(arch, flags),
    )
