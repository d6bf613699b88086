"""Catalogs, hardware, recommend and estimate: plain dict in, exactly the CLI's ``--json`` out."""

from __future__ import annotations

import copy
import json
import threading
from collections import OrderedDict

from jupyter_optiserve.errors import InvalidInputError
from jupyter_optiserve.service import jsonsafe
from jupyter_optiserve.service.settings import Settings


# -- catalogs -----------------------------------------------------------------------------------------
def models(query: str | None = None, settings: Settings | None = None) -> list[dict]:
    """``optiserve models [QUERY] --json``: catalog models matching ``query`` (id, family or Hugging Face
    id), each with its quantized variants and its modelcar image."""
    cat = (settings or Settings()).catalog()
    q = (query or "").lower()
    out = []
    for m in cat.models:
        if q and q not in m.id and q not in m.hf_id.lower() and q not in (m.family or "").lower():
            continue
        d = m.summary()
        vs = cat.variants_for(m)
        d["variants"] = [v.summary() for v in vs]
        d["modelcar"] = next((v.oci_image for v in vs if v.oci_image), None)
        out.append(d)
    return out


def accelerators(settings: Settings | None = None) -> list[dict]:
    """``optiserve accelerators --json`` (only the allowed ones when the server restricts them)."""
    s = settings or Settings()
    return [a.summary() for a in s.catalog().accelerators if s.accelerator_allowed(a.id)]


def runtimes(settings: Settings | None = None) -> list[dict]:
    """The serving runtimes of the catalog (only the allowed ones when the server restricts them)."""
    s = settings or Settings()
    return [r.summary() for r in s.catalog().runtimes.values() if s.runtime_allowed(r.id)]


def profiles(model: str | None = None, accelerator: str | None = None, settings: Settings | None = None) -> list[dict]:
    """``optiserve profiles [--model M] [--accelerator A] --json``."""
    cat = (settings or Settings()).catalog()
    out = cat.profiles
    if model:
        m, _ = cat.resolve_model(model, allow_hub=False)
        out = [p for p in out if p.model == m.id]
    if accelerator:
        acc = cat.accelerators.get(accelerator)
        out = [p for p in out if p.accelerator == acc.id]
    return [p.to_dict() for p in out]


# -- hardware -----------------------------------------------------------------------------------------
def hardware(settings: Settings, refresh: bool = False) -> dict:
    """``optiserve hardware --json`` for the configured cluster, cached ``settings.hardware_ttl`` seconds."""
    return settings.cached_inventory(refresh=refresh).to_dict()


def inventory(settings: Settings, refresh: bool = False, accelerator: str | None = None, gpus: int | None = None):
    """The Inventory; the user's own ``accelerator``/``gpus`` override detection (never cached)."""
    if accelerator is None and gpus is None:
        return settings.cached_inventory(refresh=refresh)
    from jupyter_optiserve.hardware import detect

    return detect(
        settings.kubeconfig,
        settings.context,
        settings.namespace,
        cluster=not settings.offline,
        accelerator=accelerator,
        gpus=gpus,
        timeout=settings.request_timeout,
    )


# -- recommend ----------------------------------------------------------------------------------------
def recommend(body: dict, settings: Settings) -> dict:
    """``optiserve recommend --json``: ``body`` uses the CLI's names (model, kpi, accelerator, gpus, ...)."""
    return copy.deepcopy(_recommend_memo(body, settings)[0])


def recommend_json(body: dict, settings: Settings) -> str:
    """The same answer already serialized: the REST handler's hot path (no copy, no re-encoding)."""
    return _recommend_memo(body, settings)[1]


def recommend_json_cached(body: dict, settings: Settings) -> str | None:
    """The memoised answer when it needs no hardware detection and is already known, else None.
    Cheap enough for the event loop: the handler answers repeats without a thread hop."""
    if _wants_inventory(body, settings):
        return None
    key = _memo_key(body, settings, None)
    with _memo_lock:
        hit = _memo.get(key)
        if hit is not None and hit[0] is None:
            _memo.move_to_end(key)
            return hit[2]
    return None


def _memo_key(body: dict, settings: Settings, inventory) -> tuple:
    from jupyter_optiserve.catalog.benchmarked import memo_token  # the model catalog's data in the answer

    return (
        memo_token(),
        json.dumps(body, sort_keys=True),
        id(settings.catalog()),
        id(inventory),
        settings.default_kpi,
        tuple(settings.allowed_accelerators or ()),
        tuple(settings.allowed_runtimes or ()),
    )


def _recommend_memo(body: dict, settings: Settings) -> tuple[dict, str]:
    """The engine is deterministic for a body, a catalog, the server's policy and an inventory, so the
    answer is memoised on exactly those (the inventory by identity: a hardware refresh starts over)."""
    inventory = settings.cached_inventory() if _wants_inventory(body, settings) else None
    key = _memo_key(body, settings, inventory)
    with _memo_lock:
        hit = _memo.get(key)
        if hit is not None and hit[0] is inventory:
            _memo.move_to_end(key)
            return hit[1], hit[2]
    out = recommend_result(body, settings)[1]
    text = jsonsafe.dumps(out, default=str)
    with _memo_lock:
        _memo[key] = (inventory, out, text)
        while len(_memo) > MEMO_SIZE:
            _memo.popitem(last=False)
    return out, text


MEMO_SIZE = 256
_memo: OrderedDict[tuple, tuple] = OrderedDict()
_memo_lock = threading.Lock()


def _wants_inventory(body: dict, settings: Settings) -> bool:
    """Detection sizes the answer unless told not to, or an accelerator *and* a GPU count are given
    (an accelerator alone is sized by its detected pool, else one GPU)."""
    if body.get("no_detect") or settings.offline:
        return False
    return not (body.get("accelerator") and body.get("gpus"))


def recommend_result(body: dict, settings: Settings):
    """(RecommendResult, its JSON); the CLI calls this after argparse validated the flags."""
    from jupyter_optiserve.recommend import recommend as _recommend

    accelerator, gpus = body.get("accelerator"), body.get("gpus")
    if gpus and not accelerator:
        raise InvalidInputError("--gpus needs --accelerator", hint="e.g. --accelerator h100 --gpus 4", field="gpus")
    cat = settings.catalog()
    if accelerator and settings.allowed_accelerators:
        settings.check_accelerator(cat.accelerators.get(accelerator).id)
    inventory = None
    if _wants_inventory(body, settings):
        try:
            inventory = settings.cached_inventory()
        except ImportError:  # pragma: no cover - detection extras missing
            inventory = None
    result = _recommend(
        body["model"],
        body.get("kpi") or settings.default_kpi,
        accelerator=accelerator,
        gpus=gpus,
        inventory=inventory,
        catalog=cat,
        input_len=body.get("input_len"),
        output_len=body.get("output_len"),
        concurrency=body.get("concurrency"),
        context=body.get("context"),
        ttft_ms=body.get("ttft_ms"),
        itl_ms=body.get("itl_ms"),
        engine_version=body.get("engine_version"),
        limit=body.get("limit", 10),
        gpus_per_node=body.get("gpus_per_node"),
        allow_precision=body.get("allow_precision"),
        gpu_margin=body.get("gpu_margin"),
        backend=body.get("backend") or "auto",
    )
    if settings.allowed_accelerators or settings.allowed_runtimes:
        _apply_policy(result, settings)
    out = result.to_dict()
    if inventory is not None and hasattr(inventory, "notes"):
        # each note once: a pool's notes can repeat what the inventory already says
        out["notes"] = list(dict.fromkeys(list(getattr(inventory, "notes", []) or []) + out["notes"]))
    out["deploy_command"] = deploy_command(body, result)
    if inventory is not None:  # sized for a detected cluster: show its calibrated figures
        from jupyter_optiserve.service.calibration import calibrate, cluster_of

        cluster = cluster_of(settings)
        for rec in out["recommendations"]:
            p = rec["profile"]
            calibrate(rec["estimate"], cluster, p["accelerator"], p.get("engine_version"))
    if not body.get("no_detect"):  # measured points from the cluster's RHOAI model catalog, when it has one
        from jupyter_optiserve.catalog.benchmarked import attach

        attach(out, settings, body.get("target_rps"))
    return result, out


DEPLOY_FLAGS = ("accelerator", "gpus", "gpus_per_node", "allow_precision", "gpu_margin")


def deploy_command(body: dict, result) -> str | None:
    """The ``optiserve deploy`` line that deploys recommendation #1: the same ranking flags plus
    ``--profile NAME`` (None when nothing fits or the KPI is an SLO, which deploy does not take)."""
    import shlex

    from jupyter_optiserve.recommend.kpi import NAMED_KPIS

    if not result.recommendations or result.kpi not in NAMED_KPIS:
        return None
    parts = ["optiserve", "deploy", "--model", str(body["model"]), "--kpi", result.kpi]
    for k in DEPLOY_FLAGS:
        v = body.get(k)
        if v is True:
            parts.append("--" + k.replace("_", "-"))
        elif v not in (None, False):
            parts += ["--" + k.replace("_", "-"), str(v)]
    parts += ["--profile", result.best.profile.name]
    return " ".join(shlex.quote(x) for x in parts)


def _apply_policy(result, settings: Settings) -> None:
    """Drop recommendations on accelerators/runtimes the server does not allow, and say so."""
    keep = [
        r
        for r in result.recommendations
        if settings.accelerator_allowed(r.profile.accelerator) and settings.runtime_allowed(r.profile.runtime)
    ]
    dropped = len(result.recommendations) - len(keep)
    if dropped:
        result.recommendations = keep
        result.notes.append(
            f"{dropped} recommendation(s) left out: their accelerator or runtime is not allowed "
            "on this server (c.OptiServeApp.allowed_accelerators / allowed_runtimes)"
        )


# -- estimate -----------------------------------------------------------------------------------------
ESTIMATE_DEFAULTS = {
    "tp": 1,
    "pp": 1,
    "input_len": 1024,
    "output_len": 256,
    "concurrency": 1,
    "kv_cache_dtype": "auto",
    "prefix_len": 0,
    "backend": "auto",
}


def estimate(body: dict, settings: Settings | None = None) -> dict:
    """``optiserve estimate --json`` (the body checked at the edge)."""
    return estimate_result(body, settings or Settings())[1]


def estimate_result(body: dict, settings: Settings):
    """(Estimate, its JSON)."""
    from jupyter_optiserve.estimate import estimate as _estimate
    from jupyter_optiserve.recommend.rejections import reasons

    b = {**ESTIMATE_DEFAULTS, **{k: v for k, v in body.items() if v is not None}}
    cat = settings.catalog()
    model, variant = cat.resolve_model(b["model"])
    acc = cat.accelerators.get(b["accelerator"])
    settings.check_accelerator(acc.id)
    precision = (
        b.get("precision")
        or (variant.scheme if variant and variant.scheme != "none" else None)
        or ((model.weights or {}).get("scheme") or model.dtype).replace("fp32", "bf16").replace("fp8-block", "fp8")
    )
    rt = cat.runtime_for(acc)
    est = _estimate(
        model,
        acc,
        gpus=b.get("gpus") or b["tp"] * b["pp"],
        tp=b["tp"],
        pp=b["pp"],
        precision=precision,
        input_len=b["input_len"],
        output_len=b["output_len"],
        concurrency=b["concurrency"],
        max_model_len=b.get("max_model_len"),
        engine_version=b.get("engine_version") or (rt.default_engine_version if rt else None),
        kv_cache_dtype=b["kv_cache_dtype"],
        max_num_seqs=b.get("max_num_seqs"),
        max_num_batched_tokens=b.get("max_num_batched_tokens"),
        rate=b.get("request_rate"),
        prefix_len=b["prefix_len"],
        backend=b["backend"],
    )
    out = est.to_dict()
    out["reasons"] = reasons(est, acc.name, b.get("max_model_len"))  # the binding limit, never a negative amount
    out["model"], out["accelerator"] = model.id, acc.id
    if b.get("curve"):
        out["curve"] = est.curve()
    return est, out
