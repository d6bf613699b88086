"""Map what a failing deployment says (scheduler messages, pull errors, termination messages,
log lines) to a row of docs/deploy.md "Failure modes", a cause in plain words, and the fix."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Diagnosis:
    row: int | None
    cause: str
    fix: str
    evidence: str = ""
    subject: str = ""  # the object or image it concerns ("image quay.io/...", "pod x-predictor-...")
    remedy: dict | None = None  # request fields that apply the fix on a redeploy (e.g. {"max_model_len": 8192})

    def to_dict(self) -> dict:
        return {
            "failure_mode": self.row,
            "cause": self.cause,
            "fix": self.fix,
            "evidence": self.evidence,
            "subject": self.subject,
            "remedy": self.remedy,
        }

    def about(self, subject: str) -> Diagnosis:
        return replace(self, subject=subject) if subject and not self.subject else self


# (regex, row, cause, fix); first match wins, so specific patterns come first.
RULES = [
    (
        r"max seq len \((\d+)\) is larger than the maximum number of tokens that can be stored in KV cache \((\d+)\)",
        1,
        "the context length ({0} tokens) does not fit the KV cache ({1} tokens)",
        "lower --max-model-len to at most {1}, use fp8 KV cache, more GPUs (TP) or a larger GPU",
    ),
    (
        r"No available memory for the cache blocks|less than desired GPU memory utilization",
        2,
        "the weights leave no GPU memory for the KV cache (or another process holds GPU memory)",
        "raise --gpu-memory-utilization, use TP=2 / a quantized variant, or a GPU nobody shares",
    ),
    (
        r"CUDA out of memory|OutOfMemoryError|CUDA error: out of memory",
        2,
        "the GPU ran out of memory while loading or capturing CUDA graphs",
        "use more GPUs (TP), a quantized variant, lower --max-num-seqs or --gpu-memory-utilization, or --enforce-eager",
    ),
    (
        r"must be divisible by tensor parallel size|is not divisible by",
        4,
        "the tensor parallel size does not divide the model's heads or vocabulary",
        "use a valid TP size (`optiserve recommend` offers only valid ones)",
    ),
    (
        r"/dev/shm|shared memory segment|NCCL.*shm",
        5,
        "NCCL could not create shared memory: /dev/shm is too small",
        "mount a memory-backed emptyDir at /dev/shm (OptiServe adds one for TP>1)",
    ),
    (
        r"Bfloat16 is only supported on GPUs with compute capability",
        10,
        "this GPU has no bf16 support",
        "serve with --dtype half (OptiServe sets it for compute capability < 8.0)",
    ),
    (
        r"[Mm]inimum capability|not supported for the current GPU|does not support .*quantization",
        11,
        "the checkpoint's quantization needs kernels this GPU lacks",
        "use a variant this GPU supports, or another GPU",
    ),
    (
        r"PermissionError: .*(\.cache|/\.|HOME)|getpwuid\(\): uid not found",
        12,
        "the image writes to a home directory the random OpenShift UID cannot write",
        "set HOME/HF_HOME/VLLM_CACHE_ROOT to a writable emptyDir (OptiServe does)",
    ),
    (
        r"are not supported for now|Model architectures? .* not supported",
        15,
        "the runtime's vLLM does not know this model architecture",
        "use a newer vLLM runtime Template",
    ),
    (
        r"trust_remote_code|contains custom code",
        9,
        "the model needs its repository code",
        "deploy with --trust-remote-code after a security review",
    ),
    (
        r"GatedRepo|gated repo|401 Client Error|Repository Not Found|Invalid user token|Access to model .* is restricted",
        9,
        "Hugging Face refused the download (gated/private model or no token)",
        "accept the licence on huggingface.co and pass --hf-token-secret",
    ),
    (
        r"AccessDenied|InvalidAccessKeyId|SignatureDoesNotMatch|NoSuchBucket|NoSuchKey|botocore|Could not connect to the endpoint",
        8,
        "the storage initializer could not read the model from S3",
        "check the data connection's keys, endpoint, bucket and folder",
    ),
    (
        r"Multi-Attach error",
        8,
        "a ReadWriteOnce PVC is already attached to another node",
        "use a ReadWriteMany PVC or one replica",
    ),
    (
        r"No space left on device|ephemeral-storage|The node was low on resource",
        8,
        "the model does not fit the pod's disk",
        "use a PVC or a node with more ephemeral storage",
    ),
    (
        r"CUDA driver version is insufficient|Error 803|unsupported display driver",
        14,
        "the node's NVIDIA driver is older than the image's CUDA needs",
        "use a runtime image matching the driver, or update the driver",
    ),
    (
        r"insufficient_scope|unauthorized|authentication required|denied|403 Forbidden",
        14,
        "the registry refused the image pull (no pull secret or entitlement)",
        "add a pull secret for the registry",
    ),
    (
        r"manifest unknown|not found|name unknown",
        14,
        "the image (or modelcar) does not exist under that name",
        "check the image reference (copy modelcars exactly from the catalog)",
    ),
    (
        r"Insufficient (\S+)",
        6,
        "no node has enough free {0}",
        "use fewer GPUs (a quantized variant), free GPUs, or wait for capacity",
    ),
    (
        r"untolerated taint|had taint",
        6,
        "the GPU nodes are tainted and the pod does not tolerate it",
        "add the pool's tolerations (OptiServe copies them)",
    ),
    (
        r"didn't match Pod's node affinity/selector|node\(s\) didn't match",
        6,
        "no node matches the node selector",
        "check the accelerator choice (nodeSelector on nvidia.com/gpu.product)",
    ),
    (
        r"exceeded quota|forbidden: exceeded",
        6,
        "the namespace's ResourceQuota is exhausted",
        "ask the admin to raise the quota",
    ),
    (
        r"Startup probe failed|Liveness probe failed",
        7,
        "a probe killed the container while it was still starting",
        "raise the startupProbe budget (OptiServe sizes it)",
    ),
]


def diagnose(*texts: str) -> Diagnosis | None:
    blob = "\n".join(t for t in texts if t)
    for pattern, row, cause, fix in RULES:
        m = re.search(pattern, blob)
        if m:
            line = next((ln for ln in blob.splitlines() if re.search(pattern, ln)), m.group(0))
            return Diagnosis(
                row,
                cause.format(*m.groups()),
                fix.format(*m.groups()),
                line.strip()[:400],
                remedy=_remedy(pattern, m.groups()),
            )
    return None


def _remedy(pattern: str, groups: tuple) -> dict | None:
    """The concrete change a redeploy can make for the rules that name one."""
    if "KV cache" in pattern and len(groups) == 2:
        fits = int(groups[1]) // 256 * 256  # the cache's token count, on vLLM's block-friendly multiple
        return {"max_model_len": fits} if fits >= 256 else None
    if pattern.startswith("CUDA out of memory"):
        return {"runtime_args": ["--enforce-eager"]}  # no CUDA-graph capture: the fix's cheapest step
    return None


def oomkilled(limit: str | None) -> Diagnosis:
    return Diagnosis(
        None,
        f"the container exceeded its host memory limit ({limit or '?'}) and was OOMKilled",
        "raise the memory request/limit (weights are loaded through host memory)",
        "OOMKilled",
    )
