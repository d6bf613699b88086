"""Serving runtimes (vLLM per accelerator vendor, OpenVINO Model Server, ...) as data."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SCHEMA = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["id", "name", "framework", "vendors", "precisions", "default_engine_version", "image"],
        "properties": {
            "id": {"type": "string"},
            "framework": {"type": "string"},
            "vendors": {"type": "array", "items": {"type": "string"}, "minItems": 1},
            "precisions": {"type": "array", "items": {"type": "string"}, "minItems": 1},
            "default_engine_version": {"type": "string"},
            "flags": {"type": "object", "additionalProperties": {"type": "string"}},
        },
    },
}


@dataclass(frozen=True)
class Runtime:
    id: str
    name: str
    framework: str
    vendors: tuple[str, ...]
    precisions: tuple[str, ...]
    default_engine_version: str
    image: str
    template: str = ""
    serving_runtime: str = ""
    resource_name: str | None = None
    model_format: str = "vLLM"
    api_protocol: str = "REST"
    kv_cache_dtypes: tuple[str, ...] = ("auto",)
    multi_node: str | None = None
    flags: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Runtime:
        kw = {k: v for k, v in d.items() if k in cls.__dataclass_fields__}
        for k in ("vendors", "precisions", "kv_cache_dtypes"):
            if k in kw:
                kw[k] = tuple(kw[k])
        return cls(**kw)

    def supports(self, vendor: str) -> bool:
        return vendor in self.vendors

    def summary(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "framework": self.framework,
            "vendors": list(self.vendors),
            "precisions": list(self.precisions),
            "engine_version": self.default_engine_version,
            "template": self.template,
            "image": self.image,
            "flags": dict(self.flags),
        }
