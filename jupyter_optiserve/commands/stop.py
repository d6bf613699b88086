"""``optiserve stop NAME``: KServe's stop annotation (pods go, objects stay); ``--start`` resumes."""

from __future__ import annotations

from jupyter_optiserve.commands.planflags import add_cluster_flags, connect_from_args


def register(sub) -> None:
    p = sub.add_parser("stop", help="stop (or --start) a deployment created by OptiServe")
    p.add_argument("name", help="InferenceService name")
    p.add_argument("--start", action="store_true", help="start it again")
    add_cluster_flags(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from jupyter_optiserve.deploy import Deployer

    conn = connect_from_args(args, required=True)
    ns = args.namespace or conn.namespace
    Deployer(conn).stop(ns, args.name, stopped=not args.start)
    print(
        f"{'started' if args.start else 'stopped'}: {args.name} in {ns} (serving.kserve.io/stop="
        f"{'false' if args.start else 'true'})"
    )
    return 0
