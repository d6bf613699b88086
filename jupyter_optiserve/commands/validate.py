"""``optiserve validate --data CSV``: the estimator's accuracy against published measurements."""

from __future__ import annotations

from jupyter_optiserve.calibration import summarize, validate_csv
from jupyter_optiserve.catalog import load_catalog
from jupyter_optiserve.commands.common import print_json, table


def register(sub):
    p = sub.add_parser("validate", help="accuracy report against a calibration CSV")
    p.add_argument("--data", required=True, help="CSV in the published-vllm-measurements.csv format")
    p.add_argument("--rows", action="store_true", help="also print every row's prediction")
    p.add_argument(
        "--backend",
        choices=["auto", "roofline", "measured"],
        default="auto",
        help="kernel costs to predict with (measured tables need the optional extra)",
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run)


def run(args) -> int:
    rows = validate_csv(load_catalog(), args.data, args.backend)
    summary = summarize(rows)
    if args.json:
        if args.rows:
            summary["rows"] = [r.to_dict() for r in rows]
        print_json(summary)
        return 0
    for title, key in (
        ("Rows with stated conditions (headline)", "metrics"),
        ("All rows", "metrics_all_rows"),
        ("Per source, load regime and metric", "by_regime"),
        ("Per kernel backend", "by_backend"),
        ("Shape: the ratio when only one condition changes", "shape"),
    ):
        print(f"{title}:")
        data = summary[key]
        print(
            table(
                [
                    [k, v["rows"], v["median_abs_pct"], v["p90_abs_pct"], v["median_signed_pct"]]
                    for k, v in data.items()
                ],
                ["metric", "rows", "median |err| %", "p90 |err| %", "median signed %"],
            )
        )
        print()
    print(f"rows without a prediction: {summary['skipped']}")
    if args.rows:
        print(
            table(
                [
                    [
                        r.source,
                        r.model[:40],
                        r.tp,
                        r.regime,
                        r.backend,
                        r.metric,
                        r.measured,
                        None if r.predicted is None else round(r.predicted, 2),
                        None if r.error_pct is None else round(r.error_pct),
                        r.note,
                    ]
                    for r in rows
                ],
                ["source", "model", "tp", "regime", "backend", "metric", "measured", "predicted", "err %", "note"],
            )
        )
    return 0
