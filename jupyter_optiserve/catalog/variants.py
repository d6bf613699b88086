"""Quantized variants and Red Hat modelcar images of catalog models (model-variants.csv)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

SCHEMA = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["id", "scheme", "weight_bits"],
        "properties": {
            "id": {"type": "string"},
            "base": {"type": "string"},
            "scheme": {
                "enum": ["none", "fp8", "fp8-dynamic", "fp8-block", "w8a8", "w4a16", "nvfp4", "mxfp4", "sparse-2of4"]
            },
            "weight_bits": {"type": "integer", "enum": [4, 8, 16]},
            "oci_image": {"type": "string"},
            # published accuracy of this variant relative to the unquantized model, with its source
            "accuracy_recovery": {
                "type": "object",
                "required": ["percent", "source"],
                "properties": {
                    "percent": {"type": "number", "exclusiveMinimum": 0, "maximum": 110},
                    "benchmark": {"type": "string"},
                    "source": {"type": "string", "pattern": "^https://"},
                },
            },
        },
    },
}


@dataclass(frozen=True)
class Variant:
    id: str
    scheme: str
    weight_bits: int
    activation_bits: int = 16
    base: str | None = None
    oci_image: str | None = None
    group_size: int | None = None
    validated_on: str | None = None
    source: str = ""
    accuracy_recovery: dict[str, Any] | None = None  # {"percent", "benchmark", "source"}; None: not published

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Variant:
        return cls(**{k: v for k, v in d.items() if k in cls.__dataclass_fields__})

    def summary(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "scheme": self.scheme,
            "weight_bits": self.weight_bits,
            "activation_bits": self.activation_bits,
            "oci_image": self.oci_image,
            "validated_on": self.validated_on,
            "accuracy_recovery": self.accuracy_recovery,
        }
