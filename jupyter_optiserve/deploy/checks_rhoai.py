"""Preflight checks for what RHOAI adds around KServe: the project's platform label, the
hardware profile's Kueue queue and its quota, and a pinned runtime image. Each calls
``add(id, status, message, fix, rows=...)`` like the other check modules."""

from __future__ import annotations

from jupyter_optiserve.deploy import project
from jupyter_optiserve.deploy.template import unpinned
from jupyter_optiserve.errors import ClusterUnreachableError, NotFoundError, OptiServeError

KUEUE = ("kueue.x-k8s.io", "v1beta1")


def image_pinned(add, plan) -> None:
    image = plan.body.image
    if unpinned(image):
        add(
            "image-pinned",
            "warn",
            f"runtime image {image} is a moving tag: the engine can change under this estimate",
            "use the cluster's runtime Template (its image is pinned), or a profile folder whose runtimes.yaml names "
            "a version tag or digest",
            rows=(14,),
        )
    else:
        add("image-pinned", "pass", f"runtime image {image} is pinned", rows=(14,))


def platform_label(add, plan, conn) -> None:
    if plan.target != "kserve":
        return
    value, readable = project.platform_label(conn, plan.namespace)
    cmd = project.label_command(plan.namespace)
    if value == "true":
        add(
            "project-platform",
            "fail",
            f"project {plan.namespace} is set up for multi-model serving "
            "(modelmesh-enabled=true): the dashboard will not show a KServe deployment there",
            f"use another project, or switch it to single-model serving: {cmd}",
        )
    elif value == "false":
        add("project-platform", "pass", f"project {plan.namespace} uses single-model serving (modelmesh-enabled=false)")
    elif readable:
        add(
            "project-platform",
            "pass",
            f"project {plan.namespace} has no serving platform yet: deploy labels it "
            "modelmesh-enabled=false as the dashboard does",
            cmd + " (if your role may not label the namespace)",
        )
    else:
        add("project-platform", "skip", f"cannot read namespace {plan.namespace} to check modelmesh-enabled", cmd)


def kueue(add, plan, conn) -> None:
    """A Queue-scheduled profile needs its LocalQueue, and its ClusterQueue's unused quota."""
    choice = plan.hardware_profile
    if choice is None or not choice.queue:
        return
    if choice.queue_present is False:
        add(
            "kueue",
            "fail",
            f"hardware profile {choice.name} schedules through Kueue queue '{choice.queue}', but "
            f"{plan.namespace} has no LocalQueue of that name: the pods would stay suspended",
            f"ask the admin for a LocalQueue '{choice.queue}' in {plan.namespace}, or pick another hardware profile",
            rows=(6,),
        )
        return
    resource, need = plan.resources.gpu_resource, _gpus_total(plan)
    free, why = _queue_free(conn, plan.namespace, choice.queue, resource)
    if free is None:
        add(
            "kueue",
            "warn" if choice.queue_present is None else "pass",
            f"Kueue queue '{choice.queue}' (label written: {bool(choice.queue_label)}); quota not checked: {why}",
            rows=(6,),
        )
    elif free < need:
        add(
            "kueue",
            "fail",
            f"Kueue queue '{choice.queue}' has {free:g} {resource} of unused quota; this deployment "
            f"needs {need}: it would wait in the queue",
            "use fewer GPUs, wait for quota, or ask the admin to raise the ClusterQueue's nominalQuota",
            rows=(6,),
        )
    else:
        add(
            "kueue",
            "pass",
            f"Kueue queue '{choice.queue}': {free:g} {resource} of unused quota (need {need})",
            rows=(6,),
        )


def _gpus_total(plan) -> int:
    return plan.resources.gpus * plan.profile.replicas * (plan.profile.pp if plan.multinode else 1)


def _queue_free(conn, ns: str, queue: str, resource: str | None) -> tuple[float | None, str]:
    from kubernetes.utils import parse_quantity

    try:
        lq = conn.get_json(conn.custom.get_namespaced_custom_object, *KUEUE, ns, "localqueues", queue)
        cq_name = (lq.get("spec") or {}).get("clusterQueue")
        cq = conn.get_json(conn.custom.get_cluster_custom_object, *KUEUE, "clusterqueues", cq_name)
    except ClusterUnreachableError:
        raise
    except NotFoundError as exc:
        return None, exc.message
    except OptiServeError as exc:
        return None, f"the ClusterQueue is not readable ({exc.message})"
    nominal = sum(
        float(parse_quantity(r.get("nominalQuota", 0)))
        for g in (cq.get("spec") or {}).get("resourceGroups") or []
        for f in g.get("flavors") or []
        for r in f.get("resources") or []
        if r.get("name") == resource
    )
    used = sum(
        float(parse_quantity(r.get("total", 0)))
        for f in (cq.get("status") or {}).get("flavorsUsage") or []
        for r in f.get("resources") or []
        if r.get("name") == resource
    )
    if not nominal:
        return None, f"ClusterQueue {cq_name} sets no quota for {resource}"
    return nominal - used, ""
