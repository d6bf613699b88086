"""Regenerate profiles/{accelerators,models,variants}.yaml from ../shared/reference/*.csv.

The CSVs are sourced reference data (see ../shared/reference/*.md); OptiServe keeps its own
catalog schema, cites the source of every entry, and fills the CSV's documented gaps in
FILL below, each marked with where the number came from. Run from the repository root:

    python tools/import_reference.py [--shared ../shared]
"""

from __future__ import annotations

import argparse
import csv
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]

# csv "accelerator" -> (catalog id, short aliases, relative cost per GPU-hour (H100 = 1.0, indicative
# public on-demand prices, used only to break ties for the cost KPI), usable GiB as torch reports it)
ACCEL_IDS = {
    "H100 SXM5 80GB": ("h100-sxm-80gb", ["h100", "h100-80gb", "h100-sxm", "h100-sxm5"], 1.0, 79.18),
    "H100 PCIe 80GB": ("h100-pcie-80gb", ["h100-pcie"], 0.85, 79.18),
    "H100 NVL 94GB": ("h100-nvl-94gb", ["h100-nvl", "h100l"], 0.95, 93.1),
    "H200 SXM 141GB": ("h200-sxm-141gb", ["h200", "h200-141gb", "h200-sxm", "NVIDIA-H200-141GB-HBM3"], 1.3, 139.8),
    "GH200 (Grace Hopper, GPU part)": ("gh200", ["gh200-480gb", "NVIDIA GH200 144G HBM3e"], 1.3, 94.5),
    "B200": ("b200-180gb", ["b200"], 1.8, 178.4),
    "A100 SXM4 40GB": ("a100-sxm-40gb", ["a100-40gb", "a100-sxm4-40gb"], 0.45, 39.39),
    "A100 SXM4 80GB": ("a100-sxm-80gb", ["a100", "a100-80gb", "a100-sxm4-80gb", "a100-sxm"], 0.55, 79.15),
    "A100 PCIe 40GB": ("a100-pcie-40gb", ["a100-pcie"], 0.42, 39.39),
    "A100 PCIe 80GB": ("a100-pcie-80gb", ["a100-pcie-80"], 0.5, 79.15),
    "A10G": ("a10g", [], 0.3, 22.0),
    "A10": ("a10", [], 0.28, 22.0),
    "L40S": ("l40s", [], 0.45, 44.4),
    "L40": ("l40", ["NVIDIA-L40-40GB"], 0.4, 44.4),
    "L4": ("l4", [], 0.22, 22.0),
    "T4": ("t4", ["tesla-t4"], 0.12, 14.58),
    "V100 SXM2 16GB": ("v100-sxm-16gb", ["v100", "v100-16gb"], 0.3, 15.77),
    "V100 SXM2 32GB": ("v100-sxm-32gb", ["v100-32gb"], 0.35, 31.74),
    "RTX 6000 Ada Generation": ("rtx-6000-ada", ["rtx6000-ada", "rtx-6000-ada-48gb"], 0.35, 47.5),
    "A30": ("a30", [], 0.3, 23.5),
    "AMD Instinct MI300X": ("mi300x", ["instinct-mi300x", "Instinct_MI300X", "amd-mi300x"], 0.9, 191.5),
    "AMD Instinct MI325X": ("mi325x", ["instinct-mi325x", "Instinct_MI325X", "amd-mi325x"], 1.1, 255.5),
    "AMD Instinct MI250X": ("mi250x", ["instinct-mi250x", "Instinct_MI250X", "amd-mi250x"], 0.5, 63.5),
    "Intel Gaudi 2": ("gaudi2", ["hl-225", "gaudi-2", "intel-gaudi2"], 0.4, 94.6),
    "Intel Gaudi 3": ("gaudi3", ["hl-325", "gaudi-3", "intel-gaudi3", "hl-338"], 0.7, 126.5),
}

# Gaps in accelerators.csv, filled from the vendors' public datasheets (marked per entry).
FILL = {
    "h100-nvl-94gb": dict(
        memory_bw_gbps=3900,
        bf16=835,
        fp8=1671,
        int8=1671,
        link=("nvlink-bridge", 300),
        why="NVIDIA H100 NVL product brief (dense = sparse/2); NVLink bridge 600 GB/s bidirectional",
    ),
    "gh200": dict(fp8=1979, int8=1979, link=("nvlink", 450), why="NVIDIA GH200 datasheet, dense; NVLink 4 as H100"),
    "a10g": dict(
        bf16=70,
        int8=140,
        link=("pcie", 32),
        why="AWS G5 (A10G) tensor peak, approximate: no NVIDIA datasheet for this SKU",
    ),
    "a10": dict(link=("pcie", 32), why="PCIe Gen4 x16"),
    "a100-pcie-40gb": dict(link=("pcie", 32), why="PCIe Gen4 x16"),
    "l40": dict(link=("pcie", 32), why="PCIe Gen4 x16"),
    "t4": dict(fp16=65, link=("pcie", 16), why="FP16 tensor figure from the CSV notes; PCIe Gen3 x16"),
    "v100-sxm-16gb": dict(
        fp16=125, link=("nvlink", 150), why="FP16 tensor from the CSV notes; NVLink 2 300 GB/s bidirectional"
    ),
    "v100-sxm-32gb": dict(
        fp16=125, link=("nvlink", 150), why="FP16 tensor from the CSV notes; NVLink 2 300 GB/s bidirectional"
    ),
    "rtx-6000-ada": dict(
        memory_gb=48,
        memory_bw_gbps=960,
        bf16=364,
        fp8=728,
        int8=728,
        cc="8.9",
        link=("pcie", 32),
        why="NVIDIA RTX 6000 Ada datasheet (dense); Ada = CC 8.9",
    ),
    "mi300x": dict(
        fp8=2615,
        int8=2615,
        arch="gfx942",
        link=("xgmi", 448),
        why="AMD MI300X datasheet (dense); XGMI 896 GB/s aggregate peer bandwidth, half per direction",
    ),
    "mi325x": dict(fp8=2615, int8=2615, link=("xgmi", 448), why="AMD MI325X datasheet (dense); XGMI as MI300X"),
    "mi250x": dict(
        memory_gb=64,
        memory_bw_gbps=1638,
        bf16=191.5,
        arch="gfx90a",
        link=("xgmi", 100),
        why="per GCD (the device plugin exposes each of the 2 GCDs as one GPU): half of the OAM's 128 GB, 3.28 TB/s, 383 TFLOPS",
    ),
    "gaudi2": dict(fp8=865, link=("roce", 300), why="Intel Gaudi 2 whitepaper; RoCE 600 GB/s bidirectional"),
    "gaudi3": dict(link=("roce", 600), why="RoCE 1200 GB/s bidirectional"),
}

# GPUs one server usually holds (tensor parallelism stays inside one node). SXM/OAM baseboards
# (HGX, DGX, MI300X/Gaudi platforms) carry 8; PCIe cards are sold in up to 8-GPU servers too
# (e.g. AWS g6e.48xlarge: 8x L40S, g6.48xlarge: 8x L4, g5.48xlarge: 8x A10G). The exceptions:
NODE_GPUS = {
    "gh200": (
        1,
        "one Hopper GPU per Grace Hopper superchip node (multi-superchip systems join nodes over NVLink-C2C/network)",
    ),
    "h100-nvl-94gb": (8, "H100 NVL is bridged in pairs; servers hold up to 8 (4 pairs)"),
    "rtx-6000-ada": (4, "workstation card: typical workstations and 2U servers hold up to 4"),
    "mi250x": (8, "4 OAM modules x 2 GCDs, each GCD one GPU to the device plugin"),
}
NODE_GPUS_DEFAULT = (8, "SXM/OAM baseboards and 8-GPU PCIe servers hold 8")

# Published accuracy recovery of quantized variants: (percent of the unquantized model's score,
# benchmark, model card). Only figures stated on the RedHatAI model card; every other variant
# has none recorded ("not published").
ACCURACY = {
    "RedHatAI/Meta-Llama-3.1-8B-Instruct-quantized.w4a16": (
        98.9,
        "OpenLLM v1 (card also: Arena-Hard 93.0%, OpenLLM v2 96.1%)",
        "https://huggingface.co/RedHatAI/Meta-Llama-3.1-8B-Instruct-quantized.w4a16",
    ),
    "RedHatAI/Meta-Llama-3.1-8B-Instruct-quantized.w8a8": (
        100.3,
        "OpenLLM v1 (card also: Arena-Hard 105.4%, OpenLLM v2 101.5%)",
        "https://huggingface.co/RedHatAI/Meta-Llama-3.1-8B-Instruct-quantized.w8a8",
    ),
    "RedHatAI/Llama-3.3-70B-Instruct-quantized.w8a8": (
        99.4,
        "OpenLLM v1 (card also: HumanEval and HumanEval+ pass@1 100%)",
        "https://huggingface.co/RedHatAI/Llama-3.3-70B-Instruct-quantized.w8a8",
    ),
    "RedHatAI/granite-3.1-8b-instruct-quantized.w4a16": (
        99.3,
        "OpenLLM v1 (card: average 69.81 vs 70.30 unquantized)",
        "https://huggingface.co/RedHatAI/granite-3.1-8b-instruct-quantized.w4a16",
    ),
}

VENDOR = {"NVIDIA": "nvidia", "AMD": "amd", "Intel (Habana)": "intel"}
RESOURCE = {"nvidia": "nvidia.com/gpu", "amd": "amd.com/gpu", "intel": "habana.ai/gaudi"}


def num(s):
    m = re.match(r"\s*([0-9]+(?:\.[0-9]+)?)", s or "")
    if not m:
        return None
    v = float(m.group(1))
    return int(v) if v.is_integer() else v


def link_of(row):
    kind = (row["scaleup_interconnect"] or "").lower()
    bw = num(row["scaleup_bw_gbps"])
    if "nvlink" in kind and "bridge" not in kind:
        return "nvlink", bw
    if "pcie" in kind or "pcie" in (row["scaleup_bw_direction"] or "").lower():
        return "pcie", bw
    return None, bw


def accelerators(shared: Path) -> list[dict]:
    out = []
    for row in csv.DictReader(open(shared / "reference/accelerators.csv")):
        aid, aliases, cost, usable = ACCEL_IDS[row["accelerator"]]
        fill = FILL.get(aid, {})
        vendor = VENDOR[row["vendor"]]
        kind, bw = link_of(row)
        if "link" in fill and (bw is None or kind is None):
            kind, bw = fill["link"]
        bf16 = num(row["bf16_dense_tflops"]) or fill.get("bf16")
        cc = row["compute_capability"] if re.match(r"^\d+\.\d+$", row["compute_capability"] or "") else fill.get("cc")
        names = [row["accelerator"], *aliases]
        nvml = row["nvml_name"] if vendor == "nvidia" else None
        gfd = row["gfd_product_label"] if vendor == "nvidia" else None
        pci = [p.strip() for p in re.findall(r"10de:[0-9a-f]{4}", row["pci_device_id"] or "")]
        if "also 20b1" in (row["pci_device_id"] or ""):
            pci.append("10de:20b1")
        entry = {
            "id": aid,
            "name": row["accelerator"],
            "vendor": vendor,
            "form_factor": row["form_factor"],
            "memory_gb": num(row["memory_gb"]) or fill.get("memory_gb"),
            "usable_memory_gib": usable,
            "memory_bw_gbps": num(row["memory_bw_gbps"]) or fill.get("memory_bw_gbps"),
            "tflops": {
                k: v
                for k, v in {
                    "bf16": bf16,
                    "fp16": fill.get("fp16") or bf16,
                    "fp8": num(row["fp8_dense_tflops"]) or fill.get("fp8"),
                    "int8": num(row["int8_dense_tops"]) or fill.get("int8"),
                }.items()
                if v
            },
            "interconnect": {"kind": kind or "pcie", "bw_gbps_per_direction": bw or 32},
            "compute_capability": cc,
            "arch": fill.get("arch")
            or (row["compute_capability"] if vendor == "amd" and row["compute_capability"] else None),
            "resource_name": RESOURCE[vendor],
            "names": {"nvml": nvml, "gfd_product": gfd, "pci_device_ids": pci, "aliases": names},
            "relative_cost": cost,
            "gpus_per_node": NODE_GPUS.get(aid, NODE_GPUS_DEFAULT)[0],
            "gpus_per_node_note": NODE_GPUS.get(aid, NODE_GPUS_DEFAULT)[1],
            "source": row["source_url"],
        }
        if fill:
            entry["filled"] = fill["why"]
        out.append({k: v for k, v in entry.items() if v is not None})
    return out


MODEL_ID_OVERRIDES = {"TinyLlama/TinyLlama-1.1B-Chat-v1.0": "tinyllama-1.1b-chat"}


def short_id(hf_id: str) -> str:
    if hf_id in MODEL_ID_OVERRIDES:
        return MODEL_ID_OVERRIDES[hf_id]
    return hf_id.split("/")[-1].lower().replace("_", "-")


def dtype_of(s: str) -> str:
    s = (s or "").lower()
    if "mxfp4" in s:
        return "mxfp4"
    if "fp8" in s:
        return "fp8"
    if s.startswith("float32"):
        return "fp32"
    if "float16" in s and "bfloat16" not in s:
        return "fp16"
    return "bf16"


def models(shared: Path) -> list[dict]:
    out = []
    for row in csv.DictReader(open(shared / "reference/models.csv")):
        hf = row["model_id"]
        att = row["attention_kind"] or ""
        sw = row["sliding_window"] or ""
        attention = {"kind": "mla" if att.startswith("MLA") else "hybrid" if att.startswith("hybrid") else "gqa"}
        if attention["kind"] == "mla":
            attention["kv_lora_rank"] = int(re.search(r"kv_lora_rank=(\d+)", att).group(1))
            attention["qk_rope_head_dim"] = int(re.search(r"qk_rope_head_dim=(\d+)", att).group(1))
            attention["qk_nope_head_dim"] = int(re.search(r"qk_nope_head_dim=(\d+)", att).group(1))
            attention["v_head_dim"] = int(re.search(r"v_head_dim=(\d+)", att).group(1))
            # MLA caches no per-head K/V; head_dim is the q/k head size (nope + rope)
            row["head_dim"] = str(attention["qk_nope_head_dim"] + attention["qk_rope_head_dim"])
        if attention["kind"] == "hybrid":
            attention["attention_layers"] = int(re.search(r"(\d+) GQA attention layers", att).group(1))
        m = re.match(r"\s*(\d+) on", sw)
        if m:
            attention["sliding_window"] = int(m.group(1))
            if "5 of every 6" in sw:
                attention["sliding_fraction"] = 5 / 6
            else:
                attention["sliding_fraction"] = 0.5
        elif "chunked" in sw.lower() or "chunked" in att.lower():
            attention["sliding_window"] = 8192
            attention["sliding_fraction"] = 0.75
        entry = {
            "id": short_id(hf),
            "hf_id": hf,
            "family": row["family"].split(" ")[0],
            "architecture": row["architecture"] or None,
            "params_b": num(row["total_params_b"]),
            "active_params_b": num(row["active_params_b"]),
            "layers": num(row["num_hidden_layers"]),
            "hidden_size": num(row["hidden_size"]),
            "intermediate_size": num(row["intermediate_size"]),
            "heads": num(row["num_attention_heads"]),
            "kv_heads": 1 if attention["kind"] == "mla" else num(row["num_key_value_heads"]),
            "head_dim": num(row["head_dim"]),
            "vocab_size": num(row["vocab_size"]),
            "max_context": num(row["max_position_embeddings"]),
            # gemma rows leave it blank, but Gemma ties embeddings (its params only add up tied)
            "tie_word_embeddings": (row["tie_word_embeddings"] or "").lower() == "true"
            or row["family"].startswith("gemma"),
            "dtype": dtype_of(row["torch_dtype"]),
            "attention": attention,
            "license": row["license"] or None,
            "multimodal": row["architecture"].endswith("ForConditionalGeneration"),
            "source": row["source_url"].split(" ; ")[0],
        }
        if num(row["num_experts"]):
            entry["moe"] = {
                "experts": num(row["num_experts"]),
                "shared_experts": 1 if "shared" in row["num_experts"] else 0,
                "experts_per_token": num(row["experts_per_token"]),
                "moe_intermediate_size": num(row["moe_intermediate_size"]),
            }
            if "first 3 dense" in row["intermediate_size"]:
                entry["moe"]["dense_layers"] = 3
        if entry["dtype"] == "fp8":
            entry["weights"] = {"scheme": "fp8-block", "note": "declares bf16, ships FP8 128x128 block weights"}
        if entry["dtype"] == "mxfp4":
            entry["weights"] = {
                "scheme": "mxfp4",
                "quantized_part": "experts",
                "note": "MXFP4 expert weights; attention, router, embeddings and lm_head stay bf16",
            }
            entry["dtype"] = "bf16"
        if hf == "ibm-granite/granite-3.3-8b-instruct":
            # Gap in models.csv: IBM's card says granite-3.3 keeps the granite-3.1 8B dense
            # architecture (GraniteForCausalLM, 128K context); marked unverified.
            entry.update(
                architecture="GraniteForCausalLM",
                layers=40,
                hidden_size=4096,
                intermediate_size=12800,
                heads=32,
                kv_heads=8,
                head_dim=128,
                vocab_size=49159,
                max_context=131072,
                tie_word_embeddings=True,
                verified=False,
                note="dims assumed from the granite-3.1-8b architecture; check config.json",
            )
        out.append({k: v for k, v in entry.items() if v is not None})
    return out


SCHEMES = [
    ("fp8-dynamic", "fp8-dynamic"),
    ("fp8-block", "fp8-block"),
    ("fp8", "fp8"),
    ("w8a8", "w8a8"),
    ("w4a16", "w4a16"),
    ("nvfp4", "nvfp4"),
    ("mxfp4", "mxfp4"),
    ("2:4", "sparse-2of4"),
    ("none", "none"),
]


def variants(shared: Path) -> list[dict]:
    out = []
    for row in csv.DictReader(open(shared / "reference/model-variants.csv")):
        scheme = next(v for k, v in SCHEMES if row["scheme"].startswith(k))
        gs = re.search(r"group[ _-]?size[ =:]*(\d+)", row["quant_details"] or "", re.I)
        entry = {
            "id": row["variant_id"],
            "base": row["base_model_id"] or None,
            "scheme": scheme,
            "weight_bits": num(row["weight_bits"]),
            "activation_bits": num(row["activation_bits"]) or 16,
            "oci_image": row["oci_image"] or None,
            "group_size": int(gs.group(1)) if gs else (128 if scheme == "w4a16" else None),
            "validated_on": row["validated_on"] or None,
            "source": row["source_url"].split(" ; ")[0],
        }
        if row["variant_id"] in ACCURACY:
            pct, bench, url = ACCURACY[row["variant_id"]]
            entry["accuracy_recovery"] = {"percent": pct, "benchmark": bench, "source": url}
        out.append({k: v for k, v in entry.items() if v is not None})
    return out


def dump(path: Path, header: str, items: list[dict]) -> None:
    text = yaml.safe_dump(items, sort_keys=False, allow_unicode=True, width=120)
    path.write_text(header + text)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    shared = Path(ap.parse_args().shared)
    head = "# Generated by tools/import_reference.py from ../shared/reference/{}; edit the tool, not this file.\n"
    dump(ROOT / "profiles/accelerators.yaml", head.format("accelerators.csv"), accelerators(shared))
    dump(ROOT / "profiles/models.yaml", head.format("models.csv"), models(shared))
    dump(ROOT / "profiles/variants.yaml", head.format("model-variants.csv"), variants(shared))


if __name__ == "__main__":
    main()
