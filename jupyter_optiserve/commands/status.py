"""``optiserve status NAME``: where a deployment is now, as a one-shot timeline with the cause."""

from __future__ import annotations

from jupyter_optiserve.commands.common import add_cluster_flags, print_json, session


def register(sub) -> None:
    p = sub.add_parser("status", help="show a deployment's phase, endpoint and failure cause")
    p.add_argument("name", help="InferenceService name")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    add_cluster_flags(p)
    p.set_defaults(func=run)


def run(args) -> int:
    out, tl = session(args).status_timeline(args.name, args.namespace)
    if args.json:
        print_json(out)
    else:
        print(f"{args.name} in {out['namespace']}" + (f" (profile {out['profile']})" if out["profile"] else ""))
        print(tl.text())
    return 0 if tl.outcome in ("ready", "stopped", None) else 1
