"""``optiserve preflight``: every check deploy runs first, without creating anything."""

from __future__ import annotations

from jupyter_optiserve.commands.common import print_json, session
from jupyter_optiserve.commands.planflags import add_plan_flags, plan_request


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
    plan, report = session(args).preflight_report(plan_request(args))
    if args.json:
        print_json({"plan": plan.summary(), "preflight": report.to_dict()})
    else:
        print(f"{plan.name}: {plan.profile.name} in {plan.namespace}")
        print(report.text())
    return 0 if report.ok else 1
