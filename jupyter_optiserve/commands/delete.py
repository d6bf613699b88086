"""``optiserve delete NAME``: remove a deployment OptiServe created (never anyone else's)."""

from __future__ import annotations

import sys

from jupyter_optiserve.commands.common import add_cluster_flags, session
from jupyter_optiserve.errors import InvalidInputError


def register(sub) -> None:
    p = sub.add_parser("delete", help="delete a deployment created by OptiServe")
    p.add_argument("name", help="InferenceService name")
    p.add_argument("--yes", "-y", action="store_true", help="do not ask for confirmation")
    add_cluster_flags(p)
    p.set_defaults(func=run)


def run(args) -> int:
    s = session(args)
    if not args.yes:
        if not sys.stdin.isatty():
            raise InvalidInputError("not asking for confirmation without a terminal", hint="pass --yes")
        ns = s.namespace(args.namespace)
        if input(f"Delete {args.name} in {ns}? [y/N] ").strip().lower() not in ("y", "yes"):
            print("cancelled")
            return 0
    for ref in s.delete(args.name, args.namespace)["deleted"]:
        print(f"deleted: {ref}")
    return 0
