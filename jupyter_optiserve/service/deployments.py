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
    from jupyter_optiserve.deploy import ensure_valid, render
    from jupyter_optiserve.service.tasks import Task

    validate("DeployRequest", body)
    conn = connect_for(body, settings, required=True)
    try:
        conn.call(conn.core.get_api_resources)  # fail fast (502) before a task starts on a dead cluster
        plan = build(body, settings, conn, fallback=False)
        objs = render(plan)
        if conn is None:  # pragma: no cover - deploy always has a cluster
            ensure_valid(objs)
        task = Task(plan, objs, conn, body, dry_run=bool(body.get("dry_run")),
                    follow_timeout=float(body.get("timeout") or settings.deploy_timeout),
                    no_follow=bool(body.get("no_follow")), no_smoke=bool(body.get("no_smoke")),
                    smoke_timeout=settings.prompt_timeout)
        settings.tasks.add(task)
    except BaseException:
        conn.close()
        raise
    task.start()  # the task owns (and closes) the connection from here
    return task.to_dict()


def list_deployments(settings: Settings, namespace: str | None = None) -> dict:
    """``optiserve list --json`` plus ``tasks`` (this server's deploys in the namespace, newest last)."""
    from jupyter_optiserve.commands.list import _row
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
    return {"namespace": ns, "deployments": rows, "tasks": [t.to_dict(events=False) for t in tasks]}


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
            return {"name": name, "namespace": ns, "profile": None, "stopped": False, "exists": False,
                    "timeline": task.timeline, "task": task.to_dict()}
    finally:
        conn.close()
    ann = isvc["metadata"].get("annotations") or {}
    return {"name": name, "namespace": ns, "profile": ann.get("optiserve.io/profile"),
            "stopped": ann.get("serving.kserve.io/stop") == "true", "exists": True, "timeline": tl.to_dict(),
            "task": task.to_dict() if task else None}


def cancel_task(name: str, settings: Settings, namespace: str | None = None) -> dict:
    """Cancel this server's running deploy of ``name`` (what it created stays)."""
    ns = namespace or settings.namespace
    task = settings.tasks.latest(name, ns)
    if task is None:
        raise NotFoundError(f"no deploy task for '{name}' in this server",
                            hint="tasks are kept in the server's memory; GET /optiserve/deployments lists them")
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
    return {"name": name, "namespace": ns, "stopped": not start}


def prompt(name: str, text: str, max_tokens: int = 64, settings: Settings | None = None,
           namespace: str | None = None) -> dict:
    """One completion request to a Ready deployment through its endpoint (the UI's test box)."""
    from jupyter_optiserve.deploy import Deployer, smoke_test
    from jupyter_optiserve.deploy.naming import validate_name
    from jupyter_optiserve.deploy.smoke import read_token

    settings = settings or Settings()
    validate("PromptRequest", {"text": text, "max_tokens": max_tokens})
    validate_name(name)
    conn = settings.connect(namespace)
    try:
        ns = _namespace(settings, conn, namespace)
        isvc = Deployer(conn).get_isvc(ns, name)
        st = isvc.get("status") or {}
        ann = isvc["metadata"].get("annotations") or {}
        ready = next((c.get("status") for c in st.get("conditions") or [] if c.get("type") == "Ready"), None)
        url = st.get("url") or (st.get("address") or {}).get("url")
        if ann.get("serving.kserve.io/stop") == "true" or ready != "True" or not url:
            raise ConflictError(f"'{name}' is not Ready yet", hint="wait for the deploy to reach ready, then try again",
                                name=name)
        token = read_token(conn, name, ns) if ann.get("security.opendatahub.io/enable-auth") == "true" else None
    finally:
        conn.close()
    res = smoke_test(url, name, token, timeout=settings.prompt_timeout, max_tokens=max_tokens, prompt=text)
    return res.to_dict()
