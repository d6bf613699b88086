"""The measured backend: per-operation latencies from NVIDIA AIConfigurator's vLLM kernel tables.

AIConfigurator (``aiconfigurator-core``, optional extra ``measured``) ships per-system tables of
kernels timed inside vLLM (GEMM per quantisation, FlashAttention prefill/decode, custom
all-reduce, fused MoE) and a compiled engine that interpolates them. This module asks that engine
one operation at a time, so OptiServe keeps its own step and scheduler model and only swaps the
per-kernel costs.

Cost: nothing at OptiServe import time (the package is imported on first use). The per-op path
imports no numpy/pandas/pyarrow/scipy (those are install-time dependencies only); importing it
takes ~0.15 s, binding one system's tables ~0.25 s, and each op family loads its table on the
first query (~0.3-0.8 s per system in all). Answers are then ~10 us and memoised.

Coverage is what was measured: a path whose GEMM table the system lacks (A100: bf16 only; no
int8 or 4-bit weight-only GEMM tables for vLLM anywhere), a MoE shape outside the collected model
shapes, or a head size never timed raises :class:`NotCovered`, or is answered by ``fallback``
when one is given, so the caller can use the roofline for just that operation.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import os
import re
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from jupyter_optiserve.estimate.kernels.base import PATHS, KernelBackend, Provenance

DISTRIBUTION = "aiconfigurator-core"
PINNED_VERSION = "0.12.0"  # the engine API below (EngineHandle.for_database, version slots) is this release's
ENGINE = "vllm"

# Our catalog id -> AIConfigurator system. Only the exact silicon: a sibling with other memory
# bandwidth (A100 40GB, H100 PCIe/NVL, GH200) would inherit wrong memory-bound timings.
# Entries whose system ships no vLLM tables in the installed package answer None at run time.
_SYSTEMS: dict[str, str] = {
    "h100-sxm-80gb": "h100_sxm",
    "h100-pcie-80gb": "h100_pcie",
    "h200-sxm-141gb": "h200_sxm",
    "b200-180gb": "b200_sxm",
    "b200": "b200_sxm",
    "b300": "b300_sxm",
    "b300-288gb": "b300_sxm",
    "gb200": "gb200",
    "gb300": "gb300",
    "a100-sxm-80gb": "a100_sxm",
    "a100-pcie-80gb": "a100_pcie",
    "a30": "a30",
    "l40s": "l40s",
    "l4": "l4",
    "rtx-pro-6000": "rtx_pro_6000_server",
    "rtx-pro-6000-server": "rtx_pro_6000_server",
}

# Our compute path -> AIConfigurator GEMM quant mode. fp8 is per-tensor/per-channel W8A8
# (CUTLASS scaled_mm: FP8-dynamic checkpoints, ``--quantization fp8``); block-scaled FP8
# (DeepSeek/Qwen3 128x128 checkpoints) is ``fp8_scheme="block"``. w8a16 (FP8 weights through
# Marlin) shares int8 weight-only's memory and compute profile, so it reads that table.
_GEMM_QUANT = {
    "bf16": "bfloat16",
    "fp16": "bfloat16",
    "fp8": "fp8",
    "int8": "sq",
    "w4a16": "int4_wo",
    "w8a16": "int8_wo",
    "fp4": "nvfp4",
}
_MOE_QUANT = {"bf16": "bfloat16", "fp16": "bfloat16", "fp8": "fp8", "w4a16": "int4_wo", "fp4": "nvfp4"}
_FP8_BLOCK = "fp8_block"
_KV_QUANT = {
    "auto": "bfloat16",
    "bf16": "bfloat16",
    "bfloat16": "bfloat16",
    "fp16": "bfloat16",
    "float16": "bfloat16",
    "fp8": "fp8",
    "fp8_e4m3": "fp8",
    "fp8_e5m2": "fp8",
}
# AIConfigurator's own default expert-load skew; the MoE tables are collected under it.
_MOE_DISTRIBUTION = "power_law_1.01"
# The all-reduce tables start at 128 elements; below that the engine extrapolates towards zero,
# but no launch costs less than the smallest measured message.
_AR_MIN_ELEMENTS = 128
_AR_ELEMENT_BYTES = 2  # vLLM all-reduces 16-bit activations; the tables count elements
_PROBE_SHAPES = ((1, 4096, 4096), (4096, 4096, 4096))  # decode- and prefill-sized GEMMs for covers()


class NotCovered(LookupError):
    """The measured tables hold no answer for this operation; use another backend for it."""


@functools.cache
def _aic() -> Any | None:
    """The imported per-op API of aiconfigurator-core, or None when absent or of another API."""
    if importlib.util.find_spec("aiconfigurator_core") is None:
        return None
    try:
        ns = {
            name: importlib.import_module(f"aiconfigurator_core.sdk.{name}")
            for name in ("perf_database", "engine", "operations", "common", "errors")
        }
    except Exception:  # a broken or incompatible install must not break estimation
        return None
    api = SimpleNamespace(**ns)
    needed = (
        hasattr(api.engine, "EngineHandle")
        and hasattr(api.engine.EngineHandle, "for_database")
        and hasattr(api.engine, "build_ops_json")
        and hasattr(api.perf_database, "get_version_slots")
    )
    return api if needed else None


def _api() -> Any:
    """The per-op API, for code that runs only after :func:`available` said yes."""
    api = _aic()
    if api is None:
        raise NotCovered("aiconfigurator-core with the per-op engine API is not installed")
    return api


def available() -> bool:
    """Whether aiconfigurator-core with the per-op engine API is installed (imports it on first call)."""
    return _aic() is not None


def _vkey(version: str) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", version)[:3])


@functools.cache
def _versions(system: str) -> tuple[str, ...]:
    """vLLM table versions the package serves for ``system`` whose GEMM table was collected on it.

    AIConfigurator also advertises a fleet-wide "next" version that systems without that data
    answer by back-filling older tables; labelling those answers "next" would overstate them.
    """
    aic = _aic()
    if aic is None:
        return ()
    pdb = aic.perf_database
    slots = pdb.get_version_slots(system, ENGINE)  # None when the system has no vLLM data at all
    if not slots:
        return ()
    served = set(slots.values())
    data_dir = pdb.load_system_spec(system).get("data_dir", "")
    collected = set()
    for root in pdb.get_systems_paths():
        gemm_dir = os.path.join(root, data_dir, "gemm", ENGINE)
        for v in served:
            vdir = os.path.join(gemm_dir, v)
            if os.path.isdir(vdir) and any(f.startswith("gemm_perf") for f in os.listdir(vdir)):
                collected.add(v)
    return tuple(sorted(collected or served, key=_vkey))


def system_for(acc: Any) -> str | None:
    """The AIConfigurator system holding vLLM tables for this accelerator, or None."""
    if getattr(acc, "vendor", "nvidia") != "nvidia":
        return None
    system = _SYSTEMS.get(getattr(acc, "id", ""))
    if system is None or not available():
        return None
    return system if _versions(system) else None


def nearest_version(system: str, engine_version: str | None) -> str:
    """The table version to use: the newest at or below ``engine_version``, else the oldest above
    it; the package's current one when no version is asked for."""
    versions = _versions(system)
    if not versions:
        raise NotCovered(f"no vLLM tables for {system} in aiconfigurator-core")
    if not engine_version or not _vkey(engine_version):
        current = (_api().perf_database.get_version_slots(system, ENGINE) or {}).get("current")
        return current if current in versions else versions[-1]
    want = _vkey(engine_version)
    at_or_below = [v for v in versions if _vkey(v) <= want]
    return at_or_below[-1] if at_or_below else versions[0]


@dataclass
class _Engine:
    """One system's tables bound to the compiled engine; shared by every backend in the process."""

    handle: Any
    gpus_per_node: int
    lock: threading.Lock


_ENGINES: dict[tuple[str, str], _Engine] = {}
_ENGINES_LOCK = threading.Lock()


def _engine(system: str, version: str) -> _Engine:
    with _ENGINES_LOCK:
        eng = _ENGINES.get((system, version))
        if eng is None:
            aic = _api()
            db = aic.perf_database.get_database(system, ENGINE, version)
            if db is None:
                raise NotCovered(f"aiconfigurator-core could not load vLLM {version} tables for {system}")
            node = (getattr(db, "system_spec", None) or {}).get("node") or {}
            eng = _Engine(
                aic.engine.EngineHandle.for_database(db), int(node.get("num_gpus_per_node") or 8), threading.Lock()
            )
            _ENGINES[(system, version)] = eng
        return eng


class MeasuredBackend:
    """Kernel costs looked up in AIConfigurator's vLLM tables for one accelerator and vLLM version.

    ``fallback`` (e.g. the roofline backend) answers the operations the tables do not cover;
    without it those raise :class:`NotCovered`. ``fallbacks`` counts them per op family, and the
    provenance says so.
    """

    def __init__(
        self,
        acc: Any,
        engine_version: str | None = None,
        *,
        fp8_scheme: str = "per-tensor",
        fallback: KernelBackend | None = None,
        cache_size: int = 8192,
    ) -> None:
        if fp8_scheme not in ("per-tensor", "block"):
            raise ValueError(f"fp8_scheme must be 'per-tensor' or 'block', not {fp8_scheme!r}")
        system = system_for(acc)
        if system is None:
            raise NotCovered(f"no measured vLLM kernel tables for {getattr(acc, 'name', acc)}")
        self.acc, self.system = acc, system
        self.version = nearest_version(system, engine_version)
        self.engine_version = engine_version
        self.fp8_scheme = fp8_scheme
        self._fallback = fallback
        self._eng = _engine(system, self.version)
        self.fallbacks: Counter[str] = Counter()
        self.tiers: Counter[str] = Counter()  # AIConfigurator's data tier of each distinct answer
        self._query = functools.lru_cache(maxsize=cache_size)(self._evaluate)
        aic = _api()
        self._ops, self._common, self._build = aic.operations, aic.common, aic.engine.build_ops_json
        self._misses = (
            aic.errors.PerfDataNotAvailableError,
            aic.errors.MissingSystemFlopsError,
            aic.errors.InterpolationDataNotAvailableError,
            aic.errors.EmpiricalNotImplementedError,
            aic.errors.SolNotImplementedError,
        )
        detail = f"measured kernels, vLLM tables {self.version} ({system})"
        if engine_version and _vkey(engine_version) and _vkey(engine_version) != _vkey(self.version):
            detail += f", nearest to vLLM {engine_version}"
        if fp8_scheme == "block":
            detail += ", fp8 block-scaled"
        self._detail = detail

    @property
    def provenance(self) -> Provenance:
        detail = self._detail
        if self.fallbacks:
            fb = self._fallback.provenance.backend if self._fallback is not None else "fallback"
            detail += f"; {fb} for unmeasured {', '.join(sorted(self.fallbacks))}"
        return Provenance("measured", detail)

    # -- coverage ------------------------------------------------------------------------------

    def _gemm_quant(self, path: str) -> str | None:
        quant = _GEMM_QUANT.get(path)
        return _FP8_BLOCK if quant == "fp8" and self.fp8_scheme == "block" else quant

    def _moe_quant(self, path: str) -> str | None:
        quant = _MOE_QUANT.get(path)
        return _FP8_BLOCK if quant == "fp8" and self.fp8_scheme == "block" else quant

    def covers(self, path: str) -> bool:
        """Whether this system's tables time GEMMs on ``path`` (probed at a decode- and a
        prefill-sized shape); MoE and attention coverage is per shape, see :class:`NotCovered`."""
        quant = self._gemm_quant(path)
        return quant is not None and all(
            isinstance(self._query("gemm", m, n, k, quant), float) for m, n, k in _PROBE_SHAPES
        )

    # -- the engine ----------------------------------------------------------------------------

    def _evaluate(self, family: str, *args: Any) -> float | str:
        """Milliseconds for one op, or the reason it is not covered (memoised, misses included)."""
        ops, c = self._ops, self._common
        if family == "gemm":
            m, n, k, quant = args
            op, at = ops.GEMM("gemm", 1, n, k, c.GEMMQuantMode[quant]), dict(is_context=True, batch_size=1, s=m, x=m)
        elif family == "attention_prefill":
            batch, q_len, prefix, heads, kv_heads, head_dim, kv = args
            op = ops.ContextAttention(
                "attention", 1, heads, kv_heads, c.KVCacheQuantMode[kv], c.FMHAQuantMode.bfloat16, head_size=head_dim
            )
            at = dict(is_context=True, batch_size=batch, s=q_len, prefix=prefix)
        elif family == "attention_decode":
            batch, kv_len, heads, kv_heads, head_dim, kv = args
            op = ops.GenerationAttention("attention", 1, heads, kv_heads, c.KVCacheQuantMode[kv], head_size=head_dim)
            at = dict(is_context=False, batch_size=batch, s=kv_len)
        elif family == "allreduce":
            elements, tp = args
            op = ops.CustomAllReduce("allreduce", 1, 1, tp)  # hidden 1: the message is x elements
            at = dict(is_context=True, batch_size=1, s=elements, x=elements)
        elif family == "moe":
            tokens, hidden, inter, experts, topk, tp, quant = args
            op = ops.MoE(
                "moe", 1, hidden, inter, topk, experts, tp, 1, c.MoEQuantMode[quant], _MOE_DISTRIBUTION, 1, True, True
            )
            at = dict(is_context=True, batch_size=1, s=tokens, x=tokens)
        else:
            raise ValueError(family)
        eng = self._eng
        try:
            with eng.lock:  # last_provenance() is per-handle state
                ((_, ms, _, source),) = eng.handle.evaluate_ops_json(self._build([op]), **at)
                tier = eng.handle.last_provenance() or source
        except self._misses as e:
            return f"{family} on {self.system} (vLLM {self.version}): {str(e).splitlines()[0][:300]}"
        self.tiers[tier] += 1
        return float(ms)

    def _answer(self, family: str, args: tuple[Any, ...], fallback: Callable[[KernelBackend], float]) -> float:
        r = self._query(family, *args)
        if isinstance(r, float):
            return r * 1e-3
        if self._fallback is None:
            raise NotCovered(r)
        self.fallbacks[family] += 1
        return fallback(self._fallback)

    def _unmapped(self, family: str, what: str, fallback: Callable[[KernelBackend], float]) -> float:
        if self._fallback is None:
            raise NotCovered(f"{family}: {what} has no measured table in aiconfigurator-core")
        self.fallbacks[family] += 1
        return fallback(self._fallback)

    # -- KernelBackend ---------------------------------------------------------------------------

    def gemm(self, m: int, n: int, k: int, path: str) -> float:
        if m <= 0 or n <= 0 or k <= 0:
            return 0.0
        fb = lambda b: b.gemm(m, n, k, path)  # noqa: E731
        quant = self._gemm_quant(path)
        if quant is None:
            return self._unmapped("gemm", f"path {path!r}", fb)
        return self._answer("gemm", (int(m), int(n), int(k), quant), fb)

    def attention_prefill(
        self, batch: int, q_len: int, kv_len: int, heads: int, kv_heads: int, head_dim: int, kv_dtype: str
    ) -> float:
        if batch <= 0 or q_len <= 0:
            return 0.0
        fb = lambda b: b.attention_prefill(batch, q_len, kv_len, heads, kv_heads, head_dim, kv_dtype)  # noqa: E731
        kv = _KV_QUANT.get(kv_dtype)
        if kv is None:
            return self._unmapped("attention_prefill", f"KV cache dtype {kv_dtype!r}", fb)
        prefix = max(0, int(kv_len) - int(q_len))
        return self._answer(
            "attention_prefill", (int(batch), int(q_len), prefix, int(heads), int(kv_heads), int(head_dim), kv), fb
        )

    def attention_decode(self, batch: int, ctx: int, heads: int, kv_heads: int, head_dim: int, kv_dtype: str) -> float:
        if batch <= 0:
            return 0.0
        fb = lambda b: b.attention_decode(batch, ctx, heads, kv_heads, head_dim, kv_dtype)  # noqa: E731
        kv = _KV_QUANT.get(kv_dtype)
        if kv is None:
            return self._unmapped("attention_decode", f"KV cache dtype {kv_dtype!r}", fb)
        # The new token attends over the cached context plus itself (the tables' kv length).
        return self._answer(
            "attention_decode", (int(batch), max(1, int(ctx) + 1), int(heads), int(kv_heads), int(head_dim), kv), fb
        )

    def allreduce(self, nbytes: float, tp: int) -> float:
        if tp <= 1 or nbytes <= 0:
            return 0.0
        fb = lambda b: b.allreduce(nbytes, tp)  # noqa: E731
        if tp > self._eng.gpus_per_node:
            return self._unmapped("allreduce", f"TP {tp} beyond one {self.system} node", fb)
        elements = max(_AR_MIN_ELEMENTS, -(-int(nbytes) // _AR_ELEMENT_BYTES))
        return self._answer("allreduce", (elements, int(tp)), fb)

    def moe(self, tokens: int, hidden: int, inter: int, experts: int, topk: int, tp: int, path: str) -> float:
        """Experts TP-sharded (vLLM's default, no expert parallelism); ``inter`` is one expert's
        full intermediate size. Only the collected model shapes are covered."""
        if tokens <= 0:
            return 0.0
        fb = lambda b: b.moe(tokens, hidden, inter, experts, topk, tp, path)  # noqa: E731
        quant = self._moe_quant(path)
        if quant is None:
            return self._unmapped("moe", f"path {path!r}", fb)
        return self._answer(
            "moe", (int(tokens), int(hidden), int(inter), int(experts), int(topk), max(1, int(tp)), quant), fb
        )


def backend_for(
    acc: Any,
    engine_version: str | None = None,
    *,
    path: str | None = None,
    fp8_scheme: str = "per-tensor",
    fallback: KernelBackend | None = None,
) -> MeasuredBackend | None:
    """A measured backend for ``acc`` (and for ``path``'s GEMMs, when given), or None when
    aiconfigurator-core is not installed or holds no vLLM tables for it: use the roofline then."""
    if path is not None and path not in PATHS and path != "fp16":
        raise ValueError(f"unknown compute path {path!r}; expected one of {PATHS}")
    if not available() or system_for(acc) is None:
        return None
    try:
        backend = MeasuredBackend(acc, engine_version, fp8_scheme=fp8_scheme, fallback=fallback)
    except NotCovered:
        return None
    if path is not None and not backend.covers(path):
        return None
    return backend
