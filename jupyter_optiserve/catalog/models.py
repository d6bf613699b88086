"""Model architecture facts, from the catalog or from any Hugging Face style ``config.json``.

Everything the estimator needs is derived here once: parameter counts (total, active, embeddings),
the KV cache bytes per token (GQA, MLA, sliding window, hybrid Mamba) and the TP-relevant sizes.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from jupyter_optiserve.errors import InvalidInputError
from jupyter_optiserve.userpath import expand

SCHEMA = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["id", "hf_id", "params_b"],
        "properties": {
            "id": {"type": "string", "pattern": "^[a-z0-9][a-z0-9.\\-]*$"},
            "hf_id": {"type": "string", "pattern": "^[^/\\s]+/[^/\\s]+$"},
            "params_b": {"type": "number", "exclusiveMinimum": 0},
            "active_params_b": {"type": "number", "exclusiveMinimum": 0},
            "layers": {"type": "integer", "minimum": 1},
            "hidden_size": {"type": "integer", "minimum": 1},
            "heads": {"type": "integer", "minimum": 1},
            "kv_heads": {"type": "integer", "minimum": 1},
            "head_dim": {"type": "integer", "minimum": 1},
            "vocab_size": {"type": "integer", "minimum": 1},
            "max_context": {"type": "integer", "minimum": 1},
            "dtype": {"enum": ["bf16", "fp16", "fp32", "fp8"]},
            "attention": {"type": "object", "properties": {"kind": {"enum": ["gqa", "mla", "hybrid"]}}},
            "moe": {"type": "object", "required": ["experts", "experts_per_token"]},
        },
    },
}


_T = TypeVar("_T")


class Dims(NamedTuple):
    """The attention sizes every KV and parameter formula needs, all present."""

    layers: int
    hidden: int
    heads: int
    kv_heads: int
    head_dim: int


@dataclass(frozen=True)
class Model:
    id: str
    hf_id: str
    params_b: float
    active_params_b: float
    layers: int | None = None
    hidden_size: int | None = None
    intermediate_size: int | None = None
    heads: int | None = None
    kv_heads: int | None = None
    head_dim: int | None = None
    vocab_size: int | None = None
    max_context: int = 4096
    tie_word_embeddings: bool = False
    dtype: str = "bf16"
    attention: dict[str, Any] = field(default_factory=lambda: {"kind": "gqa"})
    moe: dict[str, Any] | None = None
    weights: dict[str, Any] | None = None  # native quantized checkpoint (DeepSeek fp8-block, gpt-oss mxfp4)
    family: str = ""
    architecture: str | None = None
    license: str | None = None
    multimodal: bool = False
    verified: bool = True
    source: str = ""
    origin: str = "catalog"  # catalog | config.json | hub
    quantization_config: dict[str, Any] | None = None
    has_chat_template: bool | None = None
    trust_remote_code: bool = False

    # -- derived sizes -------------------------------------------------------------------------
    # Derived sizes are asked for thousands of times per sweep. cached_property (below) and _memo
    # keep them in the instance dict, which a frozen dataclass allows; never part of eq or repr.
    def _memo(self, key: tuple[object, ...], compute: Callable[[], _T]) -> _T:
        cache: dict[tuple[object, ...], Any] = self.__dict__.setdefault("_derived", {})
        if key not in cache:
            cache[key] = compute()
        value: _T = cache[key]
        return value

    @functools.cached_property
    def dims(self) -> Dims | None:
        """The attention sizes, or None when the catalog entry lacks one of them."""
        layers, hidden, heads, kv_heads, head_dim = (
            self.layers,
            self.hidden_size,
            self.heads,
            self.kv_heads,
            self.head_dim,
        )
        if layers is None or hidden is None or heads is None or kv_heads is None or head_dim is None:
            return None
        return Dims(layers, hidden, heads, kv_heads, head_dim)

    @functools.cached_property
    def complete(self) -> bool:
        return self.dims is not None

    @functools.cached_property
    def embedding_params(self) -> float:
        """Embedding (+ untied lm_head) parameters: kept in 16-bit by every quantized scheme."""
        if not (self.vocab_size and self.hidden_size):
            return 0.0
        return self.vocab_size * self.hidden_size * (1 if self.tie_word_embeddings else 2)

    @functools.cached_property
    def total_params(self) -> float:
        """Parameters to hold in memory. Uses the architecture when it agrees with the card, since
        cards round ("8B" is 8.03B); multimodal checkpoints keep the card figure (vision weights)."""
        stated = self.params_b * 1e9
        dims = self._params_from_dims()
        if dims and abs(dims - stated) / stated < 0.2:
            return max(dims, stated) if self.multimodal else dims
        return stated

    @functools.cached_property
    def active_params(self) -> float:
        if not self.moe:
            return self.total_params
        return self.active_params_b * 1e9

    @functools.cached_property
    def expert_params(self) -> float:
        """Routed-expert parameters (0 for dense models)."""
        dims = self.dims
        if not self.moe or dims is None:
            return 0.0
        m = self.moe
        moe_layers = dims.layers - m.get("dense_layers", 0)
        inter = m.get("moe_intermediate_size") or self.intermediate_size or 0
        return float(moe_layers * m["experts"] * 3 * dims.hidden * inter)

    def _params_from_dims(self) -> float | None:
        dims = self.dims
        if dims is None or self.attention.get("kind") in ("mla", "hybrid") or not self.intermediate_size:
            return None
        h, d = dims.hidden, dims.head_dim
        attn = h * dims.heads * d * 2 + 2 * h * dims.kv_heads * d
        if self.moe:
            m = self.moe
            inter = m.get("moe_intermediate_size") or self.intermediate_size
            mlp = m["experts"] * 3 * h * inter + h * m["experts"]
        else:
            mlp = 3 * h * self.intermediate_size
        return float(dims.layers * (attn + mlp) + self.embedding_params)

    def kv_bytes_per_token(self, kv_bytes: float = 2.0, tp: int = 1, context: int | None = None) -> float:
        """KV cache bytes per token **per GPU** at tensor parallel size ``tp``.

        GQA: 2·L·max(1, n_kv/tp)·d·b (KV heads replicate once tp > n_kv). MLA: L·(rank+rope)·b on
        every rank (the latent is not split). Sliding-window layers hold at most ``window`` tokens,
        so at a context length their per-token share shrinks; hybrid models cache attention layers
        only.
        """
        att = self.attention or {}
        if not att.get("sliding_window"):  # independent of the context: memoize per (bytes, tp)
            return self._memo(("kv", kv_bytes, tp), lambda: self._kv_bytes(kv_bytes, tp, None))
        return self._kv_bytes(kv_bytes, tp, context)

    def _kv_bytes(self, kv_bytes: float, tp: int, context: int | None) -> float:
        dims = self.dims
        if dims is None:
            raise InvalidInputError(
                f"model '{self.id}' lacks the attention dimensions needed for KV sizing",
                hint="describe it with a config.json (--model PATH)",
            )
        att = self.attention or {}
        if att.get("kind") == "mla":
            return float(dims.layers * (att["kv_lora_rank"] + att["qk_rope_head_dim"]) * kv_bytes)
        layers: int = att.get("attention_layers", dims.layers) if att.get("kind") == "hybrid" else dims.layers
        per_layer = 2 * max(1.0, dims.kv_heads / tp) * dims.head_dim * kv_bytes
        window = att.get("sliding_window")
        if window and context and context > window:
            frac: float = att.get("sliding_fraction", 0.5)
            # sliding layers keep `window` tokens for a `context`-token sequence
            return float(layers * per_layer * ((1 - frac) + frac * window / context))
        return layers * per_layer

    def summary(self) -> dict[str, Any]:
        out = {
            "id": self.id,
            "hf_id": self.hf_id,
            "family": self.family,
            "architecture": self.architecture,
            "params_b": round(self.total_params / 1e9, 2),
            "active_params_b": round(self.active_params / 1e9, 2),
            "layers": self.layers,
            "hidden_size": self.hidden_size,
            "heads": self.heads,
            "kv_heads": self.kv_heads,
            "head_dim": self.head_dim,
            "vocab_size": self.vocab_size,
            "max_context": self.max_context,
            "dtype": self.dtype,
            "attention": self.attention,
            "moe": self.moe,
            "license": self.license,
            "multimodal": self.multimodal,
            "origin": self.origin,
        }
        if self.complete:
            out["kv_bytes_per_token_bf16"] = int(self.kv_bytes_per_token(2.0))
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Model:
        known = {f for f in cls.__dataclass_fields__}
        kw = {k: v for k, v in d.items() if k in known}
        kw.setdefault("active_params_b", d["params_b"])
        return cls(**kw)

    def with_(self, **kw: Any) -> Model:
        return replace(self, **kw)


# -- Hugging Face config.json -------------------------------------------------------------------

_DTYPES = {"bfloat16": "bf16", "float16": "fp16", "float32": "fp32", "half": "fp16", "float": "fp32"}


MAX_CONFIG_BYTES = 5_000_000  # real config.json files are a few KB
_SIZE_FIELDS = (
    "layers",
    "hidden_size",
    "intermediate_size",
    "heads",
    "kv_heads",
    "head_dim",
    "vocab_size",
    "max_context",
)
_MAX_SIZE = 10**8  # far beyond any real model; a config.json can come from any public repo


def from_hf_config(cfg: dict[str, Any], model_id: str, origin: str = "config.json") -> Model:
    """Describe any decoder-only model from its ``config.json`` (multimodal: its ``text_config``).
    Strings, huge or non-finite numbers where sizes belong are InvalidInputError, never a crash."""
    bad = InvalidInputError(
        f"{model_id}: config.json has sizes OptiServe cannot use (non-numbers, negative or huge values)",
        hint="check the model's config.json, or pick a catalog model (`optiserve models`)",
    )
    try:
        model = _from_hf_config(cfg, model_id, origin)
    except (TypeError, ValueError, OverflowError, ZeroDivisionError, AttributeError, KeyError):
        raise bad from None
    for f in _SIZE_FIELDS:
        v = getattr(model, f, None)
        if v is not None and not (isinstance(v, int) and 0 < v <= _MAX_SIZE):
            raise bad
    if not (0 < model.params_b < 1e6):
        raise bad
    return model


def _from_hf_config(cfg: dict[str, Any], model_id: str, origin: str) -> Model:
    if not isinstance(cfg, dict):
        raise InvalidInputError(
            f"{model_id}: config.json is not a JSON object", hint="point --model at a Hugging Face model folder"
        )
    nested = cfg.get("text_config")
    text: dict[str, Any] = nested if isinstance(nested, dict) else cfg

    def get(*keys: str, default: Any = None) -> Any:
        """The first of ``keys`` the config sets (configs name the same size differently)."""
        return next((text[k] for k in keys if text.get(k) is not None), default)

    layers = get("num_hidden_layers", "n_layer", "num_layers")
    hidden = get("hidden_size", "n_embd", "d_model")
    heads = get("num_attention_heads", "n_head")
    if not (layers and hidden and heads):
        missing = [
            k
            for k, v in (("num_hidden_layers", layers), ("hidden_size", hidden), ("num_attention_heads", heads))
            if not v
        ]
        raise InvalidInputError(
            f"{model_id}: config.json lacks {', '.join(missing)}",
            hint="OptiServe sizes decoder-only transformer LLMs; is this a text-generation model?",
        )
    kv_heads = get("num_key_value_heads", "num_kv_heads", default=heads)
    head_dim = get("head_dim", default=hidden // heads)
    inter = get("intermediate_size", "ffn_dim", "n_inner", default=4 * hidden)
    vocab = get("vocab_size", default=cfg.get("vocab_size"))
    attention: dict[str, Any] = {"kind": "gqa"}
    if get("kv_lora_rank"):
        attention = {
            "kind": "mla",
            "kv_lora_rank": get("kv_lora_rank"),
            "qk_rope_head_dim": get("qk_rope_head_dim", default=64),
            "qk_nope_head_dim": get("qk_nope_head_dim"),
            "v_head_dim": get("v_head_dim"),
            "q_lora_rank": get("q_lora_rank"),
        }
        kv_heads = 1
    layer_types = get("layer_types", "layers_block_type")
    if isinstance(layer_types, list) and any(t in ("mamba", "linear_attention") for t in layer_types):
        attention = {
            "kind": "hybrid",
            "attention_layers": sum(1 for t in layer_types if t in ("attention", "full_attention")),
        }
    window = get("sliding_window")
    if window and get("use_sliding_window", default=True) is not False and attention["kind"] == "gqa":
        attention["sliding_window"] = int(window)
        if isinstance(layer_types, list) and layer_types:
            attention["sliding_fraction"] = sum(1 for t in layer_types if "sliding" in str(t)) / len(layer_types)
        elif get("sliding_window_pattern"):
            p = int(get("sliding_window_pattern"))
            attention["sliding_fraction"] = (p - 1) / p
        else:
            attention["sliding_fraction"] = 1.0 if not get("layer_types") else 0.5
    n_experts = get("num_local_experts", "num_experts", "n_routed_experts")
    moe: dict[str, Any] | None = None
    if n_experts:
        moe = {
            "experts": int(n_experts),
            "experts_per_token": int(get("num_experts_per_tok", "moe_topk", default=2)),
            "moe_intermediate_size": get("moe_intermediate_size", default=inter),
            "shared_experts": int(get("n_shared_experts", default=0) or 0),
        }
        if get("first_k_dense_replace"):
            moe["dense_layers"] = int(get("first_k_dense_replace"))
    dtype = _DTYPES.get(
        str(cfg.get("torch_dtype") or cfg.get("dtype") or text.get("torch_dtype") or "bfloat16"), "bf16"
    )
    qc = cfg.get("quantization_config") or text.get("quantization_config")
    weights = _native_weights(qc)
    probe = Model(
        id=model_id,
        hf_id=model_id,
        params_b=1.0,
        active_params_b=1.0,
        layers=int(layers),
        hidden_size=int(hidden),
        intermediate_size=int(inter),
        heads=int(heads),
        kv_heads=int(kv_heads),
        head_dim=int(head_dim),
        vocab_size=int(vocab) if vocab else None,
        tie_word_embeddings=bool(cfg.get("tie_word_embeddings", text.get("tie_word_embeddings", False))),
        attention=attention,
        moe=moe,
    )
    total = _estimate_params(probe)
    active = total if not moe else _active_params(probe, total)
    arch = (cfg.get("architectures") or [None])[0]
    return Model(
        id=model_id,
        hf_id=model_id,
        params_b=round(total / 1e9, 3),
        active_params_b=round(active / 1e9, 3),
        layers=probe.layers,
        hidden_size=probe.hidden_size,
        intermediate_size=probe.intermediate_size,
        heads=probe.heads,
        kv_heads=probe.kv_heads,
        head_dim=probe.head_dim,
        vocab_size=probe.vocab_size,
        max_context=int(get("max_position_embeddings", "n_positions", "max_seq_len", default=4096)),
        tie_word_embeddings=probe.tie_word_embeddings,
        dtype=dtype,
        attention=attention,
        moe=moe,
        weights=weights,
        family=str(cfg.get("model_type") or ""),
        architecture=arch,
        multimodal=bool(arch and arch.endswith("ForConditionalGeneration")),
        origin=origin,
        quantization_config=qc,
        trust_remote_code=bool(cfg.get("auto_map")),
    )


def _native_weights(qc: dict[str, Any] | None) -> dict[str, Any] | None:
    if not isinstance(qc, dict):
        return None
    method = str(qc.get("quant_method", "")).lower()
    if method == "mxfp4":
        return {"scheme": "mxfp4", "quantized_part": "experts"}
    if method == "fp8":
        return {"scheme": "fp8-block" if qc.get("weight_block_size") else "fp8"}
    if method in ("gptq", "awq"):
        return {"scheme": "w4a16" if int(qc.get("bits", 4)) == 4 else "w8a16", "group_size": qc.get("group_size", 128)}
    if method == "compressed-tensors":
        groups: dict[str, Any] = qc.get("config_groups") or {}
        first: dict[str, Any] = next(iter(groups.values()), {})
        w: dict[str, Any] = first.get("weights", {})
        bits, typ = w.get("num_bits"), w.get("type")
        if typ == "float" and bits == 8:
            return {"scheme": "fp8"}
        if bits == 4:
            return {"scheme": "w4a16", "group_size": w.get("group_size") or 128}
        if bits == 8:
            return {"scheme": "w8a8"}
    return None


def _estimate_params(m: Model) -> float:
    dims, inter_size = _probe_dims(m)
    h, d, heads = dims.hidden, dims.head_dim, dims.heads
    att = m.attention
    if att["kind"] == "mla":
        r, rope = att["kv_lora_rank"], att["qk_rope_head_dim"]
        qk = (att.get("qk_nope_head_dim") or 128) + rope
        qr = att.get("q_lora_rank")
        q_proj = h * qr + qr * heads * qk if qr else h * heads * qk  # DeepSeek-V3 low-rank queries
        attn = (
            q_proj
            + h * (r + rope)
            + r * heads * ((att.get("qk_nope_head_dim") or 128) + (att.get("v_head_dim") or 128))
            + heads * (att.get("v_head_dim") or 128) * h
        )
    else:
        attn = h * heads * d * 2 + 2 * h * dims.kv_heads * d
    if m.moe:
        inter = m.moe.get("moe_intermediate_size") or inter_size
        dense = m.moe.get("dense_layers", 0)
        expert = 3 * h * inter
        moe_mlp = (m.moe["experts"] + m.moe.get("shared_experts", 0)) * expert + h * m.moe["experts"]
        body = dense * (attn + 3 * h * inter_size) + (dims.layers - dense) * (attn + moe_mlp)
    else:
        body = dims.layers * (attn + 3 * h * inter_size)
    return float(body + m.embedding_params)


def _active_params(m: Model, total: float) -> float:
    dims, inter_size = _probe_dims(m)
    moe = m.moe or {}
    inter = moe.get("moe_intermediate_size") or inter_size
    unused = (
        (dims.layers - moe.get("dense_layers", 0))
        * (moe["experts"] - moe["experts_per_token"])
        * 3
        * dims.hidden
        * inter
    )
    return float(total - unused)


def _probe_dims(m: Model) -> tuple[Dims, int]:
    """The sizes of a model built from a config.json: every one is set there (defaults fill the gaps)."""
    if m.dims is None or m.intermediate_size is None:
        raise TypeError(f"{m.id}: config.json model without attention sizes")  # from_hf_config reports it
    return m.dims, m.intermediate_size


def load_config_path(path: str | Path) -> Model:
    """A model from a local folder holding ``config.json``, or the file itself."""
    p = expand(path)
    try:
        cfg_path = p / "config.json" if p.is_dir() else p
        if not cfg_path.is_file():
            raise InvalidInputError(
                f"no config.json at {str(p)[:200]}", hint="pass a folder containing config.json, or the file itself"
            )
        if cfg_path.stat().st_size > MAX_CONFIG_BYTES:
            raise InvalidInputError(
                f"{cfg_path} is larger than {MAX_CONFIG_BYTES // 1_000_000} MB: not a model config",
                hint="pass the model's config.json",
            )
        cfg = json.loads(cfg_path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
        raise InvalidInputError(f"{cfg_path} is not valid JSON ({str(exc)[:200]})", hint="check the file") from None
    except (OSError, ValueError) as exc:  # a name too long, a NUL byte, no permission, ...
        raise InvalidInputError(
            f"cannot read a model config at {str(p)[:200]} ({getattr(exc, 'strerror', None) or exc})",
            hint="pass a catalog id (`optiserve models`), a Hugging Face id or a folder with config.json",
        ) from None
    name = (p if p.is_dir() else p.parent).name or "local-model"
    model = from_hf_config(cfg, name.lower(), origin="config.json")
    tok = (p if p.is_dir() else p.parent) / "tokenizer_config.json"
    if tok.is_file():
        try:
            has = "chat_template" in json.loads(tok.read_text(encoding="utf-8"))
        except (ValueError, TypeError, OSError, RecursionError):
            has = None
        model = model.with_(has_chat_template=has)
    return model.with_(source=str(cfg_path))
