"""Text rendering of a run: one line per level, the prediction and its error beside the measurement."""

from __future__ import annotations

from jupyter_optiserve.tables import table


def _f(v, digits=1):
    return "" if v is None else f"{v:.{digits}f}"


def text(run: dict) -> str:
    head = f"benchmark {run['id']}: {run.get('model')} at {run.get('endpoint')}"
    wl = run.get("workload") or {}
    lines = [
        head,
        f"workload: {wl.get('input_len')} prompt / {wl.get('output_len')} answer tokens, {wl.get('api')} API"
        + (f", dataset {wl['dataset']}" if wl.get("dataset") else ""),
    ]
    rows = []
    for lv in run["levels"]:
        pred, err = lv.get("predicted") or {}, lv.get("error_pct") or {}
        m = lambda k, lv=lv: (lv.get(k) or {}).get("mean")  # noqa: E731
        rows.append(
            [
                lv.get("concurrency") or f"{lv.get('rate')}/s",
                lv["requests"],
                lv["errors"],
                _f(m("ttft_ms")),
                _f((lv.get("ttft_ms") or {}).get("p90")),
                _f(m("itl_ms"), 2),
                _f(m("request_latency_ms"), 0),
                _f(lv.get("output_tokens_per_s")),
                _f(lv.get("requests_per_s"), 2),
                _f(pred.get("ttft_ms")),
                _f(err.get("ttft_ms")),
                _f(pred.get("itl_ms"), 2),
                _f(err.get("itl_ms")),
                _f(pred.get("output_tokens_per_s")),
                _f(err.get("output_tokens_per_s")),
            ]
        )
    columns = [
        "level",
        "ok",
        "err",
        "ttft ms",
        "p90",
        "itl ms",
        "e2e ms",
        "out tok/s",
        "req/s",
        "pred ttft",
        "err%",
        "pred itl",
        "err%",
        "pred tok/s",
        "err%",
    ]
    if not any(lv.get("predicted") for lv in run["levels"]):  # a plain URL: nothing to compare with
        columns, rows = columns[:9], [r[:9] for r in rows]
    lines.append(table(rows, columns))
    if run.get("calibration"):
        lines.append(f"calibrated predictions: {run['calibration']}")
    lines.append("stored" if run.get("stored") else "not stored")
    return "\n".join(lines)
