"""Performance model: roofline bound, monotonic curves, TP and precision effects."""

import pytest

from jupyter_optiserve.catalog import load_catalog
from jupyter_optiserve.estimate import estimate
from jupyter_optiserve.estimate.performance import allreduce_s, decode_step_s, roofline_decode_s


@pytest.fixture(scope="module")
def cat():
    return load_catalog()


def est(cat, model="llama-3.1-8b-instruct", acc="h100", **kw):
    kw.setdefault("gpus", kw.get("tp", 1) * kw.get("pp", 1))
    kw.setdefault("tp", 1)
    return estimate(cat.find_model(model), cat.accelerators.get(acc), **kw)


@pytest.mark.parametrize("model,acc,prec,tp", [
    ("llama-3.1-8b-instruct", "h100", "bf16", 1), ("llama-3.1-70b-instruct", "h100", "fp8", 4),
    ("mixtral-8x7b-instruct-v0.1", "a100", "bf16", 2), ("qwen3-8b", "l4", "fp8", 1), ("gpt-oss-120b", "h200", "mxfp4", 1),
])
def test_never_beats_roofline(cat, model, acc, prec, tp):
    e = est(cat, model, acc, precision=prec, tp=tp)
    for batch in (1, 8, 64, 256):
        for ctx in (512, 8192):
            assert decode_step_s(e.shape, batch, ctx) >= roofline_decode_s(e.shape, batch, ctx)


def test_latency_rises_and_throughput_saturates_with_concurrency(cat):
    curve = est(cat, precision="fp8").curve()
    itl = [p["itl_ms"] for p in curve]
    tput = [p["output_tokens_per_s"] for p in curve]
    assert itl == sorted(itl)
    assert tput[1] > tput[0] and tput[-1] >= tput[-2] * 0.95
    assert curve[-1]["ttft_ms"] > curve[0]["ttft_ms"]


def test_allreduce_cost_by_interconnect(cat):
    # estimation.md §7: 70B decode at B=64 (1 MiB message), p=8: ~5 us + alpha on NVLink, ~72 us on PCIe Gen4
    const = est(cat, precision="bf16").shape.const
    msg = 64 * 8192 * 2
    nv = allreduce_s(msg, 8, cat.accelerators.get("h100"), const) - const.allreduce_alpha_us * 1e-6
    pcie = allreduce_s(msg, 8, cat.accelerators.get("l40s"), const) - const.allreduce_alpha_pcie_us * 1e-6
    assert nv * 1e6 == pytest.approx(5.1, abs=0.3) and pcie * 1e6 == pytest.approx(71.7, abs=1)
    assert allreduce_s(msg, 1, cat.accelerators.get("h100"), const) == 0


def test_tensor_parallel_cuts_itl(cat):
    itl = [est(cat, "llama-3.1-70b-instruct", "h100", precision="fp8", tp=tp).itl_ms for tp in (2, 4, 8)]
    assert itl[0] > itl[1] > itl[2] and itl[0] / itl[2] < 4  # sub-linear: all-reduce and fixed costs


def test_fp8_is_faster_than_bf16_on_hopper(cat):
    assert est(cat, precision="fp8").itl_ms < est(cat, precision="bf16").itl_ms


def test_moe_decode_reads_active_experts_at_small_batch(cat):
    mix = est(cat, "mixtral-8x7b-instruct-v0.1", "h100", precision="fp8", tp=2)
    dense = est(cat, "llama-3.1-70b-instruct", "h100", precision="fp8", tp=2)
    assert mix.itl_ms < dense.itl_ms  # 12.9B active vs 70B


def test_concurrency_beyond_capacity_queues(cat):
    e = est(cat, "llama-3.1-8b-instruct", "l4", precision="fp8", concurrency=2000, max_num_seqs=64)
    assert e.perf.saturated and e.perf.queue_ms > 0
    assert any("queue" in w for w in e.warnings)


def test_estimate_contract_keys(cat):
    d = est(cat, precision="bf16").to_dict()
    for k in ("fits", "ttft_ms", "itl_ms", "output_tokens_per_s", "request_latency_ms", "reasons"):
        assert k in d
    for k in ("weights_gib_per_gpu", "kv_cache_gib_per_gpu", "kv_capacity_tokens", "max_concurrency"):
        assert k in d["memory"]
