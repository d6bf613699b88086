"""Deployments: start a tracked deploy, list, get (with timeline), stop, delete, cancel, prompt."""

from __future__ import annotations

from jupyter_optiserve.errors import ConflictError, NotFoundError
from jupyter_optiserve.service.plans import build, connect_for
from jupyter_optiserve.service.settings import Settings


def _namespace(settings: Settings, conn, namespace: str | None) -> str:
    from jupyter_optiserve.deploy.naming import validate_namespace

    ns = namespace or settings.namespace or conn.namespace
    validate_namespace(ns)
    return ns


def plan_deploy(body: dict, settings: Settings, conn, *, check_collisions: bool = True, confirm=None):
    """The deploy Task for a request: planned now (bad input fails here, synchronously), not started.
    ``check_collisions`` answers a name taken by someone else with 409 before any task; the CLI leaves
    it to preflight's name check, which shows the whole report first. ``confirm`` gates the apply."""
    from jupyter_optiserve.deploy import Deployer, render
    from jupyter_optiserve.service.tasks import Task

    plan = build(body, settings, conn, fallback=False)
    objs = render(plan)
    if check_collisions:
        clashes = Deployer(conn).collisions(objs)
        if clashes:  # 409 now, not a task that fails later
            raise ConflictError(
                "; ".join(clashes),
                hint=f"pick another name (e.g. {plan.name}-2), or delete that deployment yourself first",
                name=plan.name,
            )
    return Task(
        plan,
        objs,
        conn,
        body,
        dry_run=bool(body.get("dry_run")),
        follow_timeout=float(body.get("timeout") or settings.deploy_timeout),
        no_follow=bool(body.get("no_follow")),
        no_smoke=bool(body.get("no_smoke")),
        smoke_timeout=settings.prompt_timeout,
        on_change=settings.invalidate_inventory,
        confirm=confirm,
    )


def start_deploy(body: dict, settings: Settings) -> dict:
    """Plan now, then preflight -> apply -> follow -> first request in a background task. Returns the
    task (state ``queued``)."""
    conn = connect_for(body, settings, required=True)
    try:
        conn.call(conn.core.get_api_resources)  # fail fast (502) before a task starts on a dead cluster
        task = plan_deploy(body, settings, conn)
        settings.tasks.add(task)
    except BaseException:
        conn.close()
        raise
    task.start()  # the task owns (and closes) the connection from here
    return task.to_dict()


def deployments(settings: Settings, namespace: str | None = None) -> dict:
    """``optiserve list --json``: OptiServe's deployments first, then the others, and left-over objects."""
    from jupyter_optiserve.deploy import Deployer
    from jupyter_optiserve.deploy.state import DeploymentState

    conn = settings.connect(namespace)
    try:
        ns = _namespace(settings, conn, namespace)
        found = Deployer(conn).list(ns)
    finally:
        conn.close()
    rows = [DeploymentState.of(o).row(True) for o in found["optiserve"]]
    rows += [DeploymentState.of(o).row(False) for o in found["other"]]
    orphans = [{"kind": o["kind"], "name": o["metadata"]["name"]} for o in found.get("orphans") or []]
    return {"namespace": ns, "deployments": rows, "orphans": orphans}


def list_deployments(settings: Settings, namespace: str | None = None) -> dict:
    """``optiserve list --json`` plus ``tasks`` (this server's deploys in the namespace, newest last)."""
    out = deployments(settings, namespace)
    ns = out["namespace"]
    for r in out["deployments"]:
        t = settings.tasks.latest(r["name"], ns)
        r["task"] = t.state if t else None
    tasks = [t.to_dict(events=False) for t in settings.tasks.list(ns)]
    return {"namespace": ns, "deployments": out["deployments"], "tasks": tasks, "orphans": out["orphans"]}


def _status(conn, name: str, ns: str):
    from jupyter_optiserve.deploy.state import DeploymentState, snapshot

    isvc, tl = snapshot(conn, name, ns)
    state = DeploymentState.of(isvc)
    out = {"name": name, "namespace": ns, "profile": state.serving_profile, "stopped": state.stopped}
    return out, tl, isvc


def deployment_status(name: str, settings: Settings, namespace: str | None = None):
    """(``optiserve status --json``, its Timeline): the cluster's view of one deployment now."""
    from jupyter_optiserve.deploy.naming import validate_name

    validate_name(name)
    conn = settings.connect(namespace)
    try:
        out, tl, _ = _status(conn, name, _namespace(settings, conn, namespace))
    finally:
        conn.close()
    return {**out, "timeline": tl.to_dict()}, tl


def get_deployment(name: str, settings: Settings, namespace: str | None = None) -> dict:
    """``optiserve status --json`` plus ``exists`` and this server's latest task for it."""
    from jupyter_optiserve.deploy.naming import validate_name

    validate_name(name)
    conn = settings.connect(namespace)
    try:
        ns = _namespace(settings, conn, namespace)
        task = settings.tasks.latest(name, ns)
        try:
            out, tl, isvc = _status(conn, name, ns)
        except NotFoundError:
            if task is None:
                raise
            return {
                "name": name,
                "namespace": ns,
                "profile": None,
                "stopped": False,
                "exists": False,
                "timeline": task.timeline,
                "task": task.to_dict(),
            }
    finally:
        conn.close()
    return {
        **out,
        "exists": True,
        "timeline": tl.to_dict(),
        "task": task.to_dict() if task else None,
        "settings": saved_settings(isvc),
    }


def saved_settings(isvc: dict) -> dict | None:
    """The request an OptiServe deployment was made from (its settings annotation), with the env values
    read back from the spec; None for a deployment OptiServe did not make."""
    import json

    from jupyter_optiserve.deploy.deployer import is_ours
    from jupyter_optiserve.deploy.manifests import SETTINGS

    raw = (isvc["metadata"].get("annotations") or {}).get(SETTINGS)
    if not raw or not is_ours(isvc):
        return None
    try:
        settings = json.loads(raw)
    except ValueError:
        return None
    live = {
        e.get("name"): e.get("value", "")
        for e in ((isvc.get("spec") or {}).get("predictor") or {}).get("model", {}).get("env") or []
    }
    settings["env"] = [{"name": n, "value": live[n]} for n in settings.get("env") or [] if n in live]
    return settings


def cancel_task(name: str, settings: Settings, namespace: str | None = None) -> dict:
    """Cancel this server's running deploy of ``name`` (what it created stays)."""
    ns = namespace or settings.namespace
    task = settings.tasks.latest(name, ns)
    if task is None:
        raise NotFoundError(
            f"no deploy task for '{name}' in this server",
            hint="tasks are kept in the server's memory; GET /optiserve/deployments lists them",
        )
    task.cancel()
    task.done.wait(15)
    return task.to_dict()


def delete_deployment(name: str, settings: Settings, namespace: str | None = None) -> dict:
    """Cancel a running task, then delete what OptiServe created (``optiserve delete --yes``)."""
    from jupyter_optiserve.deploy import Deployer
    from jupyter_optiserve.deploy.naming import validate_name

    validate_name(name)
    conn = settings.connect(namespace)
    try:
        ns = _namespace(settings, conn, namespace)
        task = settings.tasks.latest(name, ns)
        cancelled = bool(task and task.cancel())
        if cancelled:
            task.done.wait(15)
        try:
            deleted = Deployer(conn).delete(ns, name)
        except NotFoundError:
            if not cancelled:
                raise
            deleted = []
    finally:
        conn.close()
        settings.invalidate_inventory()
    return {"name": name, "namespace": ns, "deleted": [str(d) for d in deleted], "cancelled": cancelled}


def stop_deployment(name: str, settings: Settings, namespace: str | None = None, start: bool = False) -> dict:
    """KServe's stop annotation (``optiserve stop [--start]``)."""
    from jupyter_optiserve.deploy import Deployer
    from jupyter_optiserve.deploy.naming import validate_name

    validate_name(name)
    conn = settings.connect(namespace)
    try:
        ns = _namespace(settings, conn, namespace)
        Deployer(conn).stop(ns, name, stopped=not start)
    finally:
        conn.close()
        settings.invalidate_inventory()
    return {"name": name, "namespace": ns, "stopped": not start}
