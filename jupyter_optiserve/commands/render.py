"""``optiserve render``: the manifests for a model + KPI as multi-document YAML on stdout."""

from __future__ import annotations

import sys

from jupyter_optiserve.commands.planflags import add_plan_flags, connect_from_args, plan_from_args, print_notes


def register(sub) -> None:
    p = sub.add_parser(
        "render",
        help="print the ServingRuntime + InferenceService YAML for a model and KPI",
        description="Render RHOAI-compatible KServe manifests (nothing is created).",
    )
    add_plan_flags(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from jupyter_optiserve.deploy.manifests import render, to_yaml
    from jupyter_optiserve.deploy.nodefit import ensure_fits_node
    from jupyter_optiserve.deploy.validate import ensure_valid

    conn = connect_from_args(args)
    plan = plan_from_args(args, conn)
    ensure_fits_node(plan)
    objs = render(plan)
    ensure_valid(objs)
    print_notes(plan)
    sys.stdout.write(to_yaml(objs))
    return 0
