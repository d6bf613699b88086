from jupyter_optiserve.catalog import Profile
from jupyter_optiserve.deploy.args import build_args


def _args(catalog, model="llama-3.1-8b-instruct", acc="a100-sxm-80gb", **kw):
    m = catalog.find_model(model)
    a = catalog.accelerators.get(acc)
    rt = catalog.runtime_for(a)
    p = Profile(model=m.id, accelerator=a.id, runtime=rt.id, **{"precision": "bf16", **kw})
    return build_args(p, m, a, rt, engine_version=kw.get("engine_version"))


def test_always_explicit_context_and_parallelism(catalog):
    out = _args(catalog, tp=2, max_model_len=16384, max_num_seqs=64, gpu_memory_utilization=0.85)
    assert out.args[:5] == [
        "--tensor-parallel-size=2",
        "--max-model-len=16384",
        "--max-num-seqs=64",
        "--max-num-batched-tokens=2048",
        "--gpu-memory-utilization=0.85",
    ]
    assert not any(a.startswith("--pipeline-parallel-size") for a in out.args)


def test_pipeline_parallel_on_one_node_and_multinode(catalog):
    assert "--pipeline-parallel-size=2" in _args(catalog, tp=2, pp=2).args
    m, a = catalog.find_model("llama-3.1-8b-instruct"), catalog.accelerators.get("a100-sxm-80gb")
    p = Profile(model=m.id, accelerator=a.id, runtime="vllm-cuda", precision="bf16", tp=4, pp=2)
    multi = build_args(p, m, a, catalog.runtimes["vllm-cuda"], multinode=True).args
    assert not any("parallel-size" in x for x in multi)  # KServe passes them from workerSpec


def test_bf16_on_t4_falls_back_to_half(catalog):
    out = _args(catalog, acc="t4")
    assert "--dtype=half" in out.args and any("lacks bf16" in n for n in out.notes)


def test_fp32_checkpoint_served_in_bf16_on_ampere_and_half_on_turing(catalog):
    assert "--dtype=bfloat16" in _args(catalog, model="granite-3.1-8b-instruct").args
    assert "--dtype=half" in _args(catalog, model="granite-3.1-8b-instruct", acc="t4").args


def test_quantization_only_for_on_the_fly_fp8_and_kv_cache_dtype(catalog):
    out = _args(catalog, acc="h100-sxm-80gb", precision="fp8", kv_cache_dtype="fp8")
    assert "--quantization=fp8" in out.args and "--kv-cache-dtype=fp8" in out.args
    m, a = catalog.find_model("llama-3.1-8b-instruct"), catalog.accelerators.get("h100-sxm-80gb")
    v = next(v for v in catalog.variants_for(m) if v.scheme.startswith("fp8"))
    p = Profile(model=m.id, accelerator=a.id, runtime="vllm-cuda", precision="fp8", variant=v.id)
    assert not any(x.startswith("--quantization") for x in build_args(p, m, a, None, v).args)


def test_prefix_caching_by_engine_version(catalog):
    old = _args(catalog, engine_version="0.6.3").args
    assert "--enable-prefix-caching" in old and "--enable-chunked-prefill" in old
    assert "--enable-prefix-caching" not in _args(catalog, engine_version="v0.10.1.1").args


def test_profile_extra_args_do_not_duplicate(catalog):
    out = _args(catalog, args=("--max-model-len=1", "--enforce-eager"))
    assert out.args.count("--enforce-eager") == 1
    assert sum(a.startswith("--max-model-len") for a in out.args) == 1


def test_token_budget_is_the_one_the_estimate_assumed(catalog):
    # vLLM gives >= 70 GiB GPUs other than A100 8192 tokens per step; the rest 2048 (EngineArgs)
    assert "--max-num-batched-tokens=8192" in _args(catalog, acc="h100").args
    assert "--max-num-batched-tokens=2048" in _args(catalog, acc="l40s").args
    own = _args(catalog, acc="h100", args=("--max-num-batched-tokens=4096",)).args
    assert [a for a in own if a.startswith("--max-num-batched-tokens")] == ["--max-num-batched-tokens=4096"]
    assert not any(a.startswith("--max-num-batched-tokens") for a in _args(catalog, engine_version="0.5.4").args)
