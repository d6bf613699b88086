"""The scheduler simulation pins the physics of a vLLM V1 server under load."""

import pytest

from jupyter_optiserve.catalog import load_catalog
from jupyter_optiserve.estimate import estimate
from jupyter_optiserve.estimate.constants import constants_for
from jupyter_optiserve.estimate.engine_defaults import scheduler_defaults
from jupyter_optiserve.estimate.scheduler import EngineLimits, FixedCosts, Load, simulate


@pytest.fixture(scope="module")
def cat():
    return load_catalog()


def est(cat, model="llama-3.1-8b-instruct", acc="h100", **kw):
    kw.setdefault("gpus", kw.get("tp", 1))
    kw.setdefault("tp", 1)
    kw.setdefault("backend", "roofline")
    return estimate(cat.find_model(model), cat.accelerators.get(acc), **kw)


def constant_step(decode_s=0.01, per_prefill_token_s=1e-5):
    """A step whose time is known: decode cost plus a cost per prompt token."""
    return lambda decodes, ctx, tokens, work, seqs=0: decode_s + per_prefill_token_s * tokens


def test_ttft_for_a_short_prompt_is_small_and_physical(cat):
    e = est(cat, precision="bf16", input_len=10, output_len=100)
    fixed = FixedCosts()
    assert e.ttft_ms < 30  # a real vLLM server answers a short prompt on an H100 in well under 30 ms
    assert e.ttft_ms > (fixed.http_s + 2 * fixed.ipc_s) * 1e3  # never below the fixed costs


def test_ttft_grows_with_the_prompt(cat):
    ttft = [est(cat, precision="bf16", input_len=n, output_len=100).ttft_ms for n in (10, 500, 8000)]
    assert ttft[0] < ttft[1] < ttft[2] and ttft[2] > 8 * ttft[0]


@pytest.mark.parametrize("tp", [2, 4, 8])
def test_ttft_grows_with_load(cat, tp):
    ttft = [
        est(
            cat, "llama-3.1-70b-instruct", "h100", precision="fp8", tp=tp, input_len=1024, output_len=256, concurrency=c
        ).ttft_ms
        for c in (4, 16, 64)
    ]
    assert ttft[0] < ttft[1] < ttft[2] and ttft[2] > 2 * ttft[0]


def test_fixed_costs_are_added_once_per_request():
    limits = EngineLimits(max_num_seqs=8, max_num_batched_tokens=8192, kv_capacity_tokens=10**6)
    none = simulate(constant_step(), limits, Load(100, 10, 1, spread=0), FixedCosts(0, 0, 0))
    some = simulate(constant_step(), limits, Load(100, 10, 1, spread=0), FixedCosts(0.002, 1e-6, 0.001))
    # in: http + 100 tokens x 1 us + ipc; out: ipc
    assert some.ttft["mean"] - none.ttft["mean"] == pytest.approx(0.002 + 100e-6 + 0.002, rel=0.05)


def test_closed_loop_recovers_known_timing():
    """One client, 10-token answers, 10 ms steps: ITL is 10 ms and the request takes 10 steps."""
    limits = EngineLimits(max_num_seqs=8, max_num_batched_tokens=8192, kv_capacity_tokens=10**6)
    r = simulate(constant_step(0.01, 0.0), limits, Load(100, 10, 1, spread=0), FixedCosts(0, 0, 0))
    assert r.itl["mean"] == pytest.approx(0.01, rel=1e-6)
    assert r.ttft["mean"] == pytest.approx(0.01, rel=1e-6)
    assert r.latency["mean"] == pytest.approx(0.10, rel=1e-6)


def test_chunked_prefill_splits_long_prompts_by_the_token_budget():
    limits = EngineLimits(max_num_seqs=8, max_num_batched_tokens=1000, kv_capacity_tokens=10**6)
    r = simulate(constant_step(0.01, 0.0), limits, Load(4500, 2, 1, spread=0), FixedCosts(0, 0, 0))
    assert r.ttft["mean"] == pytest.approx(5 * 0.01, rel=1e-6)  # 4500 tokens in 1000-token chunks


def test_paged_kv_admits_more_than_full_length_reservation():
    """KV is allocated on demand: with room for 10 full-length requests, more than 10 run at once."""
    isl, osl = 200, 800
    limits = EngineLimits(max_num_seqs=256, max_num_batched_tokens=8192, kv_capacity_tokens=10 * (isl + osl))
    r = simulate(constant_step(), limits, Load(isl, osl, 40, spread=0), FixedCosts(0, 0, 0))
    assert r.mean_running > 10


def test_preemption_when_the_kv_cache_runs_out():
    limits = EngineLimits(max_num_seqs=256, max_num_batched_tokens=8192, kv_capacity_tokens=5000)
    r = simulate(constant_step(), limits, Load(200, 400, 32, spread=0), FixedCosts(0, 0, 0))
    assert r.preemptions > 0 and r.requests == 320  # every request still finishes (ten per client)


def test_itl_keeps_growing_past_kv_capacity(cat):
    """Reserving prompt + answer up front would cap the batch at `slots`; paged on demand, a
    sequence holds prompt + half its answer on average, so more run and each step slows."""
    e = est(cat, "llama-3.1-8b-instruct", "l4", precision="fp8", input_len=256, output_len=2048)
    slots = e.memory.kv_capacity_tokens // (256 + 2048)
    runs = [e.at(c) for c in (slots, int(slots * 1.6))]
    assert runs[1].batch > slots and runs[0].itl_ms < runs[1].itl_ms


def test_max_num_seqs_caps_what_runs():
    limits = EngineLimits(max_num_seqs=4, max_num_batched_tokens=8192, kv_capacity_tokens=10**6)
    r = simulate(constant_step(), limits, Load(100, 50, 16, spread=0), FixedCosts(0, 0, 0))
    assert r.mean_running <= 4.01 and r.admission_limit == "max_num_seqs"


def test_prefix_caching_skips_the_shared_prefix():
    limits = EngineLimits(256, 2048, 10**6, prefix_caching=True)
    off = EngineLimits(256, 2048, 10**6, prefix_caching=False)
    load = Load(4000, 10, 2, requests=20, prefix_len=3500, spread=0)  # the first wave computes it once
    assert simulate(constant_step(), limits, load).ttft["mean"] < simulate(constant_step(), off, load).ttft["mean"] / 2


def test_open_loop_below_saturation_serves_the_offered_rate(cat):
    e = est(cat, precision="fp8", input_len=512, output_len=128)
    light, heavy = e.at(rate=1.0), e.at(rate=40.0)
    assert light.requests_per_s == pytest.approx(1.0, rel=0.3)
    assert heavy.ttft_ms > light.ttft_ms and heavy.protocol == "open"


def test_v0_engine_stalls_decodes_for_prefills(cat):
    v0 = est(cat, precision="bf16", engine_version="0.5.4")
    v1 = est(cat, precision="bf16", engine_version="0.12.0")
    assert v0.scheduler["chunked_prefill"] is False and v1.scheduler["chunked_prefill"] is True
    for chunked, decodes_beside_prompts in ((False, False), (True, True)):
        seen = []

        def step(decodes, ctx, tokens, work, seqs=0, seen=seen):
            if tokens:
                seen.append(decodes)
            return 0.01

        limits = EngineLimits(64, 4096, 10**6, chunked_prefill=chunked)
        simulate(step, limits, Load(1000, 50, 8, requests=40), FixedCosts(0, 0, 0))
        assert any(seen) is decodes_beside_prompts


@pytest.mark.parametrize(
    "acc,version,tokens,seqs",
    [
        ("h100", "0.21.0", 8192, 1024),
        ("h200", "0.12.0", 8192, 1024),
        ("mi300x", "0.10.2", 8192, 1024),
        ("a100-sxm-80gb", "0.21.0", 2048, 256),
        ("l40s", "0.21.0", 2048, 256),
        ("l4", "0.12.0", 2048, 256),
        ("h100", "0.8.3", 2048, 256),
    ],
)
def test_engine_defaults_per_gpu_and_version(cat, acc, version, tokens, seqs):
    d = scheduler_defaults(constants_for("vllm", version), cat.accelerators.get(acc))
    assert (d.max_num_batched_tokens, d.max_num_seqs) == (tokens, seqs)


def test_v0_prefill_budget_holds_a_whole_prompt(cat):
    d = scheduler_defaults(constants_for("vllm", "0.5.4"), cat.accelerators.get("h100"), max_model_len=32768)
    assert d.max_num_batched_tokens == 32768


def test_estimate_reports_the_defaults_it_assumed(cat):
    e = est(cat, acc="a100-sxm-80gb", precision="bf16")
    assert e.scheduler["max_num_batched_tokens"] == 2048 and "defaults" in e.scheduler["source"]
    pinned = est(cat, acc="a100-sxm-80gb", precision="bf16", max_num_batched_tokens=8192, max_num_seqs=64)
    assert pinned.scheduler["max_num_batched_tokens"] == 8192 and pinned.scheduler["source"] == "set"
