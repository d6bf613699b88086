"""``optiserve accuracy --data CSV``: the estimator's accuracy against published measurements.

``optiserve validate`` is the old name, kept for one release with a deprecation message on stderr."""

from __future__ import annotations

import sys

from jupyter_optiserve.commands.common import print_json, session, table


def register(sub):
    add_flags(sub.add_parser("accuracy", help="the estimator's error against a calibration CSV of measurements"))
    old = sub.add_parser("validate", help="deprecated name of `accuracy`")
    add_flags(old)
    old.set_defaults(func=run_deprecated)


def run_deprecated(args) -> int:
    print("optiserve: warning: `optiserve validate` is deprecated; use `optiserve accuracy`", file=sys.stderr)
    return run(args)


def add_flags(p) -> None:
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
    rows, summary = session(args).accuracy(args.data, args.backend)
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
