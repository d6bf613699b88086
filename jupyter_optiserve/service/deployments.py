"""Deployments: start a tracked deploy, list, get (with timeline), stop, delete, cancel, prompt."""

from __future__ import annotations

from jupyter_optiserve.errors import ConflictError, NotFoundError
from jupyter_optiserve.service.plans import build, connect_for
from jupyter_optiserve.service.schema import validate
from jupyter_optiserve.service.settings import Settings


def _namespace(settings: Settings, conn, namespace: str | None) -> str:
    from jupyter_optiserve.deploy.naming import validate_namespace

    ns = namespace or settings.namespace or conn.namespace
    validate_namespace(ns)
    return ns


def start_deploy(body: dict, settings: Settings) -> dict:
    """Plan now (bad input fails here, synchronously), then preflight -> apply -> follow -> first request
    in a background task. Returns the task (state ``queued``)."""
    from jupyter_optiserve.deploy import Deployer, ensure_valid, render
    from jupyter_optiserve.service.tasks import Task

    validate("DeployRequest", body)
    conn = connect_for(body, settings, required=True)
    try:
        conn.call(conn.core.get_api_resources)  # fail fast (502) before a task starts on a dead cluster
        plan = build(body, settings, conn, fallback=False)
        objs = render(plan)
        clashes = Deployer(conn).collisions(objs)
        if clashes:  # 409 now, not a task that fails later
            raise ConflictError(
                "; ".join(clashes),
                hint=f"pick another name (e.g. {plan.name}-2), or delete that deployment yourself first",
                name=plan.name,
            )
        if conn is None:  # pragma: no cover - deploy always has a cluster
            ensure_valid(objs)
        task = Task(
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
        )
        settings.tasks.add(task)
    except BaseException:
        conn.close()
        raise
    task.start()  # the task owns (and closes) the connection from here
    return task.to_dict()


def list_deployments(settings: Settings, namespace: str | None = None) -> dict:
    """``optiserve list --json`` plus ``tasks`` (this server's deploys in the namespace, newest last)."""
    from jupyter_optiserve.commands.list import _row, orphan_rows
    from jupyter_optiserve.deploy import Deployer

    conn = settings.connect(namespace)
    try:
        ns = _namespace(settings, conn, namespace)
        found = Deployer(conn).list(ns)
    finally:
        conn.close()
    rows = [_row(o, True) for o in found["optiserve"]] + [_row(o, False) for o in found["other"]]
    tasks = settings.tasks.list(ns)
    for r in rows:
        t = settings.tasks.latest(r["name"], ns)
        r["task"] = t.state if t else None
    return {
        "namespace": ns,
        "deployments": rows,
        "tasks": [t.to_dict(events=False) for t in tasks],
        "orphans": orphan_rows(found),
    }


def get_deployment(name: str, settings: Settings, namespace: str | None = None) -> dict:
    """``optiserve status --json`` (the cluster's view now) plus this server's latest task for it."""
    from jupyter_optiserve.commands.status import snapshot
    from jupyter_optiserve.deploy.naming import validate_name

    validate_name(name)
    conn = settings.connect(namespace)
    try:
        ns = _namespace(settings, conn, namespace)
        task = settings.tasks.latest(name, ns)
        try:
            isvc, tl = snapshot(conn, name, ns)
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
    ann = isvc["metadata"].get("annotations") or {}
    return {
        "name": name,
        "namespace": ns,
        "profile": ann.get("optiserve.io/profile"),
        "stopped": ann.get("serving.kserve.io/stop") == "true",
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
