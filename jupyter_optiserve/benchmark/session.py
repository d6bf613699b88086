"""One benchmark from request to stored run: resolve the target, measure (in process or as a
GuideLLM Job), put the prediction beside each level, store. Shared by the CLI, the REST API and
the magic, so the three answer the same JSON.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from jupyter_optiserve.benchmark.workload import Workload
from jupyter_optiserve.errors import InvalidInputError


@dataclass
class BenchmarkRequest:
    """The CLI's flags (REST bodies use the same names)."""

    name: str | None = None  # an OptiServe deployment ...
    namespace: str | None = None
    url: str | None = None  # ... or a base URL
    model: str | None = None
    input_len: int | None = None  # default: the deployment's KPI workload, else 512
    output_len: int | None = None  # default: the deployment's KPI workload, else 128
    input_stddev: int = 0
    output_stddev: int = 0
    dataset: str | None = None
    concurrency: list[int] = field(default_factory=list)  # default for a deployment: from its KPI
    rate: list[float] = field(default_factory=list)
    requests_per_level: int | None = None
    api: str = "completions"
    token_env: str | None = None
    insecure_token: bool = False
    ignore_eos: bool = True  # vLLM's: exactly output_len tokens; other servers may reject it
    max_streams: int = 256
    deadline: float = 600.0
    cluster: str | None = None
    mode: str = "auto"  # auto: a Job for a deployment, the in-process client for a URL | client | job
    image: str | None = None
    tokenizer: str | None = None
    seed: int = 42

    def workload(self, kpi: str | None = None) -> Workload:
        return Workload(
            self.input_len or 512,
            self.output_len or 128,
            self.input_stddev,
            self.output_stddev,
            self.dataset,
            self.api,
            self.seed,
            kpi,
        )

    def from_kpi(self, kpi: str | None) -> BenchmarkRequest:
        """Fill unset lengths and levels from the KPI the deployment was sized for: its workload, and
        concurrency levels up to the KPI's (1, a quarter of it, all of it)."""
        from dataclasses import replace

        from jupyter_optiserve.recommend.kpi import DEFAULTS

        d = DEFAULTS.get(kpi or "")
        if not d:
            return self
        levels = self.concurrency or ([] if self.rate else sorted({1, max(1, d["concurrency"] // 4), d["concurrency"]}))
        return replace(
            self,
            input_len=self.input_len or d["input_len"],
            output_len=self.output_len or d["output_len"],
            concurrency=levels,
        )

    @classmethod
    def from_dict(cls, d: dict) -> BenchmarkRequest:
        return cls(**{k: v for k, v in d.items() if k in cls.__dataclass_fields__ and v is not None})


def token_from_env(var: str | None) -> str | None:
    if not var:
        return None
    value = os.environ.get(var)
    if not value:
        raise InvalidInputError(
            f"--token-env {var}: the variable is not set or empty",
            hint=f"export {var}=<token> first (the value is never printed or stored)",
        )
    return value


def run(
    req: BenchmarkRequest,
    *,
    conn=None,
    store=None,
    on_progress: Callable[[dict], None] | None = None,
    cancel=None,
    run_id: str | None = None,
) -> dict:
    """Measure, compare, store. ``conn`` is needed for a deployment (``req.name``); ``run_id`` lets a
    server task and its stored run share one id."""
    from jupyter_optiserve.benchmark import target as _target
    from jupyter_optiserve.benchmark.runner import Sweep, run_sweep
    from jupyter_optiserve.benchmark.store import Store, new_id

    if bool(req.name) == bool(req.url):
        raise InvalidInputError(
            "benchmark either a deployment NAME or a --url",
            hint="e.g. `optiserve benchmark granite` or `optiserve benchmark --url https://host --model granite`",
        )
    if req.name:
        if conn is None:
            raise InvalidInputError("benchmarking a deployment needs a cluster", hint="or pass --url and --model")
        tgt = _target.from_deployment(conn, req.name, req.namespace or conn.namespace, req.cluster)
    else:
        tgt = _target.from_url(req.url or "", req.model, req.cluster)
    kpi = (tgt.profile or {}).get("kpi")
    unset = req.input_len is None or req.output_len is None or not (req.concurrency or req.rate)
    req = req.from_kpi(kpi)
    if not (req.concurrency or req.rate):
        raise InvalidInputError(
            "no levels: pass --concurrency 1,8,32 or --rate 1,2,4",
            hint="a deployment made by this OptiServe takes its levels from its KPI",
        )
    workload = req.workload(kpi if kpi and unset else None)
    sweep = Sweep(req.concurrency, req.rate, req.requests_per_level, req.max_streams, req.deadline)
    token = token_from_env(req.token_env) or tgt.token
    mode = req.mode if req.mode != "auto" else ("job" if req.name else "client")
    progress = on_progress or (lambda e: None)
    predict, calibration = _predictor(tgt, workload.to_dict())

    def on_level(e: dict) -> None:  # the prediction rides along with each finished level (a chart point)
        if e.get("event") == "level_done":
            predict(e["level"])
        progress(e)

    rid = run_id or new_id()
    progress({"event": "start", "id": rid, "mode": mode, "levels": len(req.concurrency or req.rate)})
    if mode == "job":
        from jupyter_optiserve.benchmark.client import check_url
        from jupyter_optiserve.benchmark.job import run_job

        if not req.name:
            raise InvalidInputError("--mode job needs a deployment NAME", hint="use --mode client for a URL")
        check_url(tgt.internal_url or tgt.url, tgt.auth_secret, req.insecure_token)
        levels, meta = run_job(
            conn, tgt, workload, sweep, image=req.image, tokenizer=req.tokenizer, on_progress=progress, cancel=cancel
        )
        if not any(lv["requests"] for lv in levels):
            from jupyter_optiserve.benchmark.errors import NothingMeasuredError

            raise NothingMeasuredError(
                "the GuideLLM Job's report holds no successful request; nothing was stored",
                hint="check the endpoint and its token, or try --mode client to see the error",
            )
        for i, lv in enumerate(levels):
            on_level({"event": "level_done", "index": i, "level": lv})
        source = "guidellm-job"
    else:
        client_kw = {
            "url": tgt.url,
            "model": tgt.model,
            "token": token,
            "allow_insecure_token": req.insecure_token,
            "ignore_eos": req.ignore_eos,
        }
        levels = run_sweep(client_kw, workload, sweep, on_level, cancel)
        meta, source = {"client": "optiserve"}, "client"
    out: dict[str, Any] = {
        "id": rid,
        "source": source,
        "endpoint": tgt.url,
        "model": tgt.model,
        "workload": workload.to_dict(),
        "context": tgt.context,
        "meta": meta,
        "levels": levels,
    }
    if calibration:
        out["calibration"] = calibration
    store = store or Store()
    store.add_run(out)
    out["stored"] = True
    progress({"event": "stored", "id": rid})
    return out


def _predictor(tgt, workload: dict):
    """(attach(level), calibration provenance): ``attach`` adds ``predicted`` and ``error_pct`` to a
    concurrency level (and ``calibrated`` where this cluster has corrections). A no-op unless the
    target is a deployment whose profile the catalog knows."""
    if not (tgt.profile and tgt.catalog_model):
        return (lambda level: None), None
    from jupyter_optiserve.benchmark.calibrate import corrections_for
    from jupyter_optiserve.benchmark.compare import error_pct, predict_level
    from jupyter_optiserve.catalog import load_catalog

    cat = load_catalog()
    model, acc = cat.find_model(tgt.catalog_model), cat.accelerators.find(tgt.profile.get("accelerator"))
    if not (model and acc):
        return (lambda level: None), None
    corr = corrections_for(tgt.context.get("cluster"), acc.id, tgt.profile.get("engine_version") or "")

    def attach(level: dict) -> None:
        if not level.get("concurrency") or level.get("predicted"):
            return  # the estimator models closed-loop concurrency, not a Poisson rate
        pred = predict_level(model, acc, tgt.profile, workload, level["concurrency"])
        if pred:
            level["predicted"] = pred
            level["error_pct"] = error_pct(level, pred)
            if corr.factors:
                level["calibrated"] = {
                    k: round(v, 3)
                    for k, v in corr.apply(
                        {k: v for k, v in pred.items() if k != "label"}, level["concurrency"]
                    ).items()
                }

    return attach, corr.provenance
