"""``optiserve deploy``: preflight, create (idempotently), follow the timeline, send one request.

The deploy runs through the server's task pipeline (``service/tasks.py``) in the foreground: a
subscriber prints each event as it happens and a gate asks for confirmation after the preflight."""

from __future__ import annotations

import sys

from jupyter_optiserve.commands.common import add_option, print_json, session
from jupyter_optiserve.commands.planflags import add_plan_flags, plan_request
from jupyter_optiserve.errors import ConflictError, InvalidInputError

DEPLOY_FIELDS = ("dry_run", "timeout", "no_follow", "no_smoke")


def add_deploy_flags(p) -> None:
    """What ``deploy`` adds to the plan flags, shared with the magic."""
    add_option(p, "dry_run")
    p.add_argument("--yes", "-y", action="store_true", help="do not ask for confirmation")
    for name in ("timeout", "no_follow", "no_smoke"):
        add_option(p, name)


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


def run(args) -> int:
    say = lambda text: print(text, file=sys.stderr if args.json else sys.stdout, flush=True)  # noqa: E731
    request = {**plan_request(args), **{k: getattr(args, k) for k in DEPLOY_FIELDS if getattr(args, k)}}
    task = session(args).deploy_task(request, confirm=lambda t: _confirm(args, t, say))
    plan = task.plan

    def progress(ev: dict) -> None:
        if ev["type"] == "preflight":
            say(f"{plan.name}: {plan.profile.name} in {plan.namespace}\n{task.report.text()}")
        elif ev["type"] == "apply":
            for kind, name, action in task.result.actions:
                say(f"{action}{' (dry run)' if args.dry_run else ''}: {kind}/{name}")
        elif ev["type"] == "entry":
            say(f"  {ev['data']['t_s']:7.1f}s  {ev['data']['text']}")

    task.subscribe(progress)
    task.run()
    if task.exception is not None and task.report is not None and task.report.ok:
        raise task.exception  # after the preflight passed: the apply, the follow or the confirmation failed
    out = {"plan": plan.summary(), "preflight": task.preflight}
    if task.report is not None and not task.report.ok:
        if args.json:
            print_json(out)
        clash = next((f for f in task.report.failures if f.id == "name"), None)
        if clash is not None:  # the documented exit code for a name collision (6), not a plain failure
            raise ConflictError(clash.message, hint=clash.fix)
        return 1
    if task.exception is not None:
        raise task.exception
    if task.state == "cancelled":
        say("cancelled")
        return 0
    out["apply"] = task.apply
    if args.dry_run or args.no_follow:
        if not args.dry_run:
            say(f"follow it with: optiserve status {plan.name} -n {plan.namespace}")
        if args.json:
            print_json(out)
        return 0
    tl = task.tl
    if tl.smoke and tl.smoke.get("snippets"):
        snip = tl.smoke["snippets"]
        tl.notes.append("try it:\n" + snip["curl"] + "\n\n" + snip["python"])
    out["timeline"] = tl.to_dict()
    say(tl.text())
    if args.json:
        print_json(out)
    return 0 if task.state == "ready" else 1


def _confirm(args, task, say) -> bool:
    if args.yes or args.dry_run:
        return True
    if not sys.stdin.isatty():
        raise InvalidInputError("not asking for confirmation without a terminal", hint="pass --yes to deploy")
    answer = input(f"Create {len(task.objs)} object(s) in {task.namespace}? [y/N] ")
    return answer.strip().lower() in ("y", "yes")
