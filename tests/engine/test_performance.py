"""Performance model: physical bounds, TP and precision effects, the estimate's contract."""

import pytest

from jupyter_optiserve.catalog import load_catalog
from jupyter_optiserve.estimate import estimate


@pytest.fixture(scope="module")
def cat():
    return load_catalog()


def est(cat, model="llama-3.1-8b-instruct", acc="h100", **kw):
    kw.setdefault("gpus", kw.get("tp", 1) * kw.get("pp", 1))
    kw.setdefault("tp", 1)
    kw.setdefault("backend", "roofline")
    return estimate(cat.find_model(model), cat.accelerators.get(acc), **kw)


@pytest.mark.parametrize(
    "model,acc,prec,tp",
    [
        ("llama-3.1-8b-instruct", "h100", "bf16", 1),
        ("llama-3.1-70b-instruct", "h100", "fp8", 4),
        ("mixtral-8x7b-instruct-v0.1", "a100", "bf16", 2),
        ("qwen3-8b", "l4", "fp8", 1),
        ("gpt-oss-120b", "h200", "mxfp4", 1),
    ],
)
def test_never_beats_the_hardware(cat, model, acc, prec, tp):
    """A decode step can never be faster than reading the GPU's share of the weights and KV at
    full bandwidth, nor a prefill step faster than its FLOPs at the datasheet peak."""
    e = est(cat, model, acc, precision=prec, tp=tp)
    s, a, m = e.shape.step, e.shape.acc, e.shape.model
    weights = e.memory.weights_gib_per_gpu * 1024**3
    for batch in (1, 8, 64, 256):
        for ctx in (512, 8192):
            kv = batch * ctx * e.memory.kv_bytes_per_token_per_gpu
            floor = (kv + (weights if not m.moe else 0)) / (a.memory_bw_gbps * 1e9)
            assert s.step_s(batch, batch * ctx, 0, 0.0) >= floor
    tokens = 8192
    flops = 2 * m.active_params * tokens / tp
    peak = max(a.tflops.values()) * 1e12
    assert s.step_s(0, 0, tokens, tokens * tokens / 2, 1) >= flops / peak


def test_tensor_parallel_cuts_itl_sublinearly(cat):
    itl = [est(cat, "llama-3.1-70b-instruct", "h100", precision="fp8", tp=tp).itl_ms for tp in (2, 4, 8)]
    assert itl[0] > itl[1] > itl[2] and itl[0] / itl[2] < 4  # all-reduce and fixed costs


def test_allreduce_costs_more_over_pcie(cat):
    nv = est(cat, "llama-3.1-70b-instruct", "h100", precision="fp8", tp=4)
    pcie = est(cat, "llama-3.1-70b-instruct", "h100-pcie-80gb", precision="fp8", tp=4)
    msg = 64 * 8192 * 2
    assert pcie.shape.backend.allreduce(msg, 4) > 3 * nv.shape.backend.allreduce(msg, 4)  # PCIe Gen5 vs NVLink
    assert nv.shape.backend.allreduce(msg, 1) == 0


def test_fp8_is_faster_than_bf16_on_hopper(cat):
    assert est(cat, precision="fp8").itl_ms < est(cat, precision="bf16").itl_ms
    assert est(cat, precision="fp8", input_len=8000).ttft_ms < est(cat, precision="bf16", input_len=8000).ttft_ms


def test_moe_decode_reads_active_experts_at_small_batch(cat):
    mix = est(cat, "mixtral-8x7b-instruct-v0.1", "h100", precision="fp8", tp=2)
    dense = est(cat, "llama-3.1-70b-instruct", "h100", precision="fp8", tp=2)
    assert mix.itl_ms < dense.itl_ms  # 12.9B active vs 70B


def test_latency_rises_and_throughput_saturates_with_concurrency(cat):
    curve = est(cat, precision="fp8", acc="l4").curve((1, 4, 16, 64, 256))
    itl = [p["itl_ms"] for p in curve]
    tput = [p["output_tokens_per_s"] for p in curve]
    assert itl == sorted(itl)
    assert tput[1] > tput[0] and tput[-1] <= tput[-2] * 1.3
    assert curve[-1]["ttft_ms"] > 5 * curve[0]["ttft_ms"]


def test_concurrency_beyond_max_num_seqs_queues(cat):
    e = est(cat, "llama-3.1-8b-instruct", "l4", precision="fp8", concurrency=300, max_num_seqs=64)
    assert e.perf.saturated and e.perf.admission_limit == "max_num_seqs" and e.perf.queue_ms > 0
    assert any("--max-num-seqs" in w for w in e.warnings)


def test_estimate_contract_keys(cat):
    d = est(cat, precision="bf16").to_dict()
    for k in (
        "fits",
        "ttft_ms",
        "itl_ms",
        "output_tokens_per_s",
        "request_latency_ms",
        "reasons",
        "backend",
        "scheduler",
        "percentiles",
        "load",
    ):
        assert k in d
    for k in ("weights_gib_per_gpu", "kv_cache_gib_per_gpu", "kv_capacity_tokens", "max_concurrency"):
        assert k in d["memory"]
    assert d["backend"]["backend"] == "roofline" and "roofline" in d["backend"]["detail"]
    assert set(d["percentiles"]["ttft_ms_pct"]) == {"mean", "p50", "p90", "p99"}


def test_rejection_names_weights_not_kv_and_no_negative_amounts(cat):
    e = est(cat, "llama-3.1-70b-instruct", "l4", precision="fp8", kv_cache_dtype="fp8")
    assert not e.fits
    text = " ".join(e.reasons)
    assert "weights" in text and "-" not in text.replace("--", "") and "fp8 KV" not in text
