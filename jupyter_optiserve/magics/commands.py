"""One function per ``%optiserve`` sub-command: parsed args + settings in, a returned object out.

Each calls a verb of the ``Session`` (shared with the CLI and the REST API) with a body that uses the
CLI's names.
"""

from __future__ import annotations

from jupyter_optiserve.errors import OptiServeError
from jupyter_optiserve.magics import backend, widgets
from jupyter_optiserve.magics.benchmark import benchmark  # noqa: F401 - %optiserve benchmark
from jupyter_optiserve.magics.objects import (
    Deployment,
    Deployments,
    Exported,
    Hardware,
    Models,
    Plan,
    Recommendations,
    Status,
)
from jupyter_optiserve.service import Session

RANKING_FIELDS = ("gpus_per_node", "allow_precision", "gpu_margin")
RECOMMEND_FIELDS = (
    "model",
    "kpi",
    "accelerator",
    "gpus",
    *RANKING_FIELDS,
    "ttft_ms",
    "itl_ms",
    "concurrency",
    "context",
    "input_len",
    "output_len",
    "engine_version",
    "limit",
    "no_detect",
)
PLAN_FIELDS = (
    "model",
    "kpi",
    "accelerator",
    "gpus",
    *RANKING_FIELDS,
    "profile",
    "name",
    "namespace",
    "storage_uri",
    "hf_token_secret",
    "connection",
    "pull_secret",
    "deployment_kind",
    "external",
    "auth",
    "trust_remote_code",
    "display_name",
)


def _show(obj) -> None:
    from IPython.display import display

    display(obj)


def _body(args, fields, **extra) -> dict:
    return backend.body(**{f: getattr(args, f, None) for f in fields}, **extra)


def hardware(args, settings):
    return Hardware(Session(settings).hardware(refresh=args.refresh))


def models(args, settings):
    return Models(Session(settings).models(args.query), args.query)


def recommend(args, settings):
    return Recommendations(Session(settings).recommend(_body(args, RECOMMEND_FIELDS), check=False))


def deploy(args, settings):
    req = _body(args, PLAN_FIELDS, timeout=args.timeout, no_follow=args.no_follow, no_smoke=args.no_smoke)
    d = Deployment(req, settings, backend.preview(req, settings))
    if d.state == "blocked":
        _show(d.plan)
        failed = [c["id"] for c in d.plan.preflight["checks"] if c["status"] == "fail"]
        raise OptiServeError(
            f"preflight failed ({', '.join(failed)}): nothing was created",
            hint="the plan above names each failing check and its fix",
        )
    if args.dry_run:
        return _dry_run(d, settings)
    if widgets.available():
        d.view = widgets.DeployView(d, confirm=not args.yes)
        _show(d.view.widget)
        if args.yes:
            d.start()
        return d
    print(repr(d.plan))
    if not args.yes:
        print(
            "\nipywidgets is not installed, so there is no Deploy button: call .start() on the returned "
            "Deployment, or re-run with --yes"
        )
        return d
    widgets.TextProgress(d).run()
    return d


def _dry_run(d: Deployment, settings) -> Plan:
    """The server-side dry run (``dryRun=All``) through the same task a real deploy runs."""
    task = backend.task(Session(settings).deploy({**d.request, "dry_run": True}, check=False), settings)
    task.done.wait(max(60.0, settings.request_timeout * 6))
    if task.error:
        raise OptiServeError(task.error.get("detail") or "dry run failed", hint=task.error.get("hint") or "")
    return Plan(
        {**d.plan.to_dict(), "preflight": task.preflight or d.plan.preflight, "apply": task.apply},
        f"Dry run for {d.name} (nothing was created)",
    )


def status(args, settings):
    if args.name:
        return Status(Session(settings).status(args.name, args.namespace))
    return Deployments(Session(settings).list(args.namespace))


def delete(args, settings):
    return Session(settings).delete(args.name, args.namespace)


def stop(args, settings):
    s = Session(settings)
    return s.start(args.name, args.namespace) if args.start else s.stop(args.name, args.namespace)


def export(args, settings):
    req = _body(args, PLAN_FIELDS, offline=args.offline or None)
    return Exported(backend.export(req, args.output, settings, force=getattr(args, "force", False)))
