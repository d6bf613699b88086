"""``optiserve benchmarks``: stored runs, newest first; ``show ID``; ``export [-o FILE]`` as CSV."""

from __future__ import annotations

import sys

from jupyter_optiserve.commands.common import positive_int, print_json, session, table


def register(sub) -> None:
    p = sub.add_parser("benchmarks", help="list stored benchmark runs; `show ID`; `export` as CSV")
    p.add_argument("action", nargs="?", choices=("list", "show", "export"), default="list")
    p.add_argument("id", nargs="?", help="run id (or a unique prefix) for `show`")
    p.add_argument("--limit", type=positive_int("--limit", 100000), default=50)
    p.add_argument("-o", "--output", help="CSV file for `export` (default: stdout)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=run)


def run(args) -> int:
    from jupyter_optiserve.errors import InvalidInputError

    s = session(args)
    if args.action == "show":
        if not args.id:
            raise InvalidInputError(
                "`optiserve benchmarks show` needs a run id", hint="`optiserve benchmarks` lists them"
            )
        out = s.benchmark_run(args.id)
        if args.json:
            print_json(out)
        else:
            from jupyter_optiserve.benchmark.report import text

            print(text({**out, "stored": True}))
        return 0
    if args.action == "export":
        data = s.benchmarks_csv()
        if args.output:
            with open(args.output, "w", encoding="utf-8", newline="") as f:
                f.write(data)
            print(f"wrote {args.output}", file=sys.stderr)
        else:
            sys.stdout.write(data)
        return 0
    runs = s.benchmarks(args.limit)["runs"]
    if args.json:
        print_json({"runs": runs, "database": s.benchmark_database()})
        return 0
    if not runs:
        print(f"no benchmark runs stored yet ({s.benchmark_database()}); run `optiserve benchmark`")
        return 0
    print(
        table(
            [
                [
                    r["id"],
                    r["created_at"][:19],
                    r["source"],
                    r["model"],
                    r["context"].get("deployment") or r["endpoint"],
                    r["context"].get("accelerator"),
                    r["levels"],
                ]
                for r in runs
            ],
            ["id", "created (UTC)", "source", "model", "deployment / endpoint", "accelerator", "levels"],
        )
    )
    return 0
