"""``optiserve stop NAME``: KServe's stop annotation (pods go, objects stay); ``--start`` resumes."""

from __future__ import annotations

from jupyter_optiserve.commands.common import add_cluster_flags, session


def register(sub) -> None:
    p = sub.add_parser("stop", help="stop (or --start) a deployment created by OptiServe")
    p.add_argument("name", help="InferenceService name")
    p.add_argument("--start", action="store_true", help="start it again")
    add_cluster_flags(p)
    p.set_defaults(func=run)


def run(args) -> int:
    s = session(args)
    out = s.start(args.name, args.namespace) if args.start else s.stop(args.name, args.namespace)
    print(
        f"{'started' if args.start else 'stopped'}: {args.name} in {out['namespace']} (serving.kserve.io/stop="
        f"{'false' if args.start else 'true'})"
    )
    return 0
