"""``optiserve render``: the manifests for a model + KPI as multi-document YAML on stdout."""

from __future__ import annotations

import sys

from jupyter_optiserve.commands.common import session
from jupyter_optiserve.commands.planflags import add_plan_flags, plan_request, print_notes


def register(sub) -> None:
    p = sub.add_parser(
        "render",
        help="print the ServingRuntime + InferenceService YAML for a model and KPI",
        description="Render RHOAI-compatible KServe manifests (nothing is created).",
    )
    add_plan_flags(p)
    p.set_defaults(func=run)


def run(args) -> int:
    out = session(args).render(plan_request(args), check=False)
    print_notes(out["notes"])
    sys.stdout.write(out["yaml"])
    return 0
