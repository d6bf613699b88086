"""Opt-in "simulate KServe + kubelet": drives InferenceService status and predictor pods over time.

Each InferenceService follows a scenario, chosen by the annotation `fakekube.optiserve.io/scenario`
or the server-wide default. A plan is a list of steps run `step_seconds` apart on one background
thread; a new generation, a stop/start or a scenario change replaces the plan (like a rollout).
Simplifications: pods are owned directly by the InferenceService (no Deployment/ReplicaSet),
scheduling only checks extended-resource capacity and nodeSelector, and status changes are
written in whole steps rather than by independent controllers.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import os
import threading
import time
from collections.abc import Callable
from typing import Any

from . import errors
from . import podsim as ps
from .resources import Registry
from .store import Store, now

log = logging.getLogger(__name__)

SCENARIO_ANNOTATION = "fakekube.optiserve.io/scenario"
ENDPOINT_ANNOTATION = "fakekube.optiserve.io/endpoint-url"
STOP_ANNOTATION = "serving.kserve.io/stop"
STEP_ENV = "FAKEKUBE_STEP_SECONDS"
SCENARIOS = (
    "success",
    "unschedulable",
    "image-pull",
    "storage-failure",
    "oom",
    "crashloop",
    "cuda-oom",
    "oomkilled",
    "watch-drop",
)

Step = Callable[["_Ctx"], None]


def default_step_seconds() -> float:
    return float(os.environ.get(STEP_ENV) or 0.2)


class _Ctx:
    """One plan run for one InferenceService generation."""

    def __init__(self, sim: KServeSimulator, ns: str, name: str, uid: str, token: object):
        self.sim, self.ns, self.name, self.uid, self.token = sim, ns, name, uid, token
        self.pods: list[str] = []
        self.image = ps.DEFAULT_IMAGE

    # -- reads/writes as the controller (no RBAC, but schema-checked status) --
    def isvc(self) -> dict:
        return self.sim.store.get(self.sim.isvc_res, self.ns, self.name)

    def set_status(self, **fields: Any) -> None:
        def fn(cur: dict) -> dict:
            st = dict(cur.get("status") or {})
            st.update(fields)
            st["observedGeneration"] = cur["metadata"].get("generation", 1)
            cur["status"] = st
            return cur

        self.sim.store.mutate(
            self.sim.isvc_res, self.ns, self.name, fn, subresource="status", admit=self.sim.admit_isvc
        )

    def pod_status(self, status: dict) -> None:
        for pod in self.pods:
            self.sim.store.mutate(
                self.sim.pod_res, self.ns, pod, lambda cur: {**cur, "status": status}, subresource="status"
            )

    def emit(self, reason: str, message: str, etype: str = "Warning", component: str = "kubelet") -> None:
        for pod in self.pods:
            obj = self.sim.store.get(self.sim.pod_res, self.ns, pod)
            self.sim.store.create(self.sim.event_res, self.ns, ps.event(obj, reason, message, etype, component))

    def log(self, container: str, text: str, previous: bool = False) -> None:
        for pod in self.pods:
            self.sim.store.set_log(self.ns, pod, container, text, previous)


class KServeSimulator:
    def __init__(
        self,
        store: Store,
        registry: Registry,
        *,
        scenario: str = "success",
        step_seconds: float | None = None,
        endpoint_url: str | None = None,
        admit_isvc: Callable[[dict, dict | None], dict] | None = None,
        drop_watches: Callable[[], None] | None = None,
    ):
        self.store = store
        self.isvc_res = registry.find("serving.kserve.io", "v1beta1", "inferenceservices")
        self.pod_res = registry.find("", "v1", "pods")
        self.event_res = registry.find("", "v1", "events")
        self.node_res = registry.find("", "v1", "nodes")
        self.sr_res = registry.find("serving.kserve.io", "v1alpha1", "servingruntimes")
        self.scenario = scenario
        self.step_seconds = default_step_seconds() if step_seconds is None else step_seconds
        self.endpoint_url = endpoint_url
        self.admit_isvc = admit_isvc
        self.drop_watches = drop_watches or store.drop_watches
        self.enabled = False
        self._lock = threading.Condition()
        self._queue: list[tuple[float, int, _Ctx, Step]] = []
        self._seq = itertools.count()
        self._plans: dict[str, tuple[tuple, object]] = {}  # uid -> (trigger key, token)
        self._thread: threading.Thread | None = None
        self._stopping = False
        store.listeners.append(self._on_event)

    # ---- lifecycle ----

    def enable(self, scenario: str | None = None) -> None:
        if scenario:
            self.scenario = scenario
        self.enabled = True
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="fakekube-kserve", daemon=True)
            self._thread.start()
        for obj in self.store.list(self.isvc_res)[0]:  # pick up objects created while disabled
            self._on_event(self.isvc_res, "ADDED", obj, None)

    def disable(self) -> None:
        self.enabled = False
        with self._lock:
            self._queue.clear()
            self._plans.clear()

    def stop(self) -> None:
        self.disable()
        self._stopping = True
        with self._lock:
            self._lock.notify_all()

    # ---- triggering ----

    def _on_event(self, res, kind: str, obj: dict, old: dict | None) -> None:
        if res is not self.isvc_res or not self.enabled:
            return
        uid = obj["metadata"]["uid"]
        if kind == "DELETED":
            with self._lock:
                self._plans.pop(uid, None)
            return
        ann = obj["metadata"].get("annotations") or {}
        if obj["metadata"].get("deletionTimestamp"):
            return
        stop = ann.get(STOP_ANNOTATION, "false").lower() == "true"
        scenario = ann.get(SCENARIO_ANNOTATION) or self.scenario
        key = (obj["metadata"].get("generation", 1), stop, scenario)
        with self._lock:
            if uid in self._plans and self._plans[uid][0] == key:
                return  # our own status writes, label edits, ...
            token = object()
            self._plans[uid] = (key, token)
            ctx = _Ctx(self, obj["metadata"]["namespace"], obj["metadata"]["name"], uid, token)
            steps = [_stop] if stop else _PLANS.get(scenario, [_unknown_scenario])
            start = time.monotonic()
            for i, step in enumerate(steps):
                heapq.heappush(self._queue, (start + i * self.step_seconds, next(self._seq), ctx, step))
            self._lock.notify_all()

    def _current(self, ctx: _Ctx) -> bool:
        plan = self._plans.get(ctx.uid)
        return plan is not None and plan[1] is ctx.token

    def _run(self) -> None:
        while not self._stopping:
            with self._lock:
                while not self._queue or self._queue[0][0] > time.monotonic():
                    if self._stopping:
                        return
                    delay = self._queue[0][0] - time.monotonic() if self._queue else 0.5
                    self._lock.wait(max(0.005, min(delay, 0.5)))
                _, _, ctx, step = heapq.heappop(self._queue)
                if not self._current(ctx):
                    continue
            try:
                with self.store.cond:  # one step is atomic for watchers
                    if self._current(ctx):
                        step(ctx)
            except errors.ApiError as e:
                if e.code != 404:  # the InferenceService (or a pod) went away mid-plan
                    log.warning("fakekube simulator step %s failed: %s", step.__name__, e.message)
            except Exception:
                log.exception("fakekube simulator step %s crashed", step.__name__)

    # ---- helpers used by steps ----

    def runtime_image(self, ctx: _Ctx, isvc: dict) -> str:
        runtime = ps.predictor_container(isvc).get("runtime")
        if runtime and self.store.exists(self.sr_res, ctx.ns, runtime):
            sr = self.store.get(self.sr_res, ctx.ns, runtime)
            containers = (sr.get("spec") or {}).get("containers") or []
            if containers and containers[0].get("image"):
                return containers[0]["image"]
        return ps.DEFAULT_IMAGE

    def nodes(self) -> list[dict]:
        return self.store.list(self.node_res)[0]

    def pick_node(self, isvc: dict) -> str:
        """First node whose free extended resources cover the request; otherwise any node."""
        want = ps.gpu_requests(isvc)
        selector = ((isvc.get("spec") or {}).get("predictor") or {}).get("nodeSelector") or {}
        nodes = self.nodes()
        pods = [
            p
            for p in self.store.list(self.pod_res)[0]
            if (p.get("status") or {}).get("phase") not in ("Succeeded", "Failed")
        ]
        for node in nodes:
            labels = node["metadata"].get("labels") or {}
            if any(labels.get(k) != v for k, v in selector.items()):
                continue
            alloc = (node.get("status") or {}).get("allocatable") or {}
            used: dict[str, int] = {}
            for p in pods:
                if (p.get("spec") or {}).get("nodeName") == node["metadata"]["name"]:
                    for c in p["spec"].get("containers") or []:
                        for k, v in ((c.get("resources") or {}).get("limits") or {}).items():
                            used[k] = used.get(k, 0) + (int(v) if str(v).isdigit() else 0)
            if all(int(str(alloc.get(k, 0))) - used.get(k, 0) >= n for k, n in want.items()):
                return node["metadata"]["name"]
        return nodes[0]["metadata"]["name"] if nodes else "fake-node-1"

    def unschedulable_message(self, isvc: dict) -> str:
        n = len(self.nodes()) or 3  # an empty fake cluster pretends to have three nodes
        resource = next(iter(ps.gpu_requests(isvc)), "nvidia.com/gpu")
        return f"0/{n} nodes are available: {n} Insufficient {resource}."

    def url(self, isvc: dict) -> str:
        ann = isvc["metadata"].get("annotations") or {}
        return ann.get(ENDPOINT_ANNOTATION) or self.endpoint_url or ps.predictor_url(isvc)


# ---- steps (each runs atomically under the store lock) ----


def _delete_pods(ctx: _Ctx) -> None:
    sim = ctx.sim
    for pod in sim.store.list(sim.pod_res, ctx.ns)[0]:
        if any(r.get("uid") == ctx.uid for r in pod["metadata"].get("ownerReferences") or []):
            sim.store.delete(sim.pod_res, ctx.ns, pod["metadata"]["name"])


def _pending(ctx: _Ctx) -> None:
    """Reconcile starts: old pods go (a new revision), status says InProgress."""
    isvc = ctx.isvc()
    _delete_pods(ctx)
    prev = (((isvc.get("status") or {}).get("modelStatus") or {}).get("states") or {}).get("activeModelState")
    mode = (isvc["metadata"].get("annotations") or {}).get("serving.kserve.io/deploymentMode", "RawDeployment")
    ctx.set_status(
        conditions=ps.isvc_conditions(False, False, "PredictorConfigurationReady not ready"),
        modelStatus=ps.model_status(prev if prev == "Loaded" else "", "Pending", "InProgress"),
        deploymentMode=mode,
    )


def _create_pod(ctx: _Ctx, scheduled: bool = True, with_init: bool = True) -> None:
    sim, isvc = ctx.sim, ctx.isvc()
    ctx.image = sim.runtime_image(ctx, isvc)
    replicas = max(1, min(int(((isvc.get("spec") or {}).get("predictor") or {}).get("minReplicas") or 1), 4))
    for _ in range(replicas):
        pod = ps.pod_object(isvc, sim.pick_node(isvc) if scheduled else None, ctx.image, with_init)
        ctx.pods.append(sim.store.create(sim.pod_res, ctx.ns, pod)["metadata"]["name"])


def _schedule_and_init(ctx: _Ctx) -> None:
    _create_pod(ctx)
    init = ps.container_status(ps.STORAGE_INIT, ps.STORAGE_IMAGE, ps.running())
    main = ps.container_status(ps.MAIN, ctx.image, ps.waiting("PodInitializing"))
    ctx.pod_status(ps.pod_status("Pending", init=init, main=main))
    ctx.log(ps.STORAGE_INIT, "INFO:root:Initializing, args: src_uri [model] dest_path[ [/mnt/models]\n")
    ctx.emit("Scheduled", f"Successfully assigned {ctx.ns}/{ctx.pods[0]} to node", "Normal", "default-scheduler")
    ctx.set_status(modelStatus=ps.model_status("", "Loading", "InProgress"))


def _init_done() -> dict:
    return ps.container_status(ps.STORAGE_INIT, ps.STORAGE_IMAGE, ps.terminated("Completed", 0))


def _main_starting(ctx: _Ctx) -> None:
    main = ps.container_status(ps.MAIN, ctx.image, ps.running())
    ctx.pod_status(ps.pod_status("Running", init=_init_done(), main=main))
    ctx.log(ps.MAIN, ps.VLLM_START.format(name=ctx.name))


def _ready(ctx: _Ctx) -> None:
    main = ps.container_status(ps.MAIN, ctx.image, ps.running(), ready=True)
    ctx.pod_status(ps.pod_status("Running", init=_init_done(), main=main))
    ctx.log(ps.MAIN, ps.VLLM_START.format(name=ctx.name) + ps.VLLM_READY)
    isvc = ctx.isvc()
    url, internal = ctx.sim.url(isvc), ps.predictor_url(isvc)
    address = ctx.sim.endpoint_url or internal
    ctx.set_status(
        conditions=ps.isvc_conditions(True, True),
        modelStatus=ps.model_status("Loaded", "", "UpToDate", copies=len(ctx.pods)),
        url=url,
        address={"url": address},
        components={
            "predictor": {
                "url": url,
                "restUrl": url,
                "address": {"url": address},
                "latestCreatedRevision": f"{ctx.name}-predictor-00001",
                "latestReadyRevision": f"{ctx.name}-predictor-00001",
            }
        },
    )


def _drop_watches(ctx: _Ctx) -> None:
    _main_starting(ctx)
    ctx.sim.drop_watches()


def _unschedulable(ctx: _Ctx) -> None:
    isvc = ctx.isvc()
    _create_pod(ctx, scheduled=False)
    msg = ctx.sim.unschedulable_message(isvc)
    ctx.pod_status(ps.pod_status("Pending", scheduled=False, unschedulable=msg))
    ctx.emit("FailedScheduling", msg, component="default-scheduler")
    ctx.set_status(
        conditions=ps.isvc_conditions(
            False, False, "MinimumReplicasUnavailable", "Deployment does not have minimum availability."
        ),
        modelStatus=ps.model_status("", "Pending", "InProgress"),
    )


def _image_pull(reason: str) -> Step:
    def step(ctx: _Ctx) -> None:
        err = (
            f'Failed to pull image "{ctx.image}": initializing source docker://{ctx.image}: reading manifest '
            f"in {ctx.image.rsplit(':', 1)[0]}: manifest unknown"
        )
        msg = err if reason == "ErrImagePull" else f'Back-off pulling image "{ctx.image}"'
        main = ps.container_status(ps.MAIN, ctx.image, ps.waiting(reason, msg))
        ctx.pod_status(ps.pod_status("Pending", init=_init_done(), main=main))
        ctx.emit("Failed" if reason == "ErrImagePull" else "BackOff", msg)
        if reason == "ErrImagePull":
            ctx.emit("Failed", "Error: ErrImagePull")

    step.__name__ = f"image_pull_{reason}"
    return step


def _failed(ctx: _Ctx, message: str, exit_code: int) -> None:
    failure = {
        "location": ctx.pods[0] if ctx.pods else "",
        "reason": "ModelLoadFailed",
        "message": message,
        "exitCode": exit_code,
        "time": now(),
        "modelRevisionName": f"{ctx.name}-predictor-00001",
    }
    ctx.set_status(
        conditions=ps.isvc_conditions(False, False, "ModelLoadFailed", message),
        modelStatus=ps.model_status("", "FailedToLoad", "BlockedByFailedLoad", failure, failed=1),
    )


def _storage_failure(restarts: int) -> Step:
    def step(ctx: _Ctx) -> None:
        text = "INFO:root:Copying contents of s3://models/granite to local\n" + ps.S3_DENIED + "\n"
        last = ps.terminated("Error", 1, ps.S3_DENIED)
        state = (
            last
            if restarts == 0
            else ps.waiting(
                "CrashLoopBackOff", f"back-off 10s restarting failed container={ps.STORAGE_INIT} pod={ctx.pods[0]}"
            )
        )
        init = ps.container_status(
            ps.STORAGE_INIT, ps.STORAGE_IMAGE, state, restarts=restarts, last=last if restarts else None
        )
        main = ps.container_status(ps.MAIN, ctx.image, ps.waiting("PodInitializing"))
        ctx.pod_status(ps.pod_status("Pending", init=init, main=main))
        ctx.log(ps.STORAGE_INIT, text)
        ctx.log(ps.STORAGE_INIT, text, previous=True)
        if restarts:
            ctx.emit("BackOff", f"Back-off restarting failed container {ps.STORAGE_INIT} in pod {ctx.pods[0]}")
        _failed(ctx, ps.S3_DENIED, 1)

    step.__name__ = f"storage_failure_{restarts}"
    return step


def _crash(error_log: str, restarts: int, reason: str = "Error", code: int = 1) -> Step:
    def step(ctx: _Ctx) -> None:
        text = ps.VLLM_START.format(name=ctx.name) + ("" if reason == "OOMKilled" else error_log)
        last = ps.terminated(reason, code, text.strip().splitlines()[-1] if reason == "Error" else "")
        state = ps.waiting(
            "CrashLoopBackOff",
            f"back-off {10 * 2 ** (restarts - 1)}s restarting failed container={ps.MAIN} pod={ctx.pods[0]}",
        )
        main = ps.container_status(ps.MAIN, ctx.image, state, restarts=restarts, last=last)
        ctx.pod_status(ps.pod_status("Running", init=_init_done(), main=main))
        ctx.log(ps.MAIN, text)
        ctx.log(ps.MAIN, text, previous=True)
        ctx.emit("BackOff", f"Back-off restarting failed container {ps.MAIN} in pod {ctx.pods[0]}")
        _failed(ctx, last["terminated"].get("message") or reason, code)

    step.__name__ = f"crash_{reason}_{restarts}"
    return step


def _stop(ctx: _Ctx) -> None:
    _delete_pods(ctx)
    ctx.set_status(
        conditions=ps.isvc_conditions(False, False, "Stopped", "The inference service is stopped", stopped=True),
        modelStatus=ps.model_status("", "", "UpToDate", copies=0),
    )


def _unknown_scenario(ctx: _Ctx) -> None:
    scenario = (ctx.isvc()["metadata"].get("annotations") or {}).get(SCENARIO_ANNOTATION) or ctx.sim.scenario
    ctx.set_status(
        conditions=ps.isvc_conditions(
            False, False, "FakekubeUnknownScenario", f"unknown scenario {scenario!r}; known: {', '.join(SCENARIOS)}"
        )
    )


_CRASH = [_pending, _schedule_and_init, _main_starting]
_PLANS: dict[str, list[Step]] = {
    "success": [_pending, _schedule_and_init, _main_starting, _ready],
    "watch-drop": [_pending, _schedule_and_init, _drop_watches, _ready],
    "unschedulable": [_pending, _unschedulable],
    "image-pull": [_pending, _schedule_and_init, _image_pull("ErrImagePull"), _image_pull("ImagePullBackOff")],
    "storage-failure": [_pending, _schedule_and_init, _storage_failure(0), _storage_failure(1)],
    "oom": [*_CRASH, _crash(ps.KV_CACHE_ERROR, 1), _crash(ps.KV_CACHE_ERROR, 2)],
    "crashloop": [*_CRASH, _crash(ps.KV_CACHE_ERROR, 1), _crash(ps.KV_CACHE_ERROR, 2)],
    "cuda-oom": [*_CRASH, _crash(ps.CUDA_OOM_ERROR, 1), _crash(ps.CUDA_OOM_ERROR, 2)],
    "oomkilled": [*_CRASH, _crash("", 1, "OOMKilled", 137), _crash("", 2, "OOMKilled", 137)],
}
