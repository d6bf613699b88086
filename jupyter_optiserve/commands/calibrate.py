"""``optiserve calibrate``: fit per-cluster corrections from stored runs; ``--reset`` drops them."""

from __future__ import annotations

from jupyter_optiserve.commands.common import body, print_json, session, table


def register(sub) -> None:
    p = sub.add_parser("calibrate", help="fit per-cluster estimate corrections from stored benchmark runs")
    p.add_argument("--cluster", help="only this cluster (default: every cluster with runs)")
    p.add_argument("--dry-run", action="store_true", help="show the fit and held-out error, save nothing")
    p.add_argument("--reset", action="store_true", help="drop the stored corrections (of --cluster, or all)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=run)


def run(args) -> int:
    out = session(args).calibrate(body(args, ("cluster", "dry_run", "reset")), check=False)
    if args.reset:
        n = out["removed"]
        print_json(out) if args.json else print(
            f"removed {n} correction(s)" + (f" for {args.cluster}" if args.cluster else "")
        )
        return 0
    if args.json:
        print_json(out)
        return 0
    if out["note"]:
        print(out["note"])
    for c in out["clusters"]:
        print(
            f"cluster {c['cluster']}: {c['runs']} runs, {len(c['corrections'])} correction(s)"
            + ("" if out["saved"] else " (dry run: not saved)")
        )
        if c["corrections"]:
            print(
                table(
                    [
                        [r["accelerator"], r["engine_version"], r["metric"], r["regime"], r["factor"], r["runs"]]
                        for r in c["corrections"]
                    ],
                    ["accelerator", "engine", "metric", "regime", "factor", "runs"],
                )
            )
        for s in c["skipped"]:
            print(f"  not fitted: {s}")
        h = c["holdout"]
        print(f"held-out error ({h['held_out_runs']} runs predicted by fits that did not see them):")
        print(
            table(
                [[m, v["before_pct"], v["after_pct"], v["levels"]] for m, v in h["metrics"].items()],
                ["metric", "before |err| %", "after |err| %", "levels"],
            )
        )
    return 0
