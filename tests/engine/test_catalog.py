"""Catalog loading, lookups by every name, and broken-file errors."""

import csv
import json
from pathlib import Path

import pytest

from jupyter_optiserve.catalog import Catalog, load_catalog
from jupyter_optiserve.catalog.paths import bundled_profiles_dir
from jupyter_optiserve.errors import CatalogError, NotFoundError

SHARED = Path(__file__).resolve().parents[3] / "shared" / "reference"


@pytest.fixture(scope="module")
def cat():
    return load_catalog()


def test_counts(cat):
    assert len([a for a in cat.accelerators if a.vendor != "cpu"]) >= 25
    assert len([a for a in cat.accelerators if a.vendor == "cpu"]) >= 2
    assert len(cat.models) >= 34
    assert len(cat.variants) >= 155
    assert {"vllm-cuda", "vllm-rocm", "vllm-gaudi", "vllm-cpu", "ovms"} <= set(cat.runtimes)


@pytest.mark.parametrize(
    "name,expected",
    [
        ("NVIDIA H100 80GB HBM3", "h100-sxm-80gb"),  # NVML name
        ("NVIDIA-H100-80GB-HBM3", "h100-sxm-80gb"),  # GFD product label
        ("nvidia-h100-80gb-hbm3-SHARED", "h100-sxm-80gb"),  # time-slicing suffix
        ("NVIDIA-A100-SXM4-40GB-MIG-1g.5gb", "a100-sxm-40gb"),  # MIG single strategy label
        ("10de:2330", "h100-sxm-80gb"),  # PCI id
        ("2330:10de", "h100-sxm-80gb"),  # NIM's gpu_device order
        ("NVIDIA A100-PCIe-40GB", "a100-pcie-40gb"),  # casing differs between sources
        ("Tesla T4", "t4"),
        ("Instinct_MI300X", "mi300x"),
        ("NVIDIA-H200-141GB-HBM3", "h200-sxm-141gb"),  # llm-d-planner's label alias
        ("L40S", "l40s"),
    ],
)
def test_accelerator_lookup(cat, name, expected):
    assert cat.accelerators.find(name).id == expected


def test_unknown_accelerator_lists_closest(cat):
    with pytest.raises(NotFoundError) as err:
        cat.accelerators.get("h1000")
    assert "h100" in err.value.hint


def test_catalog_matches_reference_csv(cat):
    path = SHARED / "accelerators.csv"
    if not path.is_file():
        pytest.skip("../shared/reference is absent")
    for row in csv.DictReader(open(path)):
        acc = cat.accelerators.find(row["accelerator"])
        assert acc is not None, row["accelerator"]
        if row["memory_bw_gbps"]:
            assert acc.memory_bw_gbps == pytest.approx(float(row["memory_bw_gbps"]))
    ids = {r["model_id"] for r in csv.DictReader(open(SHARED / "models.csv"))}
    assert ids <= {m.hf_id for m in cat.models}


def test_model_resolution(cat, tmp_path):
    m, v = cat.resolve_model("meta-llama/Llama-3.1-8B-Instruct")
    assert m.id == "llama-3.1-8b-instruct" and v is None
    m, v = cat.resolve_model("RedHatAI/Meta-Llama-3.1-8B-Instruct-quantized.w4a16")
    assert m.id == "llama-3.1-8b-instruct" and v.scheme == "w4a16" and v.oci_image
    with pytest.raises(NotFoundError) as err:
        cat.resolve_model("lama-3.1-8b")
    assert "llama-3.1-8b-instruct" in err.value.hint


def test_config_json_gqa_and_mla(cat, tmp_path):
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "config.json").write_text(
        json.dumps(
            {
                "architectures": ["LlamaForCausalLM"],
                "num_hidden_layers": 32,
                "hidden_size": 4096,
                "intermediate_size": 14336,
                "num_attention_heads": 32,
                "num_key_value_heads": 8,
                "vocab_size": 128256,
                "max_position_embeddings": 131072,
                "torch_dtype": "bfloat16",
            }
        )
    )
    m, _ = cat.resolve_model(str(tmp_path / "m"))
    assert m.origin == "config.json" and m.kv_bytes_per_token() == 131072
    assert m.total_params == pytest.approx(8.03e9, rel=0.01)
    mla = tmp_path / "mla.json"
    mla.write_text(
        json.dumps(
            {
                "num_hidden_layers": 61,
                "hidden_size": 7168,
                "num_attention_heads": 128,
                "num_key_value_heads": 128,
                "kv_lora_rank": 512,
                "q_lora_rank": 1536,
                "qk_rope_head_dim": 64,
                "qk_nope_head_dim": 128,
                "v_head_dim": 128,
                "intermediate_size": 18432,
                "moe_intermediate_size": 2048,
                "n_routed_experts": 256,
                "num_experts_per_tok": 8,
                "n_shared_experts": 1,
                "first_k_dense_replace": 3,
                "vocab_size": 129280,
            }
        )
    )
    m, _ = cat.resolve_model(str(mla))
    assert m.attention["kind"] == "mla" and m.kv_bytes_per_token() == 70272
    assert 600e9 < m.total_params < 700e9 and 30e9 < m.active_params < 45e9


def test_bad_config_json_is_clear(cat, tmp_path):
    bad = tmp_path / "config.json"
    bad.write_text("{not json")
    with pytest.raises(Exception) as err:
        cat.resolve_model(str(bad))
    assert "not valid JSON" in str(err.value)


def test_broken_catalog_file_names_file_and_field(tmp_path):
    base = bundled_profiles_dir()
    for f in base.glob("*.yaml"):
        (tmp_path / f.name).write_text(f.read_text())
    (tmp_path / "accelerators-extra.yaml").write_text(
        "- id: bad-gpu\n  name: Bad\n  vendor: nvidia\n  usable_memory_gib: -1\n"
        "  memory_bw_gbps: 100\n  tflops: {bf16: 10}\n  resource_name: nvidia.com/gpu\n"
    )
    with pytest.raises(CatalogError) as err:
        Catalog([tmp_path])
    msg = str(err.value)
    assert "accelerators-extra.yaml" in msg and "usable_memory_gib" in msg and "bad-gpu" in msg


def test_curated_profiles_have_stable_ids_and_names(cat):
    assert len(cat.profiles) >= 12
    assert {p.accelerator for p in cat.profiles} >= {"a100-sxm-80gb", "h100-sxm-80gb", "l40s", "l4"}
    p = next(p for p in cat.profiles if p.name == "vllm-h100-80gb-fp8-tp2-latency")
    assert len(p.id) == 64 and p.id == p.with_(note="changed").id and p.id != p.with_(tp=4).id
    assert all(p.provenance == "curated" for p in cat.profiles)


def test_extra_profile_folder(tmp_path, monkeypatch):
    (tmp_path / "curated").mkdir()
    (tmp_path / "curated" / "mine.yaml").write_text(
        "- {model: qwen3-8b, accelerator: l40s, runtime: vllm-cuda, precision: fp8, tp: 1, kpi: latency, max_model_len: 8192}\n"
    )
    cat = load_catalog([tmp_path])
    assert any(p.model == "qwen3-8b" and p.accelerator == "l40s" for p in cat.profiles)
    (tmp_path / "curated" / "mine.yaml").write_text(
        "- {model: nope, accelerator: l40s, runtime: vllm-cuda, precision: fp8, tp: 1}\n"
    )
    with pytest.raises(CatalogError, match="unknown model 'nope'"):
        Catalog([bundled_profiles_dir(), tmp_path])
