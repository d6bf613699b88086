"""A fluid (average-rate) model of the same scheduler, for screening many candidates fast.

The recommender screens every candidate with this model and refines the best few with the
step-level simulation (``scheduler.py``); ``tests/engine/test_fluid.py`` keeps the two within a
stated tolerance. It solves the closed-loop steady state by fixed-point iteration on the same
step-cost function:

  B       = min(clients, max_num_seqs, KV tokens / (isl + osl/2))   sequences running
  p       = X * isl * t_step  (<= budget - B)                       prompt tokens per step
  t_step  = step(B decodes over isl + osl/2 tokens each, p prompt tokens)
  X       = B / ((osl - 1 + prefill steps) * t_step)                  requests per second
TTFT adds the fixed costs, half a step of waiting for a step boundary, the steps of its own
prefill, an M/D/1 wait behind other prompts for the token budget, queueing for a slot when
clients exceed B, and the first wave's burst averaged over a run of ten requests per client.
"""

from __future__ import annotations

import math
from typing import Any

from jupyter_optiserve.estimate.scheduler import EngineLimits, FixedCosts, Load, SimResult, StepFn


def _flat(x: float) -> dict[str, Any]:
    return {"mean": x, "p50": x, "p90": x, "p99": x}


def steady(step_s: StepFn, limits: EngineLimits, load: Load, fixed: FixedCosts | None = None) -> SimResult:
    isl, osl = load.input_len, max(1, load.output_len)
    budget = limits.max_num_batched_tokens
    slots = limits.kv_capacity_tokens // max(1, isl + osl // 2) if limits.kv_capacity_tokens else 1
    b_max = max(1, min(limits.max_num_seqs, slots))
    fixed = fixed or FixedCosts()
    front = fixed.http_s + fixed.tokenize_s_per_token * isl
    inbound, outbound = front + fixed.ipc_s, fixed.ipc_s
    ctx = isl + osl / 2
    if load.rate:
        offered = load.rate
        n = None
    else:
        n = max(1, load.concurrency)
        offered = None
    b = float(min(n, b_max)) if n else 1.0
    t_step = step_s(int(b), b * ctx, 0, 0.0, 0)
    x = 0.0
    for _ in range(12):
        room = max(1.0, budget - b) if limits.chunked_prefill else float(budget)
        pre_steps = max(1, math.ceil(isl / room))
        if offered is not None:
            x = offered
        else:
            cycle_engine = (osl - 1 + pre_steps) * t_step
            x = b / cycle_engine
            client_cycle = cycle_engine + inbound + outbound
            if n is not None and n <= b_max:
                x = n / client_cycle
        p = min(room, x * isl * t_step)
        if offered is not None:  # Little's law: running = rate x time in the engine
            b = min(float(b_max), max(1.0, x * (osl - 1 + pre_steps) * t_step))
        t_new = step_s(int(round(b)), b * ctx, int(p), p * isl / 2, max(1, round(p / isl)) if p else 0)
        if abs(t_new - t_step) < 1e-7:
            t_step = t_new
            break
        t_step = 0.5 * (t_step + t_new)
    room = max(1.0, budget - b) if limits.chunked_prefill else float(budget)
    pre_steps = max(1, math.ceil(isl / room))
    t_pre = step_s(int(b), b * ctx, int(min(isl, room)), min(isl, room) * isl / 2, 1)
    rho = min(0.95, x * isl * t_step / room)  # share of the step budget prompts use
    wait = rho / (2 * (1 - rho)) * pre_steps * t_pre
    ttft = inbound + t_step / 2 + pre_steps * t_pre + wait + outbound
    queue = 0.0
    if n and n > b_max:
        queue = max(0.0, n / x - (ttft + (osl - 1) * t_step))
    elif offered is not None and x * (osl - 1 + pre_steps) * t_step > b_max:
        queue = float("inf")  # offered load beyond what can run: the queue grows without bound
    if n:  # the first wave arrives at once: its prompts queue for the budget (1 run in 10)
        burst_steps = n * isl / budget
        ttft += 0.1 * 0.5 * (burst_steps * step_s(0, 0, budget, budget * isl / 2, max(1, budget // isl)) + n * front)
    ttft += min(queue, 3600.0)
    latency = ttft + (osl - 1) * t_step
    served = x if not (offered and queue == float("inf")) else b_max / ((osl - 1 + pre_steps) * t_step)
    limit = (
        ""
        if (n or 0) <= b_max and queue != float("inf")
        else ("kv_cache" if slots < limits.max_num_seqs else "max_num_seqs")
    )
    return SimResult(
        0,
        _flat(ttft),
        _flat(t_step),
        _flat(latency),
        served * osl,
        served,
        b,
        min(queue, 3600.0),
        0,
        min(1.0, b * ctx / max(1, limits.kv_capacity_tokens)),
        0,
        0.0,
        limit,
        {"method": "fluid"},
    )
