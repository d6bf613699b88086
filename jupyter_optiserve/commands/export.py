"""``optiserve export --output DIR``: manifests + kustomization.yaml + README for GitOps (no cluster needed)."""

from __future__ import annotations

from jupyter_optiserve.commands.common import session
from jupyter_optiserve.commands.planflags import add_plan_flags, plan_request


def register(sub) -> None:
    p = sub.add_parser("export", help="write the manifests, a kustomization and a README into a folder")
    add_plan_flags(p)
    p.add_argument("--output", "-o", required=True, metavar="DIR", help="folder to write (created if missing)")
    p.add_argument("--force", action="store_true", help="overwrite files the folder already holds")
    p.set_defaults(func=run)


def run(args) -> int:
    for path in session(args).export(plan_request(args), args.output, force=args.force, check=False):
        print(path)
    return 0
