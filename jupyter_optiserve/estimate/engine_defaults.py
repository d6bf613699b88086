"""Scheduler limits vLLM picks when the user sets none, per engine version and GPU.

vLLM's ``EngineArgs`` (``get_batch_defaults``/``_set_default_args``) chooses
``max_num_batched_tokens`` and ``max_num_seqs`` from the device's total memory and name: since
0.9, GPUs with at least 70 GiB that are not A100s get 8192 tokens and 1024 sequences for the
OpenAI API server; the rest 2048 and 256 (A100 was excluded because larger budgets cut its
throughput). The table is in profiles/engine-constants.yaml, per version.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jupyter_optiserve.catalog.accelerators import Accelerator
    from jupyter_optiserve.estimate.constants import EngineConstants


@dataclass(frozen=True)
class SchedulerLimits:
    max_num_batched_tokens: int
    max_num_seqs: int
    source: str  # which rule chose them, for the explanation


def scheduler_defaults(const: EngineConstants, acc: Accelerator, max_model_len: int | None = None) -> SchedulerLimits:
    rules = const.scheduler_defaults
    big = rules.get("large")
    name = f"{acc.id} {acc.name}".lower()
    memory = acc.usable_memory_gib
    if big and memory >= big.get("min_memory_gib", 0) and not any(x in name for x in big.get("except", ())):
        chosen, why = big, f">= {big.get('min_memory_gib', 0):g} GiB GPU"
    else:
        chosen, why = rules["other"], "default"
    tokens = chosen["max_num_batched_tokens"]
    if not const.chunked_prefill and max_model_len:
        tokens = max(tokens, max_model_len)  # V0 prefill steps must hold a whole prompt
    return SchedulerLimits(
        tokens,
        chosen["max_num_seqs"],
        f"vLLM {const.since}+ defaults ({why}): --max-num-batched-tokens {tokens}, "
        f"--max-num-seqs {chosen['max_num_seqs']}",
    )
