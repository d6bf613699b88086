"""Which tensor/pipeline parallel sizes vLLM accepts for a model (docs/estimation.md, "Parallelism").

1. attention heads % tp == 0                       ("must be divisible by tensor parallel size")
2. kv_heads % tp == 0 or tp % kv_heads == 0         (QKVParallelLinear; KV heads replicate)
3. the vocabulary shards evenly (vLLM pads it to a multiple of 64 per rank, so tp must divide 64)
4. grouped INT4: (intermediate / tp) % group_size == 0 (moe_intermediate_size for MoE)
5. tp <= GPUs on one node; beyond that, pipeline parallel across nodes (layers % pp == 0 not required,
   but pp <= layers)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jupyter_optiserve.catalog.models import Model

TP_SIZES = (1, 2, 4, 8, 16)


def tp_problems(model: Model, tp: int, precision: str = "bf16", group_size: int = 128) -> list[str]:
    """Why vLLM would refuse ``tp`` for this model (empty when valid)."""
    out = []
    if tp < 1 or tp & (tp - 1):
        out.append(f"tensor parallel size {tp} is not a power of two")
        return out
    heads, kv = model.heads, model.kv_heads
    if heads and heads % tp:
        out.append(f"{heads} attention heads are not divisible by tensor parallel size {tp}")
    if kv and model.attention.get("kind") != "mla" and kv % tp and tp % kv:
        out.append(f"{kv} KV heads and tensor parallel size {tp} do not divide each other")
    if model.vocab_size and 64 % tp:
        out.append(f"the padded vocabulary ({model.vocab_size}) cannot shard evenly over {tp} GPUs")
    if precision in ("int4", "w4a16") and tp > 1:
        inter = (model.moe or {}).get("moe_intermediate_size") or model.intermediate_size
        if inter and (inter // tp) % group_size:
            out.append(f"INT4 group size {group_size} does not divide intermediate size {inter}/{tp} = {inter // tp}")
    return out


def valid_tp_sizes(model: Model, max_tp: int, precision: str = "bf16") -> list[int]:
    return [tp for tp in TP_SIZES if tp <= max_tp and not tp_problems(model, tp, precision)]


def pp_problems(model: Model, pp: int) -> list[str]:
    if pp < 1:
        return [f"pipeline parallel size {pp} must be at least 1"]
    if model.layers and pp > model.layers:
        return [f"pipeline parallel size {pp} exceeds the {model.layers} layers"]
    return []
