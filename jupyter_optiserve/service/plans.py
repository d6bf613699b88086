"""Render, preflight and export: the same Plan the CLI builds from the same names."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

from jupyter_optiserve.errors import ClusterUnreachableError, InvalidInputError
from jupyter_optiserve.service.settings import Settings

RANKING_FIELDS = ("gpus_per_node", "allow_precision", "gpu_margin")  # passed on to recommend
PLAN_FIELDS = (
    "profile",
    "name",
    "storage_uri",
    "hf_token_secret",
    "connection",
    "pull_secret",
    "external",
    "auth",
    "trust_remote_code",
    "display_name",
    "rhoai",
    "replicas",
    "runtime_args",
    "env",
    "max_model_len",
)


def connect_for(body: dict, settings: Settings, required: bool = False):
    """The cluster connection a plan request uses (None offline or, unless ``required``, with no cluster)."""
    if body.get("offline"):
        if required:
            raise InvalidInputError(
                "'offline' cannot be used here", hint="this operation needs a cluster", field="offline"
            )
        return None
    return settings.connect(body.get("namespace"), required=required)


def deployment_kind(body: dict) -> str:
    """``deployment_kind`` (kserve | llmisvc), or its deprecated spelling ``target``; kserve by default."""
    kind, old = body.get("deployment_kind"), body.get("target")
    if kind and old and kind != old:
        raise InvalidInputError(
            f"'deployment_kind' is {kind} but 'target' is {old}",
            hint="send only deployment_kind ('target' is its deprecated spelling)",
            field="deployment_kind",
        )
    return kind or old or "kserve"


def build(body: dict, settings: Settings, conn, fallback: bool = True):
    """A Plan from a request body, as ``deploy.cliargs.plan_from_args`` does from flags; enforces the
    server's allowed accelerators and runtimes. With ``fallback`` an unreachable cluster plans from
    the catalog (render/preflight/export, when the accelerator is given); a deploy needs the cluster."""
    from jupyter_optiserve.deploy.naming import validate_name, validate_namespace
    from jupyter_optiserve.deploy.plan import build_plan

    if body.get("name"):
        validate_name(body["name"])
    namespace = body.get("namespace") or settings.namespace or (conn.namespace if conn else None)
    if not namespace:
        raise InvalidInputError(
            "no namespace: pass 'namespace'", hint="the Data Science Project to deploy into", field="namespace"
        )
    validate_namespace(namespace)
    cat = settings.catalog()
    if body.get("accelerator") and settings.allowed_accelerators:
        settings.check_accelerator(cat.accelerators.get(body["accelerator"]).id)
    kw = {k: body.get(k) for k in PLAN_FIELDS}
    kw["target"] = deployment_kind(body)
    kw.update({k: body[k] for k in RANKING_FIELDS if body.get(k) is not None})
    kw = {k: (bool(v) if k in ("external", "auth", "trust_remote_code") else v) for k, v in kw.items()}
    inventory = None
    if conn is not None and body.get("namespace") in (None, settings.namespace):
        inventory = settings.cached_inventory()  # what GET /hardware shows; build_plan detects otherwise
    try:
        plan = build_plan(
            body["model"],
            body["kpi"],
            namespace=namespace,
            accelerator=body.get("accelerator"),
            gpus=body.get("gpus"),
            inventory=inventory,
            conn=conn,
            catalog=cat,
            **kw,
        )
    except ClusterUnreachableError as exc:
        if conn is None or not body.get("accelerator") or not fallback:
            raise
        plan = build_plan(
            body["model"],
            body["kpi"],
            namespace=namespace,
            accelerator=body.get("accelerator"),
            gpus=body.get("gpus"),
            conn=None,
            catalog=cat,
            **kw,
        )
        plan.notes.append(f"{exc.message}; planned from the catalog only")
    settings.check_accelerator(plan.accelerator.id)
    settings.check_runtime(plan.runtime.id)
    return plan


def _rendered(plan) -> tuple[dict, list]:
    """``POST /render``'s answer for a plan, and its objects (checked: fits a node, schema-valid)."""
    from jupyter_optiserve.deploy.manifests import render as _render
    from jupyter_optiserve.deploy.manifests import to_yaml
    from jupyter_optiserve.deploy.nodefit import ensure_fits_node
    from jupyter_optiserve.deploy.validate import ensure_valid

    ensure_fits_node(plan)
    objs = _render(plan)
    ensure_valid(objs)
    summary = plan.summary()
    return {"manifests": objs, "yaml": to_yaml(objs), "plan": summary, "notes": summary["notes"]}, objs


def render(body: dict, settings: Settings) -> dict:
    """``{"manifests", "yaml", "plan", "notes"}``; ``yaml`` is exactly what ``optiserve render`` prints."""
    conn = connect_for(body, settings)
    try:
        return _rendered(build(body, settings, conn))[0]
    finally:
        if conn is not None:
            conn.close()


def preflight_report(body: dict, settings: Settings):
    """(Plan, PreflightReport): every check a deploy runs first, nothing created."""
    from jupyter_optiserve.deploy import ensure_valid, run_preflight
    from jupyter_optiserve.deploy import render as _render

    conn = connect_for(body, settings)
    try:
        plan = build(body, settings, conn)
        objs = _render(plan)
        if conn is None:  # with a cluster, the server-side dry run validates against its own CRDs
            ensure_valid(objs)
        return plan, run_preflight(plan, objs, conn)
    finally:
        if conn is not None:
            conn.close()


def preflight(body: dict, settings: Settings) -> dict:
    """``optiserve preflight --json``: ``{"plan", "preflight": {"ok", "checks"}}``."""
    plan, report = preflight_report(body, settings)
    return {"plan": plan.summary(), "preflight": report.to_dict()}


def preview(body: dict, settings: Settings) -> dict:
    """``{"render", "preflight"}`` (the answers of ``/render`` and ``/preflight``) from one plan: one
    recommendation sweep, one cluster connection, and the serving profile the request names."""
    from jupyter_optiserve.deploy import run_preflight

    conn = connect_for(body, settings)
    try:
        plan = build(body, settings, conn)
        rendered, objs = _rendered(plan)
        report = run_preflight(plan, objs, conn)
    finally:
        if conn is not None:
            conn.close()
    return {"render": rendered, "preflight": {"plan": rendered["plan"], "preflight": report.to_dict()}}


def export_folder(body: dict, settings: Settings, out_dir, force: bool = False) -> list:
    """The ``optiserve export`` folder (manifests, kustomization.yaml, README.md); returns its paths."""
    return _export(body, settings, out_dir, force)[1]


def _export(body: dict, settings: Settings, out_dir, force: bool = False):
    from jupyter_optiserve.deploy import export, run_preflight

    conn = connect_for(body, settings)
    try:
        plan = build(body, settings, conn)
    finally:
        if conn is not None:
            conn.close()
    _, objs = _rendered(plan)
    report = run_preflight(plan, objs, None)  # offline checks only: the bundle may be applied elsewhere
    return plan, export(objs, out_dir, plan, report, force=force)


def export_zip(body: dict, settings: Settings) -> bytes:
    """The export folder as a zip whose entries sit under ``<name>/``."""
    buf = io.BytesIO()
    with tempfile.TemporaryDirectory(prefix="optiserve-export-") as tmp:
        plan, paths = _export(body, settings, Path(tmp) / "bundle")
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for p in paths:
                zf.write(p, f"{plan.name}/{Path(p).name}")
    return buf.getvalue()


def zip_name(data: bytes) -> str:
    """The bundle's file name (``<name>.zip``) from its top folder."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = zf.namelist()
    return (names[0].split("/", 1)[0] if names else "optiserve") + ".zip"
