"""``optiserve export --output DIR``: manifests + kustomization.yaml + README for GitOps (no cluster needed)."""

from __future__ import annotations

from jupyter_optiserve.commands.planflags import add_plan_flags, connect_from_args, plan_from_args


def register(sub) -> None:
    p = sub.add_parser("export", help="write the manifests, a kustomization and a README into a folder")
    add_plan_flags(p)
    p.add_argument("--output", "-o", required=True, metavar="DIR", help="folder to write (created if missing)")
    p.add_argument("--force", action="store_true", help="overwrite files the folder already holds")
    p.set_defaults(func=run)


def run(args) -> int:
    from jupyter_optiserve.deploy import ensure_valid, export, render, run_preflight
    from jupyter_optiserve.deploy.nodefit import ensure_fits_node

    conn = connect_from_args(args)
    plan = plan_from_args(args, conn)
    ensure_fits_node(plan)
    objs = render(plan)
    ensure_valid(objs)
    report = run_preflight(plan, objs, None)  # offline checks only: the folder may be applied elsewhere
    for path in export(objs, args.output, plan, report, force=args.force):
        print(path)
    return 0
