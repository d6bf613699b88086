"""The measured-kernel backend over AIConfigurator's vLLM tables (optional extra ``measured``).

Bounds are physical: no kernel beats the H200 datasheet (989 TFLOPS bf16 dense, 1979 fp8,
4.8 TB/s HBM). Orderings are checked where the measurements are monotone; the raw tables carry
a few per-cent of timing noise at small shapes, hence the tolerance there.
"""

import subprocess
import sys
from dataclasses import dataclass, field

import pytest

from jupyter_optiserve.catalog import load_catalog
from jupyter_optiserve.estimate.kernels import aic
from jupyter_optiserve.estimate.kernels.base import KernelBackend, Provenance

REASON = "aiconfigurator-core not installed (pip install 'jupyter_optiserve[measured]')"
H200_BF16, H200_FP8, H200_BW = 989e12, 1979e12, 4.8e12
LLAMA_8B = {"qkv": (6144, 4096), "o": (4096, 4096), "gate_up": (28672, 4096), "down": (4096, 14336)}
TOKENS = (1, 16, 128, 1024, 8192)


@dataclass(frozen=True)
class StandIn:
    """The few accelerator attributes the backend reads."""

    id: str
    name: str = "stand-in"
    vendor: str = "nvidia"
    memory_bw_gbps: float = 1000.0
    tflops: dict = field(default_factory=lambda: {"bf16": 100.0})


@pytest.fixture(scope="module")
def cat():
    return load_catalog()


@pytest.fixture(scope="module")
def h200(cat):
    pytest.importorskip("aiconfigurator_core", reason=REASON)
    backend = aic.backend_for(cat.accelerators.get("h200-sxm-141gb"), "0.24.0")
    assert backend is not None
    return backend


@pytest.fixture(scope="module")
def a100(cat):
    pytest.importorskip("aiconfigurator_core", reason=REASON)
    backend = aic.backend_for(cat.accelerators.get("a100-sxm-80gb"))
    assert backend is not None
    return backend


class Fixed:
    """A fallback answering a constant, to see which operations were routed to it."""

    provenance = Provenance("roofline", "test constant")

    def gemm(self, m, n, k, path):
        return 1.0

    def attention_prefill(self, *a):
        return 1.0

    def attention_decode(self, *a):
        return 1.0

    def allreduce(self, nbytes, tp):
        return 1.0

    def moe(self, *a):
        return 1.0


def test_importing_the_module_does_not_import_aiconfigurator():
    code = (
        "import sys, jupyter_optiserve.estimate.kernels.aic;"
        "assert 'aiconfigurator_core' not in sys.modules, 'imported eagerly'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_without_the_package_there_is_no_backend(cat, monkeypatch):
    monkeypatch.setattr(aic, "_aic", lambda: None)
    assert not aic.available()
    assert aic.system_for(cat.accelerators.get("h200-sxm-141gb")) is None
    assert aic.backend_for(cat.accelerators.get("h200-sxm-141gb")) is None


def test_h200_is_a_measured_kernel_backend(h200):
    assert isinstance(h200, KernelBackend)
    assert h200.provenance == Provenance("measured", "measured kernels, vLLM tables 0.24.0 (h200_sxm)")
    assert aic.available()


def test_systems_map_only_where_vllm_tables_ship(cat):
    pytest.importorskip("aiconfigurator_core", reason=REASON)
    expect = {
        "h100-sxm-80gb": "h100_sxm",
        "h200-sxm-141gb": "h200_sxm",
        "b200-180gb": "b200_sxm",
        "a100-sxm-80gb": "a100_sxm",
        "l40s": "l40s",
    }
    for acc_id, system in expect.items():
        assert aic.system_for(cat.accelerators.get(acc_id)) == system
    # L4 and T4 have no vLLM tables, MI300X is not NVIDIA, A100 40GB and GH200 differ in bandwidth.
    for acc_id in ("l4", "t4", "mi300x", "a100-sxm-40gb", "gh200"):
        acc = cat.accelerators.get(acc_id)
        assert aic.system_for(acc) is None
        assert aic.backend_for(acc) is None
    assert aic.backend_for(StandIn("no-such-gpu")) is None
    assert aic.backend_for(StandIn("h200-sxm-141gb", vendor="amd")) is None
    assert aic.system_for(StandIn("h200-sxm-141gb")) == "h200_sxm"  # the id is what maps


def test_nearest_table_version_is_named(cat):
    pytest.importorskip("aiconfigurator_core", reason=REASON)
    assert aic.nearest_version("h200_sxm", "0.24.0") == "0.24.0"
    assert aic.nearest_version("h200_sxm", "0.30.1") == "0.24.0"  # newest at or below
    assert aic.nearest_version("h200_sxm", None) == "0.24.0"  # the package's current tables
    old = aic.backend_for(cat.accelerators.get("h200-sxm-141gb"), "0.11.0")  # none at or below: oldest above
    assert old.version == "0.24.0"
    assert old.provenance.detail.endswith("nearest to vLLM 0.11.0")
    assert aic.nearest_version("a100_sxm", "0.24.0") == "0.14.0"


@pytest.mark.parametrize("layer", sorted(LLAMA_8B))
def test_h200_gemm_grows_with_tokens_within_physical_bounds(h200, layer):
    n, k = LLAMA_8B[layer]
    for path, peak in (("bf16", H200_BF16), ("fp8", H200_FP8)):
        weight_bytes = n * k * (2 if path == "bf16" else 1)
        times = [h200.gemm(m, n, k, path) for m in TOKENS]
        for m, t in zip(TOKENS, times, strict=True):
            assert t >= 2.0 * m * n * k / peak, (path, m)
            assert t >= weight_bytes / H200_BW, (path, m)
            assert t < 0.1
        for a, b in zip(times, times[1:], strict=False):
            assert b >= 0.8 * a  # flat while weight-bound; the m=1 rows run up to ~15% slow
        assert times[2] < times[3] < times[4]  # compute-bound from 128 tokens on


def test_h200_fp8_beats_bf16_at_large_batches(h200):
    for n, k in LLAMA_8B.values():
        for m in (1024, 8192):
            assert h200.gemm(m, n, k, "fp8") < h200.gemm(m, n, k, "bf16")
    # and reaches a realistic share of the fp8 peak on the largest layer
    m, (n, k) = 8192, LLAMA_8B["gate_up"]
    assert 0.4 < 2.0 * m * n * k / h200.gemm(m, n, k, "fp8") / H200_FP8 < 0.95


def test_h200_decode_attention_grows_with_context_and_batch(h200):
    for kv in ("auto", "fp8"):
        by_ctx = [h200.attention_decode(16, c, 32, 8, 128, kv) for c in (128, 1024, 4096, 16384, 65536)]
        assert by_ctx == sorted(by_ctx) and by_ctx[-1] > 10 * by_ctx[0]
        by_batch = [h200.attention_decode(b, 4096, 32, 8, 128, kv) for b in (1, 8, 64)]
        assert by_batch == sorted(by_batch)
        # the KV read bounds it from below
        kv_bytes = 64 * 4096 * 2 * 8 * 128 * (1 if kv == "fp8" else 2)
        assert by_batch[-1] >= kv_bytes / H200_BW
    assert h200.attention_decode(64, 16384, 32, 8, 128, "fp8") < h200.attention_decode(64, 16384, 32, 8, 128, "auto")


def test_h200_prefill_attention_grows_with_chunk_and_prefix(h200):
    by_len = [h200.attention_prefill(1, q, q, 32, 8, 128, "auto") for q in (128, 1024, 4096, 16384)]
    assert by_len == sorted(by_len)
    flops = 4.0 * 32 * 128 * 16384 * 16384 / 2  # causal QK^T and PV
    assert by_len[-1] >= flops / H200_BF16
    by_prefix = [h200.attention_prefill(1, 512, 512 + p, 32, 8, 128, "auto") for p in (0, 4096, 16384)]
    assert by_prefix == sorted(by_prefix) and by_prefix[-1] > by_prefix[0]


def test_h200_allreduce_grows_with_bytes_and_tp(h200):
    sizes = (8 << 10, 64 << 10, 256 << 10, 1 << 20, 16 << 20, 64 << 20)
    for tp in (2, 4, 8):
        times = [h200.allreduce(s, tp) for s in sizes]
        assert times == sorted(times) and times[-1] > 10 * times[0]
    # More ranks cost more up to ~1 MiB; above it the measured TP 8 custom all-reduce can
    # undercut TP 4 (two-shot over NVSwitch), which is real, so only small messages are ordered.
    for s in sizes[:4]:
        assert h200.allreduce(s, 2) <= h200.allreduce(s, 4) <= h200.allreduce(s, 8)
    assert h200.allreduce(1 << 20, 1) == 0.0
    assert h200.allreduce(2, 2) >= 4e-6  # no launch is free: clamped to the smallest message timed


def test_h200_moe_only_for_collected_shapes(h200):
    qwen3_30b = (2048, 768, 128, 8)  # hidden, expert inter, experts, top-k
    hidden, inter, experts, topk = qwen3_30b
    times = [h200.moe(t, hidden, inter, experts, topk, 1, "bf16") for t in (1, 64, 1024, 8192)]
    assert times == sorted(times)
    assert h200.moe(1024, hidden, inter, experts, topk, 4, "bf16") < times[2]  # TP shards the experts
    with pytest.raises(aic.NotCovered, match="MoE data missing"):
        h200.moe(1024, 3000, 1000, 64, 4, 1, "bf16")


def test_a100_covers_bf16_only(a100):
    assert a100.covers("bf16")
    for path in ("fp8", "int8", "w4a16", "fp4"):
        assert not a100.covers(path)
    with pytest.raises(aic.NotCovered):
        a100.gemm(1024, 4096, 4096, "fp8")
    assert aic.backend_for(a100.acc, path="fp8") is None
    assert aic.backend_for(a100.acc, path="bf16") is not None
    assert 2.0 * 1024 * 4096 * 4096 / a100.gemm(1024, 4096, 4096, "bf16") < 312e12


def test_h200_paths_without_vllm_tables_are_not_covered(h200):
    assert h200.covers("bf16") and h200.covers("fp8")
    for path in ("int8", "w4a16", "w8a16", "fp4"):  # no such vLLM GEMM tables on Hopper
        assert not h200.covers(path)


def test_uncovered_operations_go_to_the_fallback(cat):
    pytest.importorskip("aiconfigurator_core", reason=REASON)
    backend = aic.MeasuredBackend(cat.accelerators.get("a100-sxm-80gb"), fallback=Fixed())
    assert backend.gemm(1024, 4096, 4096, "fp8") == 1.0
    assert backend.gemm(1024, 4096, 4096, "bf16") < 1e-3
    assert backend.allreduce(1 << 20, 16) == 1.0  # beyond one node
    assert backend.fallbacks == {"gemm": 1, "allreduce": 1}
    assert backend.provenance.backend == "measured"
    assert backend.provenance.detail.endswith("; roofline for unmeasured allreduce, gemm")


def test_block_fp8_is_its_own_table(cat):
    pytest.importorskip("aiconfigurator_core", reason=REASON)
    block = aic.MeasuredBackend(cat.accelerators.get("h200-sxm-141gb"), "0.24.0", fp8_scheme="block")
    assert block.provenance.detail.endswith("fp8 block-scaled")
    assert block.covers("fp8")
    per_tensor = aic.backend_for(cat.accelerators.get("h200-sxm-141gb"), "0.24.0")
    assert block.gemm(128, 6144, 4096, "fp8") != per_tensor.gemm(128, 6144, 4096, "fp8")
    with pytest.raises(ValueError):
        aic.MeasuredBackend(cat.accelerators.get("h200-sxm-141gb"), fp8_scheme="mx")


def test_answers_are_memoised(h200):
    first = h200.gemm(333, 6144, 4096, "bf16")
    hits = h200._query.cache_info().hits
    assert h200.gemm(333, 6144, 4096, "bf16") == first
    assert h200._query.cache_info().hits == hits + 1
    assert h200.gemm(0, 6144, 4096, "bf16") == 0.0 and h200.attention_decode(0, 10, 32, 8, 128, "auto") == 0.0
