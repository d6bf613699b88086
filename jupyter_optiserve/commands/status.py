"""``optiserve status NAME``: where a deployment is now, as a one-shot timeline with the cause."""

from __future__ import annotations

from jupyter_optiserve.commands.common import print_json
from jupyter_optiserve.commands.planflags import add_cluster_flags, connect_from_args


def register(sub) -> None:
    p = sub.add_parser("status", help="show a deployment's phase, endpoint and failure cause")
    p.add_argument("name", help="InferenceService name")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    add_cluster_flags(p)
    p.set_defaults(func=run)


def snapshot(conn, name: str, namespace: str):
    """Feed the current ISVC, pods and events through the timeline tracker once (no watch)."""
    from jupyter_optiserve.deploy import Deployer
    from jupyter_optiserve.deploy.timeline import Timeline, Tracker
    from jupyter_optiserve.errors import OptiServeError

    isvc = Deployer(conn).get_isvc(namespace, name)
    tl = Timeline(name, namespace)

    def logs(pod, container, previous):
        try:
            return conn.call(
                conn.core.read_namespaced_pod_log, pod, namespace, container=container, previous=previous, tail_lines=40
            )
        except OptiServeError:
            return None

    tr = Tracker(tl, logs, pending_grace=0)
    tl.advance("submitted")
    try:
        pods = (
            conn.get_json(
                conn.core.list_namespaced_pod, namespace, label_selector=f"serving.kserve.io/inferenceservice={name}"
            ).get("items")
            or []
        )
        events = conn.get_json(conn.core.list_namespaced_event, namespace).get("items") or []
    except OptiServeError as exc:
        pods, events = [], []
        tl.notes.append(f"pods/events not readable ({exc.message}): status from the InferenceService only")
    for ev in events:
        if (ev.get("involvedObject") or {}).get("name", "").startswith(name):
            tr.on_event(ev)
    for pod in pods:
        tr.on_pod(pod)
    tr.on_isvc(isvc)
    return isvc, tl


def run(args) -> int:
    conn = connect_from_args(args, required=True)
    ns = args.namespace or conn.namespace
    isvc, tl = snapshot(conn, args.name, ns)
    ann = isvc["metadata"].get("annotations") or {}
    if args.json:
        print_json(
            {
                "name": args.name,
                "namespace": ns,
                "profile": ann.get("optiserve.io/profile"),
                "stopped": ann.get("serving.kserve.io/stop") == "true",
                "timeline": tl.to_dict(),
            }
        )
    else:
        print(
            f"{args.name} in {ns}"
            + (f" (profile {ann['optiserve.io/profile']})" if ann.get("optiserve.io/profile") else "")
        )
        print(tl.text())
    return 0 if tl.outcome in ("ready", "stopped", None) else 1
