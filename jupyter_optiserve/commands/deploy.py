"""``optiserve deploy``: preflight, create (idempotently), follow the timeline, send one request."""

from __future__ import annotations

import sys

from jupyter_optiserve.commands.common import positive_float, print_json
from jupyter_optiserve.commands.planflags import add_plan_flags, connect_from_args, plan_from_args
from jupyter_optiserve.errors import ConflictError, InvalidInputError


def add_deploy_flags(p) -> None:
    """What ``deploy`` adds to the plan flags, shared with the magic."""
    p.add_argument("--dry-run", action="store_true", help="server-side dry run (dryRun=All): nothing is created")
    p.add_argument("--yes", "-y", action="store_true", help="do not ask for confirmation")
    p.add_argument(
        "--timeout",
        type=positive_float("--timeout", 24 * 3600),
        default=1800.0,
        help="seconds to follow the start-up (default 1800)",
    )
    p.add_argument("--no-follow", action="store_true", help="create and return without watching")
    p.add_argument("--no-smoke", action="store_true", help="skip the first-request check after Ready")


def register(sub) -> None:
    p = sub.add_parser(
        "deploy",
        help="deploy a model for a KPI and follow it to a working endpoint",
        description="Preflight, create the ServingRuntime + InferenceService, follow the start-up "
        "timeline and send one real request. Re-running changes nothing.",
    )
    add_plan_flags(p, call_timeout_flag="--request-timeout")
    add_deploy_flags(p)
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=run)


def _say(args, text: str) -> None:
    print(text, file=sys.stderr if args.json else sys.stdout, flush=True)


def run(args) -> int:
    from jupyter_optiserve.deploy import Deployer, ensure_valid, follow, render, run_preflight

    conn = connect_from_args(args, required=True)
    plan = plan_from_args(args, conn)
    objs = render(plan)
    if conn is None:  # with a cluster, the server-side dry run validates against its own CRDs
        ensure_valid(objs)
    report = run_preflight(plan, objs, conn, dry_run=True)
    out = {"plan": plan.summary(), "preflight": report.to_dict()}
    _say(args, f"{plan.name}: {plan.profile.name} in {plan.namespace}\n{report.text()}")
    if not report.ok:
        if args.json:
            print_json(out)
        clash = next((f for f in report.failures if f.id == "name"), None)
        if clash is not None:  # the documented exit code for a name collision (6), not a plain failure
            raise ConflictError(clash.message, hint=clash.fix)
        return 1
    if not (args.yes or args.dry_run):
        if not sys.stdin.isatty():
            raise InvalidInputError("not asking for confirmation without a terminal", hint="pass --yes to deploy")
        if input(f"Create {len(objs)} object(s) in {plan.namespace}? [y/N] ").strip().lower() not in ("y", "yes"):
            _say(args, "cancelled")
            return 0
    result = Deployer(conn).apply(objs, dry_run=args.dry_run)
    out["apply"] = result.to_dict()
    for kind, name, action in result.actions:
        _say(args, f"{action}{' (dry run)' if args.dry_run else ''}: {kind}/{name}")
    if args.dry_run or args.no_follow:
        if not args.dry_run:
            _say(args, f"follow it with: optiserve status {plan.name} -n {plan.namespace}")
        if args.json:
            print_json(out)
        return 0
    seen = [0]

    def progress(tl):
        for t, text in tl.entries[seen[0] :]:
            _say(args, f"  {t:7.1f}s  {text}")
        seen[0] = len(tl.entries)

    kind = "LLMInferenceService" if plan.target == "llmisvc" else "InferenceService"
    from jupyter_optiserve.deploy.resources import KINDS

    tl = follow(conn, plan.name, plan.namespace, timeout=args.timeout, on_update=progress, kind=KINDS[kind])
    if tl.outcome == "ready" and not args.no_smoke:
        _smoke(conn, plan, tl, args)
    out["timeline"] = tl.to_dict()
    _say(args, tl.text())
    if args.json:
        print_json(out)
    return 0 if tl.outcome == "ready" and (tl.smoke or {}).get("ok", True) else 1


def _smoke(conn, plan, tl, args) -> None:
    from jupyter_optiserve.deploy.smoke import record_smoke

    record_smoke(conn, plan, tl, timeout=min(120.0, args.timeout))
    snip = tl.smoke["snippets"]
    tl.notes.append("try it:\n" + snip["curl"] + "\n\n" + snip["python"])
