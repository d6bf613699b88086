"""The project as the dashboard leaves it after a first KServe deployment (docs/deploy.md, "RHOAI 2.x and 3.x").

On 2.x the namespace label ``modelmesh-enabled: "false"`` selects the single-model (KServe)
platform; without it the project page offers ModelMesh and hides the deployment's platform. The
dashboard sets it with its own service account; a project ``admin`` usually may not patch the
Namespace, so this is best-effort and preflight says how to set it when OptiServe cannot.
"""

from __future__ import annotations

from jupyter_optiserve.errors import ClusterUnreachableError, OptiServeError

LABEL = "modelmesh-enabled"


def platform_label(conn, namespace: str) -> tuple[str | None, bool]:
    """(the label's value or None when absent, whether the namespace was readable)."""
    try:
        ns = conn.get_json(conn.core.read_namespace, namespace)
    except ClusterUnreachableError:
        raise
    except OptiServeError:
        return None, False
    return ((ns.get("metadata") or {}).get("labels") or {}).get(LABEL), True


def label_command(namespace: str) -> str:
    return f"oc label namespace {namespace} {LABEL}=false --overwrite"


def mark_single_model(conn, namespace: str) -> str | None:
    """Set ``modelmesh-enabled=false`` when absent. Returns a note when it could not, else None.
    A project that says ``true`` is left alone: changing its platform is the owner's decision."""
    value, readable = platform_label(conn, namespace)
    if value is not None or not readable:
        return None if value is not None else f"could not read namespace {namespace}: run `{label_command(namespace)}`"
    try:
        conn.get_json(
            conn.core.patch_namespace,
            namespace,
            {"metadata": {"labels": {LABEL: "false"}}},
            _content_type="application/merge-patch+json",
        )
    except ClusterUnreachableError:
        raise
    except OptiServeError as exc:
        return f"could not label namespace {namespace} {LABEL}=false ({exc.message}): run `{label_command(namespace)}`"
    return None
