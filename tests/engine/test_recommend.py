"""KPI orderings, SLO filtering, rejections with reasons."""

import pytest

from jupyter_optiserve.catalog import load_catalog
from jupyter_optiserve.errors import InvalidInputError, NotFoundError
from jupyter_optiserve.recommend import recommend


@pytest.fixture(scope="module")
def cat():
    return load_catalog()


def test_latency_prefers_more_gpus_throughput_fills_the_pool(cat):
    lat = recommend("llama-3.1-8b-instruct", "latency", accelerator="h100", gpus=8, catalog=cat).best
    thr = recommend("llama-3.1-8b-instruct", "throughput", accelerator="h100", gpus=8, catalog=cat).best
    assert lat.profile.tp >= 4 and lat.profile.replicas == 1
    assert thr.profile.gpus == 8 and thr.profile.replicas >= 2
    assert thr.estimate.output_tokens_per_s > lat.estimate.output_tokens_per_s
    assert lat.estimate.perf.request_latency_ms < thr.estimate.perf.request_latency_ms


def test_cost_prefers_fewer_cheaper_gpus_and_quantization(cat):
    best = recommend("llama-3.3-70b-instruct", "cost", catalog=cat).best
    bal = recommend("llama-3.3-70b-instruct", "latency", catalog=cat).best
    assert best.profile.gpus <= bal.profile.gpus
    assert best.profile.precision in ("fp8", "int8", "int4")


def test_kpis_order_by_their_metric(cat):
    """By the KPI's metric, after the documented discount for more GPUs (rules.py)."""
    r = recommend("qwen3-8b", "latency", accelerator="l40s", gpus=4, catalog=cat)
    lat = [x.estimate.perf.request_latency_ms * 1.15 ** (x.profile.gpus.bit_length() - 1) for x in r.recommendations]
    assert lat == sorted(lat)
    r = recommend("qwen3-8b", "throughput", accelerator="l40s", gpus=4, catalog=cat)
    tput = [x.estimate.output_tokens_per_s for x in r.recommendations]
    assert tput == sorted(tput, reverse=True)


def test_slo_gives_cheapest_meeting_targets(cat):
    r = recommend(
        "llama-3.1-8b-instruct", None, accelerator="h100", gpus=8, ttft_ms=500, itl_ms=15, concurrency=32, catalog=cat
    )
    assert r.kpi == "slo" and r.recommendations
    for x in r.recommendations:
        assert x.estimate.ttft_ms <= 500 and x.estimate.itl_ms <= 15
    assert r.best.profile.gpus == min(x.profile.gpus for x in r.recommendations)
    impossible = recommend("llama-3.1-8b-instruct", None, accelerator="l4", gpus=1, itl_ms=1, catalog=cat)
    assert not impossible.recommendations and any("misses" in x["why"] for x in impossible.rejected)


def test_infeasible_model_rejects_with_reasons(cat):
    r = recommend("llama-3.1-405b-instruct", "latency", accelerator="l4", gpus=1, catalog=cat)
    assert r.recommendations == [] and r.notes
    assert all(x["why"] for x in r.rejected)
    assert any("L4" in x["why"] and "GiB" in x["why"] for x in r.rejected)


def test_t4_gets_fp16_never_bf16(cat):
    r = recommend("llama-3.2-3b-instruct", "balanced", accelerator="t4", gpus=1, catalog=cat)
    assert r.best and all(x.profile.precision != "bf16" for x in r.recommendations)
    fp16 = [x for x in r.recommendations if x.profile.precision == "fp16"]
    assert fp16 and any("fp16" in reason for reason in fp16[0].reasons + fp16[0].warnings)


def test_context_flag_sets_max_model_len(cat):
    r = recommend("llama-3.1-8b-instruct", "balanced", accelerator="l4", gpus=1, context=65536, catalog=cat)
    assert r.best.profile.max_model_len >= 65536


def test_curated_profile_is_used(cat):
    r = recommend("llama-3.3-70b-instruct", "latency", accelerator="h100", gpus=4, catalog=cat)
    cur = [x for x in r.recommendations if x.profile.provenance == "curated"]
    assert cur and cur[0].profile.args == ("--enable-prefix-caching",)


def test_default_pools_when_no_hardware(cat):
    r = recommend("granite-3.1-8b-instruct", "balanced", catalog=cat)
    assert {t.acc.id for t in r.targets} == {"h100-sxm-80gb", "a100-sxm-80gb", "l40s", "l4"}
    assert r.notes


def test_contract_shape(cat):
    d = recommend("granite-3.1-8b-instruct", "latency", accelerator="l4", gpus=1, catalog=cat).to_dict()
    rec = d["recommendations"][0]
    for k in (
        "id",
        "name",
        "runtime",
        "accelerator",
        "gpus",
        "tp",
        "pp",
        "replicas",
        "precision",
        "max_model_len",
        "max_num_seqs",
        "args",
    ):
        assert k in rec["profile"]
    assert "concurrency" in rec["estimate"] and rec["reasons"]
    assert all({"name", "why"} <= set(x) for x in d["rejected"])


def test_errors(cat):
    with pytest.raises(InvalidInputError, match="--kpi"):
        recommend("qwen3-8b", "fastest", catalog=cat)
    with pytest.raises(NotFoundError):
        recommend("qwen3-8b", "latency", accelerator="h1000", catalog=cat)
    with pytest.raises(InvalidInputError, match="--concurrency"):
        recommend("qwen3-8b", "latency", concurrency=0, catalog=cat)
