"""``%optiserve benchmark``: measure in the kernel, show predicted vs measured, return a scriptable
object (``.to_records()``, ``.to_dataframe()`` with pandas, ``.to_dict()`` = the CLI's JSON).

The sweep runs on its own thread and event loop: a notebook's kernel already runs an asyncio loop
(``asyncio.run`` cannot nest in it). The chart is matplotlib's when it is installed, else a table.
"""

from __future__ import annotations

import base64
import io
import threading

from jupyter_optiserve.benchmark.compare import PREDICTED, measured_value
from jupyter_optiserve.magics.display import esc, html_table

CHART_METRICS = (("ttft_ms", "TTFT (ms)"), ("itl_ms", "ITL (ms)"), ("output_tokens_per_s", "output tokens/s"))


class BenchmarkResult:
    def __init__(self, run: dict):
        self.data = run

    id = property(lambda self: self.data["id"])
    levels = property(lambda self: self.data["levels"])

    def to_dict(self) -> dict:
        return self.data

    def to_records(self) -> list[dict]:
        """One flat dict per level: measured mean/p50/p90/p99, predicted and error % per metric."""
        rows = []
        for lv in self.levels:
            row = {
                "run": self.id,
                "concurrency": lv.get("concurrency"),
                "rate": lv.get("rate"),
                "requests": lv["requests"],
                "errors": lv["errors"],
            }
            for m in PREDICTED:
                v = lv.get(m)
                if isinstance(v, dict):
                    row.update({f"{m}_{s}": v.get(s) for s in ("mean", "p50", "p90", "p99")})
                else:
                    row[m] = v
                row[f"predicted_{m}"] = (lv.get("predicted") or {}).get(m)
                row[f"error_pct_{m}"] = (lv.get("error_pct") or {}).get(m)
            rows.append(row)
        return rows

    def to_dataframe(self):
        try:
            import pandas as pd
        except ImportError:
            raise ImportError("to_dataframe() needs pandas: pip install pandas (to_records() needs nothing)") from None
        return pd.DataFrame.from_records(self.to_records())

    def _rows(self) -> list[list]:
        out = []
        for lv in self.levels:
            pred, err = lv.get("predicted") or {}, lv.get("error_pct") or {}
            cells = [lv.get("concurrency") or f"{lv.get('rate')}/s", lv["requests"], lv["errors"]]
            for m, _ in CHART_METRICS:
                meas = measured_value(lv, m)
                cells += [
                    None if meas is None else round(meas, 1),
                    pred.get(m) and round(pred[m], 1),
                    None if err.get(m) is None else f"{err[m]:+.0f}%",
                ]
            out.append(cells)
        return out

    _HEAD = [
        "level",
        "ok",
        "errors",
        "TTFT ms",
        "predicted",
        "error",
        "ITL ms",
        "predicted",
        "error",
        "tokens/s",
        "predicted",
        "error",
    ]

    def _repr_html_(self) -> str:
        title = f"Benchmark {esc(self.id)}: {esc(self.data.get('model'))} at {esc(self.data.get('endpoint'))}"
        note = f"<p>{esc(self.data['calibration'])}</p>" if self.data.get("calibration") else ""
        png = chart_png(self.data)
        img = f'<img src="data:image/png;base64,{png}" alt="predicted vs measured"/>' if png else ""
        return f"<div><b>{title}</b>{img}{html_table(self._HEAD, self._rows())}{note}</div>"

    def __repr__(self) -> str:
        from jupyter_optiserve.benchmark.report import text

        return text(self.data)


def chart_png(run: dict) -> str | None:
    """Measured (line) and predicted (dashed) against concurrency, one panel per metric; None without
    matplotlib or without concurrency levels."""
    levels = [lv for lv in run["levels"] if lv.get("concurrency")]
    if not levels:
        return None
    try:
        import matplotlib

        matplotlib.use("Agg", force=False)
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    xs = [lv["concurrency"] for lv in levels]
    fig, axes = plt.subplots(1, len(CHART_METRICS), figsize=(4 * len(CHART_METRICS), 3))
    for ax, (m, label) in zip(axes, CHART_METRICS, strict=False):
        ax.plot(xs, [measured_value(lv, m) for lv in levels], "o-", label="measured")
        pred = [(lv.get("predicted") or {}).get(m) for lv in levels]
        if any(p is not None for p in pred):
            ax.plot(xs, pred, "s--", label="predicted")
        ax.set_xscale("log", base=2)
        ax.set_xlabel("concurrency")
        ax.set_title(label)
    axes[0].legend()
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=80)
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode()


def benchmark(args, settings) -> BenchmarkResult:
    from jupyter_optiserve.commands.benchmark import measure_request, progress
    from jupyter_optiserve.service import Session

    result: dict = {}

    def work():
        try:
            result["run"] = Session(settings).measure(measure_request(args), on_progress=progress)
        except BaseException as exc:
            result["error"] = exc

    t = threading.Thread(target=work, name="optiserve-benchmark", daemon=True)
    t.start()
    t.join()
    if "error" in result:
        raise result["error"]
    return BenchmarkResult(result["run"])
