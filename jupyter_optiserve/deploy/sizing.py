"""Pod sizing: CPU/memory for the model, /dev/shm for tensor parallelism, and the start-up budget.

Numbers are estimates with deliberate margins; each function says where its constants come from.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

_BITS = {
    "bf16": 16,
    "fp16": 16,
    "fp32": 16,
    "fp8": 8,
    "fp8-dynamic": 8,
    "fp8-block": 8,
    "int8": 8,
    "w8a8": 8,
    "int4": 4,
    "w4a16": 4,
    "nvfp4": 4,
    "mxfp4": 4,
}
# Model download rates by source (MiB/s), conservative for a shared cluster network.
DOWNLOAD_MIBPS = {"oci": 150, "hf": 80, "s3": 200, "uri": 80, "pvc": 0}
LOAD_GIBPS = 1.0  # safetensors from local disk into GPU memory
IMAGE_GIB = 10.0  # vLLM CUDA images are 8-12 GiB
IMAGE_MIBPS = 150
MIN_PROBE_S = 600  # never less than 10 minutes: graph capture alone can take minutes
PROBE_PERIOD_S = 10


def weights_gib(model, profile, variant=None, estimate=None) -> float:
    """Total weight memory (GiB) across all GPUs of one replica."""
    mem = getattr(estimate, "memory", None)
    if mem is not None and getattr(mem, "weights_gib_per_gpu", None):
        return mem.weights_gib_per_gpu * profile.tp * profile.pp
    bits = variant.weight_bits if variant is not None else _BITS.get(profile.precision, 16)
    return model.total_params * bits / 8 / 2**30


def shm_gib(gpus_per_pod: int) -> int:
    """NCCL needs a real /dev/shm once TP>1 (failure mode #5): 2 GiB per GPU, 2..16 GiB."""
    return 2 if gpus_per_pod <= 1 else min(16, 2 * gpus_per_pod)


@dataclass
class PodResources:
    cpu_request: int
    cpu_limit: int
    memory_request_gib: int
    memory_limit_gib: int
    gpu_resource: str | None
    gpus: int
    shm_gib: int

    def to_k8s(self) -> dict:
        req = {"cpu": str(self.cpu_request), "memory": f"{self.memory_request_gib}Gi"}
        lim = {"cpu": str(self.cpu_limit), "memory": f"{self.memory_limit_gib}Gi"}
        if self.gpu_resource and self.gpus:
            req[self.gpu_resource] = lim[self.gpu_resource] = str(self.gpus)
        return {"requests": req, "limits": lim}


def pod_resources(
    weights_pod_gib: float, gpus_per_pod: int, gpu_resource: str | None, cpu_only: bool = False
) -> PodResources:
    """Host memory holds the weights once while loading (safetensors mmap) plus ~8 GiB for the
    Python process, tokenizer and CUDA context, plus the memory-backed /dev/shm (it counts against
    the limit). The limit adds a third for load spikes. CPU: 2 cores per GPU (tokenization, the
    API server and NCCL threads), at least 4, as the dashboard's 4/8 default for one GPU."""
    shm = shm_gib(gpus_per_pod)
    request = max(16, _ceil_to(weights_pod_gib + 8 + shm, 4))
    if cpu_only:  # KV cache lives in host memory too
        request = max(32, _ceil_to(weights_pod_gib * 1.5 + 16, 4))
    request = min(request, 512)
    limit = _ceil_to(request * 4 / 3, 4)
    cpu = 8 if cpu_only else min(32, max(4, 2 * gpus_per_pod))
    return PodResources(
        cpu, min(64, cpu * 2), request, limit, None if cpu_only else gpu_resource, 0 if cpu_only else gpus_per_pod, shm
    )


def _ceil_to(x: float, step: int) -> int:
    return int(math.ceil(x / step) * step)


@dataclass
class Startup:
    image_pull_s: int
    download_s: int
    load_s: int
    compile_s: int
    probe_failure_threshold: int
    probe_period_s: int = PROBE_PERIOD_S

    @property
    def total_s(self) -> int:
        return self.image_pull_s + self.download_s + self.load_s + self.compile_s

    @property
    def probe_budget_s(self) -> int:
        return self.probe_failure_threshold * self.probe_period_s

    def to_dict(self) -> dict:
        return {
            "image_pull_s": self.image_pull_s,
            "download_s": self.download_s,
            "load_s": self.load_s,
            "compile_s": self.compile_s,
            "total_s": self.total_s,
            "startup_probe_budget_s": self.probe_budget_s,
        }


def startup(weights_total_gib: float, weights_pod_gib: float, storage_kind: str, tp: int) -> Startup:
    """Start-up time (failure mode #7). The storage initializer downloads before the server
    starts, but with modelcars and vLLM-side downloads the fetch overlaps the probe window, so
    the startup probe covers download + load + compile with 50% margin, and at least 10 min."""
    rate = DOWNLOAD_MIBPS.get(storage_kind, 80)
    download = int(weights_total_gib * 1024 / rate) if rate else 0
    load = max(20, int(weights_pod_gib / LOAD_GIBPS))
    compile_s = 90 + 30 * int(math.log2(max(1, tp)))  # torch.compile + CUDA graph capture
    pull = int(IMAGE_GIB * 1024 / IMAGE_MIBPS)
    budget = max(MIN_PROBE_S, int(1.5 * (download + load + compile_s)))
    return Startup(pull, download, load, compile_s, math.ceil(budget / PROBE_PERIOD_S))
