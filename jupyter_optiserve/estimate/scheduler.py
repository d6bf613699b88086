"""A step-level simulation of vLLM's scheduler under the load protocols people benchmark with.

What the engine does each step (vLLM V1, ``vllm/v1/core/sched/scheduler.py``):
  1. every running sequence that is decoding gets one token;
  2. the rest of the step's token budget (``max_num_batched_tokens``) goes to prompt chunks:
     first to running requests whose prompt is partly computed, then to waiting requests, in
     arrival order, while fewer than ``max_num_seqs`` run;
  3. KV cache pages are allocated on demand, for the tokens scheduled in the step only; when a
     running sequence cannot get a page, the most recently admitted request is preempted (its
     pages freed, recomputed later from its prompt plus what it has generated);
  4. with prefix caching on, a prompt's shared prefix computed earlier is not computed again.
Older engines (V0, no chunked prefill) run waiting prompts whole, in prefill-only steps that
stall every decoding sequence.

Load protocols:
  closed loop: C clients send at once; each sends its next request when its last one ends
               (``vllm bench serve --max-concurrency``, GuideLLM concurrent, AIPerf concurrency);
  open loop:   Poisson arrivals at a request rate.

Client-side fixed costs are physical, not fitted: HTTP handling, tokenization (per prompt token)
and the API server <-> engine hop, on the way in and on the way out.

Steps in which nothing changes but the decoders' context (no prompt chunk, nobody admitted) are
jumped over in one go up to the next event, so a run costs about as many steps as requests
times prompt chunks. See docs/estimation.md.
"""

from __future__ import annotations

import heapq
import math
import random
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# One engine step's seconds: (decodes, ctx_sum, prefill_tokens, prefill_work, prefill_seqs) -> seconds
StepFn = Callable[[int, float, int, float, int], float]


@dataclass(frozen=True)
class EngineLimits:
    max_num_seqs: int
    max_num_batched_tokens: int
    kv_capacity_tokens: int
    block_size: int = 16
    chunked_prefill: bool = True
    prefix_caching: bool = False


@dataclass(frozen=True)
class FixedCosts:
    http_s: float = 0.002  # HTTP request parse + response start (OpenAI server, serial)
    tokenize_s_per_token: float = 1e-6
    ipc_s: float = 0.001  # API server <-> engine core, each way


@dataclass(frozen=True)
class Load:
    input_len: int
    output_len: int
    concurrency: int = 1  # closed loop: clients
    rate: float | None = None  # open loop: requests per second (Poisson)
    requests: int = 0  # 0: chosen from the protocol
    prefix_len: int = 0  # tokens every prompt shares (hits only with prefix caching)
    # Lengths vary uniformly in [1-spread, 1+spread] x mean. Real "fixed-length" benchmark runs
    # still differ by a few tokens per request (synthetic text re-tokenized, early EOS), which is
    # what keeps closed-loop clients from staying in lock-step forever (docs/estimation.md).
    spread: float = 0.05
    seed: int = 7

    @property
    def protocol(self) -> str:
        return "open" if self.rate else "closed"


def _pct(sorted_vals: list[float], q: float) -> float:
    if not sorted_vals:
        return 0.0
    i = min(len(sorted_vals) - 1, max(0, int(math.ceil(q * len(sorted_vals))) - 1))
    return sorted_vals[i]


def _stats(vals: list[float]) -> dict[str, Any]:
    s = sorted(vals)
    if not s:
        return {"mean": 0.0, "p50": 0.0, "p90": 0.0, "p99": 0.0}
    return {"mean": sum(s) / len(s), "p50": _pct(s, 0.5), "p90": _pct(s, 0.9), "p99": _pct(s, 0.99)}


@dataclass
class SimResult:
    """Seconds and tokens as a benchmark client would report them."""

    requests: int
    ttft: dict[str, Any]
    itl: dict[str, Any]
    latency: dict[str, Any]
    output_tokens_per_s: float
    requests_per_s: float
    mean_running: float
    mean_queue_s: float
    preemptions: int
    kv_peak_fraction: float
    steps: int
    duration_s: float
    admission_limit: str = ""  # what kept requests waiting: "max_num_seqs", "kv_cache" or ""
    extra: dict[str, Any] = field(default_factory=dict)


def default_requests(load: Load) -> int:
    """Ten requests per client up to the 1000 ``vllm bench serve`` sends by default: the first
    wave's burst then weighs in the mean as it does in a measured run."""
    if load.rate:
        return max(32, min(1000, int(load.rate * 30)))
    return max(4, load.concurrency, min(10 * load.concurrency, 1000))


def _lengths(load: Load, n: int) -> tuple[list[int], list[int]]:
    if not load.spread:
        return [load.input_len] * n, [load.output_len] * n
    rng = random.Random(load.seed)
    lo, hi = 1 - load.spread, 1 + load.spread
    isl = [max(1, round(load.input_len * rng.uniform(lo, hi))) for _ in range(n)]
    osl = [max(1, round(load.output_len * rng.uniform(lo, hi))) for _ in range(n)]
    return isl, osl


MAX_STEPS = 60_000  # a run that thrashes (KV far too small for the load) stops here, reported as such


def simulate(
    step_s: StepFn, limits: EngineLimits, load: Load, fixed: FixedCosts = FixedCosts(), max_steps: int = MAX_STEPS
) -> SimResult:
    """Run the load against one replica; ``step_s(decodes, ctx_sum, prefill_tokens, prefill_work,
    prefill_seqs)`` gives one step's seconds."""
    n = load.requests or default_requests(load)
    isl, osl = _lengths(load, n)
    # The API server handles requests one at a time on its event loop (HTTP parsing and
    # tokenization), so a burst reaches the engine staggered, not in one step.
    front = [fixed.http_s + fixed.tokenize_s_per_token * x for x in isl]
    api_free = 0.0

    def admit_at(i: int, sent: float) -> float:
        nonlocal api_free
        api_free = max(api_free, sent) + front[i]
        return api_free + fixed.ipc_s

    send = [0.0] * n
    arrive = [math.inf] * n
    if load.rate:
        rng = random.Random(load.seed + 1)
        t_send = 0.0
        for i in range(n):
            send[i] = t_send
            arrive[i] = admit_at(i, t_send)
            t_send += rng.expovariate(load.rate)
        issued = n
    else:
        issued = min(load.concurrency, n)
        for i in range(issued):
            arrive[i] = admit_at(i, 0.0)
    pending = [(arrive[i], i) for i in range(issued)]  # issued, not yet at the engine (a heap)
    heapq.heapify(pending)

    M, max_seqs, block = limits.max_num_batched_tokens, limits.max_num_seqs, limits.block_size
    cap = limits.kv_capacity_tokens
    prompt = list(isl)  # tokens to compute before decoding (grows on preemption)
    computed = [0] * n
    generated = [0] * n
    first = [math.inf] * n
    done = [math.inf] * n
    admitted_at = [0.0] * n
    prefix_ready = False

    waiting: deque[int] = deque()
    prefilling: list[int] = []  # running, prompt partly computed (admission order)
    running_order: list[int] = []  # all running, admission order (victims from the end)
    in_decode = [False] * n
    dec_heap: list[tuple[int, int]] = []  # (finish clock, id)
    dec_start = [0] * n  # decode clock when decoding (re)started
    dec_base = [0] * n  # tokens held when decoding (re)started
    dec_gen0 = [0] * n  # tokens generated when decoding (re)started
    n_dec = 0
    s_base = 0  # sum of dec_base over decoders
    s_start = 0  # sum of dec_start over decoders
    clock = 0  # decode steps so far
    t = 0.0
    finished = 0
    steps = 0
    preemptions = 0
    busy_batch_time = 0.0
    kv_peak = 0
    queue_wait = 0.0
    limit_hits = {"max_num_seqs": 0, "kv_cache": 0}

    def held_prefill() -> int:
        return sum(computed[i] for i in prefilling)

    def remove_decoder(i: int) -> None:
        nonlocal n_dec, s_base, s_start
        in_decode[i] = False
        n_dec -= 1
        s_base -= dec_base[i]
        s_start -= dec_start[i]

    def preempt_last() -> bool:
        """Free the most recently admitted running request (recompute later). False if none."""
        nonlocal preemptions
        if not running_order:
            return False
        v = running_order.pop()
        if in_decode[v]:
            generated[v] = dec_gen0[v] + (clock - dec_start[v])
            remove_decoder(v)
        else:
            prefilling.remove(v)
        prompt[v] = isl[v] + generated[v]
        computed[v] = 0
        waiting.appendleft(v)
        preemptions += 1
        return True

    while finished < n and steps < max_steps:
        while pending and pending[0][0] <= t:
            waiting.append(heapq.heappop(pending)[1])
        running = len(running_order)
        if not running and not waiting:
            if not pending:
                break
            t = pending[0][0]
            continue
        ctx_sum = s_base + n_dec * clock - s_start
        used = ctx_sum + held_prefill() + running * block // 2
        # Decodes first: each needs room for one more token; preempt from the back when short.
        preempted = False
        while n_dec and used + n_dec > cap and preempt_last():
            preempted = True
            running = len(running_order)
            ctx_sum = s_base + n_dec * clock - s_start
            used = ctx_sum + held_prefill() + running * block // 2
        budget = M - n_dec if limits.chunked_prefill else 0
        chunks: list[tuple[int, int]] = []
        pre_tokens = 0
        work = 0.0
        if limits.chunked_prefill:
            for i in list(prefilling):
                if budget <= 0:
                    break
                c = min(prompt[i] - computed[i], budget, max(0, cap - used - n_dec))
                if c <= 0:
                    break
                chunks.append((i, c))
                budget -= c
                used += c
            # vLLM admits nobody in a step that had to preempt (the cache is already short).
            while budget > 0 and waiting and not (preempted and running_order):
                if len(running_order) >= max_seqs:
                    limit_hits["max_num_seqs"] += 1
                    break
                i = waiting[0]
                skip = min(load.prefix_len, prompt[i] - 1) if (limits.prefix_caching and prefix_ready) else 0
                c = min(prompt[i] - skip, budget, max(0, cap - used - n_dec - block))
                if c <= 0:
                    limit_hits["kv_cache"] += 1
                    break
                waiting.popleft()
                computed[i] = skip
                admitted_at[i] = t
                queue_wait += t - arrive[i]
                running_order.append(i)
                prefilling.append(i)
                chunks.append((i, c))
                budget -= c
                used += c + skip
        elif waiting and not prefilling:
            # V0: whole prompts in a prefill-only step, decodes stall for it.
            room = M
            while waiting and len(running_order) < max_seqs:
                i = waiting[0]
                if prompt[i] > room or used + prompt[i] + block > cap:
                    break
                waiting.popleft()
                admitted_at[i] = t
                queue_wait += t - arrive[i]
                running_order.append(i)
                prefilling.append(i)
                chunks.append((i, prompt[i]))
                room -= prompt[i]
                used += prompt[i]
        if chunks:
            for i, c in chunks:
                pre_tokens += c
                work += c * (computed[i] + c / 2)
            dec = n_dec if limits.chunked_prefill else 0
            dt = step_s(dec, ctx_sum if dec else 0, pre_tokens, work, len(chunks))
            k = 1 if dec else 0
        elif n_dec:
            # Pure decode: jump to the next finish, arrival or KV shortage in one go.
            k = dec_heap[0][0] - clock if dec_heap else 1
            while dec_heap and not in_decode[dec_heap[0][1]]:
                heapq.heappop(dec_heap)
                k = dec_heap[0][0] - clock if dec_heap else 1
            room_steps = (cap - used) // n_dec if n_dec else k
            k = max(1, min(k, room_steps))
            dt1 = step_s(n_dec, ctx_sum + n_dec * (k - 1) / 2, 0, 0.0, 0)
            if pending and (waiting or len(running_order) < max_seqs):
                k = max(1, min(k, math.ceil((pending[0][0] - t) / dt1)))
            dt = dt1 * k
            dec = n_dec
        else:
            # Everything waiting is blocked and nothing runs: cannot progress (a prompt larger
            # than the whole KV cache); stop and report what finished.
            break
        steps += 1
        t += dt
        busy_batch_time += (n_dec + len(prefilling)) * dt
        kv_peak = max(kv_peak, used + (n_dec * k if chunks == [] else 0))
        clock += k if dec else 0
        # Prompt chunks done: a finished prompt samples its first token at the end of this step.
        for i, c in chunks:
            computed[i] += c
            if computed[i] >= prompt[i]:
                prefilling.remove(i)
                if first[i] == math.inf:
                    first[i] = t
                held = prompt[i]
                if generated[i] == 0:
                    generated[i] = 1
                    held += 1
                in_decode[i] = True
                dec_start[i] = clock
                dec_base[i] = held
                dec_gen0[i] = generated[i]
                n_dec += 1
                s_base += held
                s_start += clock
                remaining = osl[i] - generated[i]
                heapq.heappush(dec_heap, (clock + remaining, i))
                if limits.prefix_caching and load.prefix_len:
                    prefix_ready = True
        # Sequences that produced their last token.
        while dec_heap and dec_heap[0][0] <= clock:
            _, i = heapq.heappop(dec_heap)
            if not in_decode[i] or dec_start[i] + osl[i] - dec_gen0[i] > clock:  # stale entry
                continue
            remove_decoder(i)
            running_order.remove(i)
            done[i] = t
            finished += 1
            if load.rate is None and issued < n:
                j = issued
                issued += 1
                send[j] = t + fixed.ipc_s
                arrive[j] = admit_at(j, send[j])
                heapq.heappush(pending, (arrive[j], j))
    out = fixed.ipc_s
    ids = [i for i in range(n) if done[i] < math.inf]
    ttft = [first[i] + out - send[i] for i in ids]
    itl = [(done[i] - first[i]) / (osl[i] - 1) for i in ids if osl[i] > 1]
    lat = [done[i] + out - send[i] for i in ids]
    end = max((done[i] + out for i in ids), default=0.0)
    start = min((send[i] for i in ids), default=0.0)
    span = max(end - start, 1e-9)
    tokens = sum(osl[i] for i in ids)
    limit = max(limit_hits, key=lambda k: limit_hits[k]) if any(limit_hits.values()) else ""
    return SimResult(
        len(ids),
        _stats(ttft),
        _stats(itl),
        _stats(lat),
        tokens / span,
        len(ids) / span,
        busy_batch_time / max(t, 1e-9),
        queue_wait / max(1, len(ids)),
        preemptions,
        kv_peak / cap if cap else 0.0,
        steps,
        span,
        limit,
    )
