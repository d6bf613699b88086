"""``optiserve list``: what OptiServe deployed in the namespace, then the other InferenceServices."""

from __future__ import annotations

from jupyter_optiserve.commands.common import add_cluster_flags, print_json, session, table


def register(sub) -> None:
    p = sub.add_parser("list", help="list deployments in the namespace (OptiServe's first)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    add_cluster_flags(p)
    p.set_defaults(func=run)


def run(args) -> int:
    out = session(args).list(args.namespace, tasks=False)
    ns, rows = out["namespace"], out["deployments"]
    if args.json:
        print_json(out)
        return 0
    for o in out["orphans"]:
        print(
            f"left over: {o['kind']}/{o['name']} without its InferenceService; remove it with "
            f"`optiserve delete {o['name']} -n {ns}`"
        )
    if not rows:
        print(f"no InferenceServices in {ns}")
        return 0
    print(
        table(
            [
                [r["name"], "optiserve" if r["optiserve"] else "other", r["state"], r["profile"] or "", r["url"] or ""]
                for r in rows
            ],
            ["NAME", "CREATED BY", "STATE", "PROFILE", "URL"],
        )
    )
    return 0
