"""Estimator constants per engine version (profiles/engine-constants.yaml)."""

from __future__ import annotations

import functools
import re

from jupyter_optiserve.catalog.paths import bundled_profiles_dir
from jupyter_optiserve.catalog.yamlio import load_yaml, validate
from jupyter_optiserve.errors import InvalidInputError

_NUM = {"type": "number", "minimum": 0}
SCHEMA = {
    "type": "object",
    "additionalProperties": {
        "type": "array",
        "minItems": 1,
        "items": {
            "type": "object",
            "required": ["since", "block_size", "gpu_memory_utilization", "activation_gib", "eta_bw", "eta_flops_prefill"],
            "properties": {"since": {"type": "string"}, "block_size": {"type": "integer", "minimum": 1},
                           "gpu_memory_utilization": {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
                           "eta_bw": {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
                           "eta_flops_prefill": {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
                           "activation_gib": {"type": "object", "additionalProperties": _NUM}},
        },
    },
}


class EngineConstants:
    """One row of the table, its keys as attributes (read in the estimator's inner loops)."""

    def __init__(self, engine: str, version: str, values: dict):
        self.__dict__.update(values)
        self.engine, self.version, self.values = engine, version, values


def version_tuple(v: str) -> tuple:
    nums = re.findall(r"\d+", str(v))
    if not nums:
        raise InvalidInputError(f"--engine-version '{v}' is not a version", hint="use a vLLM version such as 0.21.0")
    return tuple(int(n) for n in nums[:3])


@functools.lru_cache(maxsize=1)
def _table() -> dict:
    path = bundled_profiles_dir() / "engine-constants.yaml"
    data = load_yaml(path)
    validate(path, data, SCHEMA)
    return data


@functools.lru_cache(maxsize=256)
def constants_for(engine: str, version: str) -> EngineConstants:
    """The newest constant set whose ``since`` is <= ``version``."""
    rows = _table().get(engine) or _table()["vllm"]
    want = version_tuple(version)
    chosen = rows[0]
    for row in sorted(rows, key=lambda r: version_tuple(r["since"])):
        if version_tuple(row["since"]) <= want:
            chosen = row
    return EngineConstants(engine, str(version), chosen)
