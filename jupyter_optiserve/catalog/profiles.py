"""Profiles: NIM-style serving recipes with a stable content-hash id and a readable name.

A profile names everything needed to start the server: runtime, accelerator, GPU count and
parallelism, precision (or quantized variant), context length, batch limit and engine flags.
``provenance`` says where it came from: ``curated`` (profiles/curated), ``generated`` (the
candidate generator) or ``measured`` (a profile whose figures were benchmarked).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, replace
from typing import Any

SCHEMA = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["model", "accelerator", "runtime", "precision", "tp"],
        "properties": {
            "model": {"type": "string"},
            "accelerator": {"type": "string"},
            "runtime": {"type": "string"},
            "precision": {"type": "string"},
            "tp": {"type": "integer", "enum": [1, 2, 4, 8, 16]},
            "pp": {"type": "integer", "minimum": 1, "maximum": 8},
            "replicas": {"type": "integer", "minimum": 1, "maximum": 64},
            "kpi": {"enum": ["latency", "throughput", "balanced", "cost"]},
            "max_model_len": {"type": "integer", "minimum": 256},
            "max_num_seqs": {"type": "integer", "minimum": 1, "maximum": 4096},
            "kv_cache_dtype": {"enum": ["auto", "fp8"]},
            "gpu_memory_utilization": {"type": "number", "exclusiveMinimum": 0.3, "maximum": 0.99},
            "variant": {"type": "string"},
            "args": {"type": "array", "items": {"type": "string", "pattern": "^--"}},
            "provenance": {"enum": ["curated", "generated", "measured"]},
            "note": {"type": "string"},
        },
        "additionalProperties": False,
    },
}


@dataclass(frozen=True)
class Profile:
    model: str
    accelerator: str
    runtime: str
    precision: str
    tp: int = 1
    pp: int = 1
    replicas: int = 1
    max_model_len: int = 4096
    max_num_seqs: int = 256
    kv_cache_dtype: str = "auto"
    gpu_memory_utilization: float = 0.9
    kpi: str | None = None
    variant: str | None = None
    args: tuple[str, ...] = ()
    provenance: str = "generated"
    engine_version: str | None = None
    accelerator_short: str = field(default="", compare=False)
    framework: str = field(default="vllm", compare=False)
    note: str = field(default="", compare=False)

    @property
    def gpus(self) -> int:
        return self.tp * self.pp * self.replicas

    @property
    def gpus_per_replica(self) -> int:
        return self.tp * self.pp

    def content(self) -> dict[str, Any]:
        """What the id hashes: everything that changes the running server, nothing descriptive."""
        return {
            k: v
            for k, v in asdict(self).items()
            if k not in ("provenance", "accelerator_short", "framework", "note", "kpi")
        }

    @property
    def id(self) -> str:
        blob = json.dumps(self.content(), sort_keys=True, separators=(",", ":"), default=list)
        return hashlib.sha256(blob.encode()).hexdigest()

    @property
    def name(self) -> str:
        parts = [self.framework, self.accelerator_short or self.accelerator, self.precision, f"tp{self.tp}"]
        if self.pp > 1:
            parts.append(f"pp{self.pp}")
        if self.replicas > 1:
            parts.append(f"x{self.replicas}")
        if self.kv_cache_dtype == "fp8":
            parts.append("kvfp8")
        if self.kpi:
            parts.append(self.kpi)
        return "-".join(parts)

    def key(self) -> tuple[str, str, str, str, int, int, str]:
        """Identity of the serving shape, for matching generated candidates to curated recipes."""
        return (self.model, self.accelerator, self.runtime, self.precision, self.tp, self.pp, self.kv_cache_dtype)

    def with_(self, **kw: Any) -> Profile:
        return replace(self, **kw)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "model": self.model,
            "runtime": self.runtime,
            "accelerator": self.accelerator,
            "gpus": self.gpus,
            "tp": self.tp,
            "pp": self.pp,
            "replicas": self.replicas,
            "precision": self.precision,
            "variant": self.variant,
            "kv_cache_dtype": self.kv_cache_dtype,
            "max_model_len": self.max_model_len,
            "max_num_seqs": self.max_num_seqs,
            "gpu_memory_utilization": self.gpu_memory_utilization,
            "kpi": self.kpi,
            "engine_version": self.engine_version,
            "args": list(self.args),
            "provenance": self.provenance,
            "tags": {
                "runtime": self.runtime,
                "accelerator": self.accelerator,
                "precision": self.precision,
                "tp": self.tp,
                "pp": self.pp,
                "gpus": self.gpus,
                "kpi": self.kpi,
                "max_model_len": self.max_model_len,
                "max_num_seqs": self.max_num_seqs,
            },
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Profile:
        kw = {k: v for k, v in d.items() if k in cls.__dataclass_fields__}
        kw["args"] = tuple(kw.get("args") or ())
        return cls(**kw)
