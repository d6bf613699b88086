"""GuideLLM (Red Hat's LLM benchmark tool, Apache-2.0) JSON reports, version 2 (GuideLLM 0.8.x).

``parse_report`` turns a report into the CLI's levels; ``import_report`` stores one the user ran
themselves (``optiserve benchmark --import report.json``). GuideLLM's ITL is per request, like ours;
its throughput is ``output_tokens_per_second.total.mean`` (percentiles there are over time).
"""

from __future__ import annotations

import json
from pathlib import Path

from jupyter_optiserve.errors import InvalidInputError

SUPPORTED_VERSIONS = (2,)


def _summary(metric: dict | None, scale: float = 1.0) -> dict | None:
    s = (metric or {}).get("successful") or {}
    if not s.get("count"):
        return None
    pct = s.get("percentiles") or {}
    return {
        "mean": round(s["mean"] * scale, 3),
        "p50": round(pct.get("p50", s.get("median", 0)) * scale, 3),
        "p90": round(pct.get("p90", 0) * scale, 3),
        "p99": round(pct.get("p99", 0) * scale, 3),
    }


def _level(b: dict) -> dict:
    strategy = (b.get("config") or {}).get("strategy") or {}
    kind = strategy.get("type_")
    m = b.get("metrics") or {}
    totals = m.get("request_totals") or {}
    mean = lambda name, part="successful": ((m.get(name) or {}).get(part) or {}).get("mean")  # noqa: E731
    out = {
        "concurrency": strategy.get("streams") if kind == "concurrent" else (1 if kind == "synchronous" else None),
        "requests": int(totals.get("successful") or 0),
        "errors": int(totals.get("errored") or 0) + int(totals.get("incomplete") or 0),
        "ttft_ms": _summary(m.get("time_to_first_token_ms")),
        "itl_ms": _summary(m.get("inter_token_latency_ms")),
        "request_latency_ms": _summary(m.get("request_latency"), 1000.0),
        "output_tokens_per_s": round(mean("output_tokens_per_second", "total") or 0.0, 3),
        "requests_per_s": round(mean("requests_per_second", "total") or 0.0, 4),
        "mean_input_tokens": mean("prompt_token_count"),
        "mean_output_tokens": mean("output_token_count"),
        "truncated": False,
    }
    if kind not in ("concurrent", "synchronous"):
        out["rate"] = strategy.get("rate")
    out["strategy"] = kind
    return out


def parse_report(data: dict, where: str = "the report") -> tuple[list[dict], dict, dict]:
    """(levels, workload, meta) from a GuideLLM report; errors name what is missing."""
    if not isinstance(data, dict) or "benchmarks" not in data:
        raise InvalidInputError(
            f"{where} is not a GuideLLM JSON report (no 'benchmarks')",
            hint="pass the file written by `guidellm run --output kind=json,path=...`",
        )
    version = (data.get("metadata") or {}).get("version")
    if version not in SUPPORTED_VERSIONS:
        raise InvalidInputError(
            f"{where} is GuideLLM report version {version}; OptiServe reads version 2",
            hint="run GuideLLM 0.8.x, or `guidellm export` the report with a 0.8.x install",
        )
    spec = (data.get("config") or {}).get("spec") or {}
    backend, d = spec.get("backend") or {}, (spec.get("data") or [{}])[0]
    fmt = backend.get("request_format") or "/v1/completions"
    workload = {
        "input_len": d.get("prompt_tokens"),
        "output_len": d.get("output_tokens"),
        "input_stddev": d.get("prompt_tokens_stdev") or 0,
        "output_stddev": d.get("output_tokens_stdev") or 0,
        "dataset": None if (d.get("kind") or "").startswith("synthetic") else d.get("kind"),
        "api": "chat" if "chat" in fmt else "completions",
        "seed": None,
    }
    levels = [_level(b) for b in data["benchmarks"]]
    meta = {
        "guidellm_version": data["metadata"].get("guidellm_version"),
        "report_version": version,
        "model": backend.get("model"),
        "target": backend.get("target"),
    }
    return levels, workload, meta


def load(path: str) -> dict:
    p = Path(path)
    if not p.is_file():
        raise InvalidInputError(f"report file '{path}' does not exist", hint="pass the GuideLLM JSON report's path")
    try:
        return json.loads(p.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidInputError(
            f"report file '{path}' is not JSON: {exc}", hint="pass GuideLLM's JSON output"
        ) from None


def import_report(
    path: str, *, model: str | None = None, endpoint: str | None = None, cluster: str | None = None, store=None
) -> dict:
    from jupyter_optiserve.benchmark.errors import NothingMeasuredError
    from jupyter_optiserve.benchmark.store import Store, new_id

    levels, workload, meta = parse_report(load(path), f"'{path}'")
    if not any(lv["requests"] for lv in levels):
        raise NothingMeasuredError(f"'{path}' holds no successful request", hint="nothing was stored")
    out = {
        "id": new_id(),
        "source": "guidellm-import",
        "endpoint": endpoint or meta["target"],
        "model": model or meta["model"],
        "workload": workload,
        "context": {"cluster": cluster},
        "meta": {**meta, "file": Path(path).name},
        "levels": levels,
    }
    (store or Store()).add_run(out)
    out["stored"] = True
    return out
