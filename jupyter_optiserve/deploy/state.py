"""A deployment's state, read from its InferenceService or LLMInferenceService: the one parser.

``list``, ``status``, prompts and benchmarks all ask the same questions of the object (is it Ready,
stopped, ours, behind a token; which serving profile; which URL), so they are answered here once.
``snapshot`` feeds the object, its pods and events through the timeline tracker for ``status``.
"""

from __future__ import annotations

from dataclasses import dataclass

from jupyter_optiserve.errors import ConflictError

STOP = "serving.kserve.io/stop"
AUTH = "security.opendatahub.io/enable-auth"
SERVING_PROFILE = "optiserve.io/profile"


@dataclass(frozen=True)
class DeploymentState:
    name: str
    kind: str
    ready: str  # the Ready condition's status: True, False or Unknown
    stopped: bool  # KServe's stop annotation
    serving_profile: str | None  # the OptiServe serving profile it was deployed with
    url: str | None  # the external URL, else the cluster-internal address
    external_url: str | None
    internal_url: str | None  # status.address.url
    auth: bool  # a token is needed to call it

    @classmethod
    def of(cls, obj: dict) -> DeploymentState:
        st = obj.get("status") or {}
        ann = obj["metadata"].get("annotations") or {}
        ready = next((c.get("status") for c in st.get("conditions") or [] if c.get("type") == "Ready"), None)
        return cls(
            name=obj["metadata"]["name"],
            kind=obj.get("kind") or "InferenceService",
            ready=ready or "Unknown",
            stopped=ann.get(STOP) == "true",
            serving_profile=ann.get(SERVING_PROFILE),
            url=st.get("url") or (st.get("address") or {}).get("url"),
            external_url=st.get("url"),
            internal_url=(st.get("address") or {}).get("url"),
            auth=ann.get(AUTH) == "true",
        )

    @property
    def phase(self) -> str:
        """What ``optiserve list`` shows: Stopped, Ready, NotReady or Unknown."""
        if self.stopped:
            return "Stopped"
        return {"True": "Ready", "False": "NotReady"}.get(self.ready, "Unknown")

    @property
    def serving(self) -> bool:
        """Ready, not stopped and with an address: something can answer a request."""
        return not self.stopped and self.ready == "True" and bool(self.url)

    def ensure_serving(self, doing: str, hint: str) -> None:
        """409 unless it can answer a request now (``doing`` says what waits for it)."""
        if not self.serving:
            raise ConflictError(f"'{self.name}' is not Ready{doing}", hint=hint, name=self.name)

    def row(self, ours: bool) -> dict:
        """One line of ``optiserve list --json``."""
        return {
            "name": self.name,
            "kind": self.kind,
            "optiserve": ours,
            "state": self.phase,
            "profile": self.serving_profile,
            "url": self.external_url,
        }


def snapshot(conn, name: str, namespace: str):
    """(the InferenceService, a one-shot Timeline): its current object, pods and events fed through the
    timeline tracker once (no watch)."""
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
