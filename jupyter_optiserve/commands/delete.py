"""``optiserve delete NAME``: remove a deployment OptiServe created (never anyone else's)."""

from __future__ import annotations

import sys

from jupyter_optiserve.commands.planflags import add_cluster_flags, connect_from_args
from jupyter_optiserve.errors import InvalidInputError


def register(sub) -> None:
    p = sub.add_parser("delete", help="delete a deployment created by OptiServe")
    p.add_argument("name", help="InferenceService name")
    p.add_argument("--yes", "-y", action="store_true", help="do not ask for confirmation")
    add_cluster_flags(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from jupyter_optiserve.deploy import Deployer

    conn = connect_from_args(args, required=True)
    ns = args.namespace or conn.namespace
    if not args.yes:
        if not sys.stdin.isatty():
            raise InvalidInputError("not asking for confirmation without a terminal", hint="pass --yes")
        if input(f"Delete {args.name} in {ns}? [y/N] ").strip().lower() not in ("y", "yes"):
            print("cancelled")
            return 0
    for ref in Deployer(conn).delete(ns, args.name):
        print(f"deleted: {ref}")
    return 0
