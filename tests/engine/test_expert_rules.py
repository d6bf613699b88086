"""Recommendations an expert would sign: node size, no needless PP, diminishing returns, the quality
floor, typo suggestions, the GPU-count default and rejections that name the real limit."""

import re
from types import SimpleNamespace

import pytest

from jupyter_optiserve.catalog import load_catalog
from jupyter_optiserve.errors import InvalidInputError, NotFoundError
from jupyter_optiserve.recommend import recommend, rules


@pytest.fixture(scope="module")
def cat():
    return load_catalog()


# -- node size ------------------------------------------------------------------------------------
@pytest.mark.parametrize("acc", ["h100", "l40s", "a100-sxm-80gb"])
def test_tp_never_exceeds_one_node(cat, acc):
    r = recommend("llama-3.1-8b-instruct", "latency", accelerator=acc, gpus=16, catalog=cat, limit=100)
    node = cat.accelerators.get(acc).gpus_per_node
    assert r.recommendations and all(x.profile.tp <= node for x in r.recommendations)
    assert any("2 nodes of 8" in n for n in r.notes)


def test_gpus_per_node_flag_caps_tp(cat):
    r = recommend("llama-3.1-8b-instruct", "throughput", accelerator="h100", gpus=8, gpus_per_node=4, catalog=cat)
    assert all(x.profile.tp <= 4 for x in r.recommendations)
    assert r.best.profile.gpus == 8 and r.best.profile.replicas >= 2  # beyond one node: replicas
    pools = recommend("llama-3.1-8b-instruct", "throughput", gpus_per_node=2, catalog=cat)  # detected/default pools too
    assert all(x.profile.tp <= 2 for x in pools.recommendations)
    assert [t.gpus_per_node * t.nodes for t in pools.targets] == [8, 8, 4, 1]  # same GPUs, smaller nodes


def test_catalog_states_node_size_per_accelerator(cat):
    assert cat.accelerators.get("h100").gpus_per_node == 8
    assert cat.accelerators.get("gh200").gpus_per_node == 1
    assert all(a.gpus_per_node >= 1 for a in cat.accelerators)


# -- pipeline parallelism -------------------------------------------------------------------------
def test_no_pp_when_the_model_fits_in_one_node(cat):
    r = recommend("llama-3.1-405b-instruct", "latency", accelerator="h100", gpus=16, catalog=cat, limit=100)
    assert r.recommendations and all(x.profile.pp == 1 for x in r.recommendations)
    assert any("pipeline parallelism is not needed" in x["why"] for x in r.rejected)


def test_pp_across_nodes_when_one_node_cannot_hold_it(cat):
    r = recommend("llama-3.1-405b-instruct", "latency", accelerator="l40s", gpus=16, catalog=cat)
    assert r.best.profile.pp == 2 and r.best.profile.tp == 8


# -- diminishing returns --------------------------------------------------------------------------
def test_more_gpus_must_beat_the_margin(cat):
    r = recommend(
        "llama-3.1-8b-instruct", "latency", accelerator="h100", gpus=8, catalog=cat, limit=100, backend="roofline"
    )
    best = r.best
    assert best.profile.gpus < 8
    faster_bigger = [
        x
        for x in r.recommendations
        if x.profile.gpus > best.profile.gpus
        and x.estimate.perf.request_latency_ms < best.estimate.perf.request_latency_ms
    ]
    assert faster_bigger
    for x in faster_bigger:  # each is faster, but by less than 15% per doubling
        doublings = (x.profile.gpus // best.profile.gpus).bit_length() - 1
        assert best.estimate.perf.request_latency_ms / x.estimate.perf.request_latency_ms < 1.15**doublings
    trade = [s for s in best.reasons if "the GPUs" in s]
    assert trade and re.search(
        r"TP\d+ \w+ would be \d+\.\d ms/token .* faster than TP\d+ \w+ but uses \d+x the GPUs", trade[0]
    )


def test_margin_zero_ranks_by_the_raw_metric(cat):
    r = recommend("qwen3-8b", "latency", accelerator="l40s", gpus=4, catalog=cat, gpu_margin=0)
    lat = [x.estimate.perf.request_latency_ms for x in r.recommendations]
    assert lat == sorted(lat)
    assert r.to_dict()["settings"]["gpu_margin_per_doubling"] == 0


def test_rank_score_is_the_pairwise_rule():
    # twice the GPUs must be 15% better: 1.14x better loses, 1.16x better wins (either sign of score)
    assert rules.rank_score(-100, 1, 0.15) > rules.rank_score(-100 / 1.14, 2, 0.15)
    assert rules.rank_score(-100, 1, 0.15) < rules.rank_score(-100 / 1.16, 2, 0.15)
    assert rules.rank_score(100, 1, 0.15) > rules.rank_score(114, 2, 0.15)
    assert rules.rank_score(100, 1, 0.15) < rules.rank_score(116, 2, 0.15)
    with pytest.raises(InvalidInputError, match="--gpu-margin"):
        rules.check_margin(-1)


def test_curated_wins_at_equal_merit():
    def rec(kv, prov, score):
        p = SimpleNamespace(
            accelerator="h100", precision="fp8", tp=2, pp=1, replicas=1, kv_cache_dtype=kv, provenance=prov
        )
        return SimpleNamespace(profile=p, target=SimpleNamespace(name="8x H100"), score=score)

    twin, cur = rec("fp8", "generated", -100.0), rec("auto", "curated", -102.0)
    assert rules.dedupe([twin, cur]) == [cur]
    far = rec("auto", "curated", -120.0)
    assert rules.dedupe([twin, far]) == [twin]


# -- quality floor ------------------------------------------------------------------------------------
@pytest.mark.parametrize("kpi", ["latency", "throughput", "balanced"])
def test_no_4bit_weights_unless_allowed(cat, kpi):
    r = recommend("llama-3.3-70b-instruct", kpi, accelerator="h100", gpus=8, catalog=cat, limit=100)
    assert r.recommendations and all(x.quality["weight_bits"] >= 8 for x in r.recommendations)
    assert any(x.get("floor") and x["precision"] == "int4" for x in r.rejected)
    assert any("--allow-precision int4" in n for n in r.notes)


def test_allow_precision_and_cost_open_the_floor(cat):
    allowed = recommend(
        "llama-3.1-8b-instruct", "latency", accelerator="h100", gpus=8, catalog=cat, allow_precision="int4", limit=100
    )
    assert any(x.profile.precision == "int4" for x in allowed.recommendations)
    cost = recommend("llama-3.1-8b-instruct", "cost", accelerator="l4", gpus=1, catalog=cat, limit=100)
    assert any(x.profile.precision == "int4" for x in cost.recommendations)
    with pytest.raises(InvalidInputError, match="--allow-precision"):
        recommend("llama-3.1-8b-instruct", "latency", accelerator="h100", gpus=1, catalog=cat, allow_precision="int3")


def test_a_named_quantized_checkpoint_is_the_users_choice(cat):
    r = recommend(
        "RedHatAI/Meta-Llama-3.1-8B-Instruct-quantized.w4a16", "latency", accelerator="h100", gpus=2, catalog=cat
    )
    assert r.best.profile.precision == "int4" and r.best.quality["accuracy_recovery_pct"] == 98.9
    assert not any(x.get("floor") for x in r.rejected)


def test_quality_is_published_with_its_source(cat):
    r = recommend(
        "llama-3.1-8b-instruct", "latency", accelerator="h100", gpus=1, catalog=cat, allow_precision=True, limit=100
    )
    int4 = next(x for x in r.recommendations if x.profile.precision == "int4")
    q = int4.to_dict()["quality"]
    assert q["accuracy_recovery_pct"] == 98.9 and q["accuracy_source"].startswith("https://huggingface.co/RedHatAI/")
    assert q["label"] == "int4 98.9%"
    bf16 = next(x for x in r.recommendations if x.profile.precision == "bf16")
    assert bf16.quality["published"] and bf16.quality["accuracy_recovery_pct"] is None
    fp8 = next(x for x in r.recommendations if x.profile.precision == "fp8")
    assert fp8.quality["label"] == "fp8 n/p"  # no figure found: said, not invented
    if r.best.profile.precision == "int4":
        assert any("98.9%" in s for s in r.best.reasons)


def test_every_recorded_recovery_cites_a_model_card(cat):
    recorded = [v for v in cat.variants if v.accuracy_recovery]
    assert recorded
    for v in recorded:
        assert v.accuracy_recovery["source"].startswith("https://huggingface.co/RedHatAI/")
        assert 0 < v.accuracy_recovery["percent"] <= 110


# -- unknown names ------------------------------------------------------------------------------------
def test_hf_typo_suggests_the_catalog_entry_when_the_hub_is_down(cat, monkeypatch):
    import jupyter_optiserve.catalog.hub as hub

    def down(repo_id, timeout=5.0):
        raise InvalidInputError(f"'{repo_id}' is not in the catalog and the Hugging Face Hub is unreachable (offline)")

    monkeypatch.setattr(hub, "fetch_config", down)
    with pytest.raises(NotFoundError) as e:
        cat.resolve_model("meta-llama/Llama-3.1-8B-Instruc")
    assert e.value.detail["matches"][0] == "meta-llama/Llama-3.1-8B-Instruct"
    assert "unreachable" in e.value.message and e.value.exit_code == 2
    with pytest.raises(NotFoundError, match="closest: llama-3.1-8b-instruct"):
        cat.resolve_model("llama-3.1-8b-instruc")


# -- GPU count default ------------------------------------------------------------------------------
def test_accelerator_without_gpus_is_one_gpu_and_says_so(cat):
    r = recommend("granite-3.1-8b-instruct", "latency", accelerator="l4", catalog=cat)
    assert r.best.profile.gpus == 1
    assert any("sized for 1 GPU" in n for n in r.notes)


def test_accelerator_without_gpus_uses_the_detected_pool(cat):
    acc = cat.accelerators.get("l4")
    pool = SimpleNamespace(
        accelerator="l4",
        accelerator_obj=acc,
        gpus_per_node=4,
        nodes=2,
        free_gpus=6,
        mig=None,
        sharing=None,
        memory_gib=22.0,
        max_free_gpus_per_node=None,
        max_tensor_parallel=None,
        source="nodes",
        product="NVIDIA-L4",
    )
    r = recommend(
        "granite-3.1-8b-instruct", "throughput", accelerator="l4", catalog=cat, inventory=SimpleNamespace(pools=[pool])
    )
    assert r.targets[0].gpus_per_node == 4 and r.targets[0].nodes == 2
    assert all(x.profile.tp <= 4 for x in r.recommendations)
    assert any("detected l4 pool" in n for n in r.notes)


# -- rejection wording --------------------------------------------------------------------------------
def test_rejections_name_the_real_limit_without_negative_amounts(cat):
    r = recommend("llama-3.3-70b-instruct", "latency", accelerator="h100", gpus=8, catalog=cat)
    for x in r.rejected:
        assert not re.search(r"(?<![\w.])-\d", x["why"]), x["why"]
    tp2 = next(x for x in r.rejected if x["name"] == "vllm-h100-80gb-bf16-tp2-kvfp8-latency")
    assert "before any KV cache" in tp2["why"] and "weights 65.7" in tp2["why"] and "fp8 KV" not in tp2["why"]


def test_kv_rejection_does_not_suggest_fp8_kv_twice(cat):
    r = recommend("llama-3.1-8b-instruct", "latency", accelerator="l4", gpus=1, context=131072, catalog=cat)
    by = {x["name"]: x["why"] for x in r.rejected}
    assert "use fp8 KV cache" in by["vllm-l4-bf16-tp1-latency"]
    assert "fp8 KV" not in by["vllm-l4-bf16-tp1-kvfp8-latency"]
    assert "room for 49,360 tokens" in by["vllm-l4-bf16-tp1-kvfp8-latency"]


def test_estimate_names_the_real_limit_too():
    from jupyter_optiserve.service.engine import estimate

    out = estimate(
        {
            "model": "llama-3.3-70b-instruct",
            "accelerator": "h100",
            "gpus": 2,
            "tp": 2,
            "precision": "bf16",
            "max_model_len": 32768,
            "kv_cache_dtype": "fp8",
        }
    )
    assert not out["fits"] and len(out["reasons"]) == 1
    assert "before any KV cache" in out["reasons"][0] and not re.search(r"(?<![\w.])-\d", out["reasons"][0])
