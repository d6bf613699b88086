"""Estimator constants per engine version (profiles/engine-constants.yaml; docs/estimation.md).

Rows inherit: each names the version it starts at and only what changed since the row before.
"""

from __future__ import annotations

import functools
from typing import Any

from jupyter_optiserve.catalog.paths import bundled_profiles_dir
from jupyter_optiserve.catalog.yamlio import load_yaml, validate
from jupyter_optiserve.errors import InvalidInputError
from jupyter_optiserve.versions import require_version

_FRACTION = {"type": "number", "exclusiveMinimum": 0, "maximum": 1}
_LIMITS = {
    "type": "object",
    "required": ["max_num_batched_tokens", "max_num_seqs"],
    "properties": {
        "max_num_batched_tokens": {"type": "integer", "minimum": 1},
        "max_num_seqs": {"type": "integer", "minimum": 1},
        "min_memory_gib": {"type": "number"},
        "except": {"type": "array"},
    },
}
SCHEMA = {
    "type": "object",
    "additionalProperties": {
        "type": "array",
        "minItems": 1,
        "items": {
            "type": "object",
            "required": ["since"],
            "properties": {
                "since": {"type": "string"},
                "block_size": {"type": "integer", "minimum": 1},
                "gpu_memory_utilization": _FRACTION,
                "engine": {"enum": ["v0", "v1"]},
                "scheduler_defaults": {
                    "type": "object",
                    "required": ["other"],
                    "properties": {"large": _LIMITS, "other": _LIMITS},
                },
                "efficiency": {
                    "type": "object",
                    "properties": {
                        "gemm_bandwidth": _FRACTION,
                        "attention_prefill_flops": _FRACTION,
                        "attention_decode_bandwidth": _FRACTION,
                        "link_bandwidth": _FRACTION,
                        "gemm_flops": {"type": "object", "additionalProperties": _FRACTION},
                    },
                },
                "activation_gib": {"type": "object", "additionalProperties": {"type": "number", "minimum": 0}},
            },
        },
    },
}
_REQUIRED = (
    "block_size",
    "gpu_memory_utilization",
    "activation_gib",
    "scheduler_defaults",
    "efficiency",
    "fixed_costs",
    "chunked_prefill",
)


class EngineConstants:
    """One merged row, its keys as attributes (read in the estimator's inner loops)."""

    # The keys of a row (profiles/engine-constants.yaml), as the estimator reads them.
    since: str
    block_size: int
    gpu_memory_utilization: float
    activation_gib: dict[str, float]
    activation_reference_tokens: int
    non_torch_gib: dict[str, float]
    cuda_graph_gib: float
    min_headroom_gib: float
    chunked_prefill: bool
    prefix_caching: bool
    scheduler_defaults: dict[str, dict[str, Any]]
    fixed_costs: dict[str, float]
    efficiency: dict[str, Any]
    vendor_efficiency: dict[str, float]

    def __init__(self, engine: str, version: str, values: dict[str, Any]):
        self.__dict__.update(values)
        self.engine, self.version, self.values = engine, version, values


def _merge(base: dict[str, Any], change: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in change.items():
        out[k] = (
            _merge(out[k], v)
            if isinstance(v, dict) and isinstance(out.get(k), dict) and k != "scheduler_defaults"
            else v
        )
    return out


@functools.lru_cache(maxsize=1)
def _table() -> dict[str, Any]:
    path = bundled_profiles_dir() / "engine-constants.yaml"
    data = load_yaml(path)
    validate(path, data, SCHEMA)
    merged: dict[str, list[dict[str, Any]]] = {}
    for engine, rows in data.items():
        acc: dict[str, Any] = {}
        out = []
        for row in sorted(rows, key=lambda r: require_version(r["since"])):
            acc = _merge(acc, row)
            missing = [k for k in _REQUIRED if k not in acc]
            if missing:
                raise InvalidInputError(
                    f"{path}: the {engine} row since {row['since']} lacks {', '.join(missing)}",
                    hint="the first row of an engine must set every constant",
                )
            out.append(acc)
        merged[engine] = out
    return merged


@functools.lru_cache(maxsize=256)
def constants_for(engine: str, version: str) -> EngineConstants:
    """The merged constants of the newest row whose ``since`` is <= ``version``."""
    rows = _table().get(engine) or _table()["vllm"]
    want = require_version(version)
    chosen = rows[0]
    for row in rows:
        if require_version(row["since"]) <= want:
            chosen = row
    return EngineConstants(engine, str(version), chosen)
