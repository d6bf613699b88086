"""Hand-checked memory formulas (../shared/docs/estimation.md §1-3)."""

import pytest

from jupyter_optiserve.catalog import load_catalog
from jupyter_optiserve.estimate import estimate
from jupyter_optiserve.estimate.memory import GIB, weight_bytes
from jupyter_optiserve.estimate.precision import parse


@pytest.fixture(scope="module")
def cat():
    return load_catalog()


def test_llama_8b_kv_per_token_is_128_kib(cat):
    m = cat.find_model("llama-3.1-8b-instruct")
    assert m.kv_bytes_per_token(2.0) == 128 * 1024
    assert m.kv_bytes_per_token(1.0) == 64 * 1024  # fp8 KV halves it
    assert m.kv_bytes_per_token(2.0, tp=2) == 64 * 1024  # split over 2 ranks
    assert m.kv_bytes_per_token(2.0, tp=16) == 16 * 1024  # 8 KV heads: replicated past TP 8


def test_70b_and_deepseek_kv(cat):
    assert cat.find_model("llama-3.1-70b-instruct").kv_bytes_per_token(2.0) == 320 * 1024
    ds = cat.find_model("deepseek-v3")
    assert ds.kv_bytes_per_token(2.0) == 70272
    assert ds.kv_bytes_per_token(2.0, tp=8) == 70272  # the MLA latent is not split


def test_sliding_window_caps_kv(cat):
    g = cat.find_model("gemma-3-27b-it")  # 5 of 6 layers slide over 1024 tokens
    full = g.kv_bytes_per_token(2.0)
    at_32k = g.kv_bytes_per_token(2.0, context=32768)
    assert at_32k == pytest.approx(full * (1 / 6 + 5 / 6 * 1024 / 32768))


def test_h100_llama_8b_budget_matches_vllm_log(cat):
    # 79.18 x 0.9 - 14.96 (weights) - 4.8 (activation) - 0.13 (non-torch) = 51.37 GiB; vLLM logged 51.38
    m, acc = cat.find_model("llama-3.1-8b-instruct"), cat.accelerators.get("h100")
    est = estimate(m, acc, gpus=1, tp=1, precision="bf16", engine_version="0.10.1")
    mem = est.memory
    assert mem.weights_gib_per_gpu == pytest.approx(14.96, abs=0.05)
    assert mem.kv_cache_gib_per_gpu == pytest.approx(51.38, abs=0.1)
    assert mem.kv_capacity_tokens == pytest.approx(420_900, rel=0.01)
    assert mem.kv_capacity_tokens % 16 == 0
    assert mem.max_model_len_fit == 131072
    assert est.memory.max_concurrency == pytest.approx(mem.kv_capacity_tokens / 131072)


def test_quantized_weights_keep_embeddings_16bit(cat):
    m = cat.find_model("llama-3.1-8b-instruct")
    w_bf16 = weight_bytes(m, parse("bf16"))
    w_int4 = weight_bytes(m, parse("int4"))
    embed = m.embedding_params * 2
    assert w_int4 == pytest.approx((m.total_params - m.embedding_params) * (0.5 + 2 / 128) + embed)
    assert w_int4 < w_bf16 / 2.5  # 16-bit embeddings (2.1 GB for Llama's 128k vocab) stay


def test_gpt_oss_120b_fits_one_80gb_gpu(cat):
    m = cat.find_model("gpt-oss-120b")
    w = weight_bytes(m, parse("mxfp4")) / GIB
    assert 55 < w < 66  # MXFP4 experts + bf16 rest (card: "fits into a single 80GB GPU")
    est = estimate(m, cat.accelerators.get("h100"), gpus=1, tp=1, precision="mxfp4")
    assert est.fits


def test_max_model_len_solver_on_a10g(cat):
    # Red Hat runs granite-3.1-8b bf16 at --max-model-len 24500 on one A10G at util 0.99
    m, acc = cat.find_model("granite-3.1-8b-instruct"), cat.accelerators.get("a10g")
    # the modelcar catalog's values date from vLLM 0.6 (2048 batched tokens in the profiling run)
    est = estimate(m, acc, gpus=1, tp=1, precision="bf16", gpu_memory_utilization=0.99, engine_version="0.6.3")
    assert 15_000 < est.memory.max_model_len_fit < 40_000
    assert est.memory.max_model_len_fit % 16 == 0
    too_long = estimate(
        m,
        acc,
        gpus=1,
        tp=1,
        precision="bf16",
        max_model_len=131072,
        gpu_memory_utilization=0.99,
        engine_version="0.6.3",
    )
    assert not too_long.fits and "--max-model-len 131072" in too_long.reasons[0]


def test_does_not_fit_names_numbers(cat):
    est = estimate(cat.find_model("llama-3.1-70b-instruct"), cat.accelerators.get("l4"), gpus=1, tp=1, precision="bf16")
    assert not est.fits
    assert "GiB per GPU" in est.reasons[0] and "L4" in est.reasons[0]
