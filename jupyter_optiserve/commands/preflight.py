"""``optiserve preflight``: every check deploy runs first, without creating anything."""

from __future__ import annotations

from jupyter_optiserve.commands.common import print_json
from jupyter_optiserve.commands.planflags import add_plan_flags, connect_from_args, plan_from_args


def register(sub) -> None:
    p = sub.add_parser(
        "preflight",
        help="check a deployment before creating it (pass/warn/fail + fixes)",
        description="Run the preflight checks (failure-modes.md) for a model and KPI; exit 1 if any fails.",
    )
    add_plan_flags(p)
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=run)


def run(args) -> int:
    from jupyter_optiserve.deploy import ensure_valid, render, run_preflight

    conn = connect_from_args(args)
    plan = plan_from_args(args, conn)
    objs = render(plan)
    if conn is None:  # with a cluster, the server-side dry run validates against its own CRDs
        ensure_valid(objs)
    report = run_preflight(plan, objs, conn)
    if args.json:
        print_json({"plan": plan.summary(), "preflight": report.to_dict()})
    else:
        print(f"{plan.name}: {plan.profile.name} in {plan.namespace}")
        print(report.text())
    return 0 if report.ok else 1
