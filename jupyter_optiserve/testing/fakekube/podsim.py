"""Object builders for the simulated KServe controller and kubelet: predictor pods, their
container states, Events, vLLM logs and InferenceService status blocks."""

from __future__ import annotations

import hashlib
import random
import string
from typing import Any

from .store import now

STORAGE_INIT = "storage-initializer"
MAIN = "kserve-container"
DEFAULT_IMAGE = "quay.io/vllm/vllm-cuda:latest"
STORAGE_IMAGE = "quay.io/opendatahub/kserve-storage-initializer:latest"
_PLAIN = {"cpu", "memory", "ephemeral-storage", "pods"}

VLLM_START = """INFO 08-21 10:00:01 [api_server.py:1043] vLLM API server version 0.10.1.1
INFO 08-21 10:00:01 [api_server.py:1044] args: Namespace(port=8080, model='/mnt/models', served_model_name=['{name}'])
INFO 08-21 10:00:09 [config.py:717] This model supports multiple tasks: {{'generate'}}. Defaulting to 'generate'.
INFO 08-21 10:00:12 [cuda.py:292] Using Flash Attention backend.
INFO 08-21 10:00:31 [gpu_model_runner.py:1329] Model loading took 15.2344 GiB and 18.113 seconds
"""
VLLM_READY = """INFO 08-21 10:00:40 [api_server.py:1090] Starting vLLM API server 0 on http://0.0.0.0:8080
INFO:     Started server process [1]
INFO:     Waiting for application startup.
INFO:     Application startup complete.
"""
KV_CACHE_ERROR = """ERROR 08-21 10:00:38 [core.py:586] EngineCore failed to start.
Traceback (most recent call last):
  File "/opt/vllm/lib64/python3.12/site-packages/vllm/v1/core/kv_cache_utils.py", line 578, in check_enough_kv_cache_memory
    raise ValueError(
ValueError: The model's max seq len (131072) is larger than the maximum number of tokens that can be stored in KV cache (51872). Try increasing gpu_memory_utilization or decreasing max_model_len when initializing the engine.
RuntimeError: Engine core initialization failed. See root cause above. Failed core proc(s): {}
"""
CUDA_OOM_ERROR = """ERROR 08-21 10:00:35 [core.py:586] EngineCore failed to start.
Traceback (most recent call last):
  File "/opt/vllm/lib64/python3.12/site-packages/vllm/model_executor/model_loader/utils.py", line 64, in initialize_model
    return model_class(vllm_config=vllm_config, prefix=prefix)
torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 1.96 GiB. GPU 0 has a total capacity of 79.19 GiB of which 1.02 GiB is free. Process 1 has 78.16 GiB memory in use. Of the allocated memory 76.81 GiB is allocated by PyTorch, and 12.44 MiB is reserved by PyTorch but unallocated.
RuntimeError: Engine core initialization failed. See root cause above. Failed core proc(s): {}
"""
S3_DENIED = (
    "botocore.exceptions.ClientError: An error occurred (AccessDenied) when calling the ListObjectsV2 "
    "operation: Access Denied"
)


def _rand(n: int) -> str:
    return "".join(random.choice(string.ascii_lowercase + string.digits) for _ in range(n))


def predictor_container(isvc: dict) -> dict:
    pred = (isvc.get("spec") or {}).get("predictor") or {}
    return pred.get("model") or (pred.get("containers") or [{}])[0]


def gpu_requests(isvc: dict) -> dict[str, int]:
    res = predictor_container(isvc).get("resources") or {}
    merged = {**(res.get("requests") or {}), **(res.get("limits") or {})}
    return {k: int(str(v)) for k, v in merged.items() if k not in _PLAIN and str(v).isdigit()}


def predictor_url(isvc: dict) -> str:
    m = isvc["metadata"]
    return f"http://{m['name']}-predictor.{m['namespace']}.svc.cluster.local"


def pod_object(isvc: dict, node: str | None, image: str, with_init: bool) -> dict:
    m = isvc["metadata"]
    name, ns = m["name"], m["namespace"]
    pred = (isvc.get("spec") or {}).get("predictor") or {}
    main = predictor_container(isvc)
    rs_hash = hashlib.sha1(f"{m['uid']}/{m.get('generation', 1)}".encode()).hexdigest()[:10]
    spec: dict[str, Any] = {
        "containers": [
            {
                "name": MAIN,
                "image": image,
                "args": list(main.get("args") or []),
                "env": list(main.get("env") or []),
                "resources": main.get("resources") or {},
                "ports": [{"containerPort": 8080, "name": "http", "protocol": "TCP"}],
            }
        ],
        "serviceAccountName": pred.get("serviceAccountName") or "default",
        "restartPolicy": "Always",
        "schedulerName": "default-scheduler",
    }
    if with_init:
        uri = main.get("storageUri") or pred.get("storageUri") or ""
        spec["initContainers"] = [
            {
                "name": STORAGE_INIT,
                "image": STORAGE_IMAGE,
                "args": [uri, "/mnt/models"],
                "terminationMessagePolicy": "FallbackToLogsOnError",
            }
        ]
    for key in ("tolerations", "nodeSelector", "affinity", "imagePullSecrets"):
        if pred.get(key):
            spec[key] = pred[key]
    if node:
        spec["nodeName"] = node
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": f"{name}-predictor-{rs_hash}-{_rand(5)}",
            "namespace": ns,
            "labels": {
                "serving.kserve.io/inferenceservice": name,
                "component": "predictor",
                "app": f"isvc.{name}-predictor",
                "pod-template-hash": rs_hash,
            },
            "annotations": {"serving.kserve.io/deploymentMode": "RawDeployment"},
            "ownerReferences": [
                {
                    "apiVersion": isvc["apiVersion"],
                    "kind": isvc["kind"],
                    "name": name,
                    "uid": m["uid"],
                    "controller": True,
                    "blockOwnerDeletion": True,
                }
            ],
        },
        "spec": spec,
    }


# ---- container states ----


def running() -> dict:
    return {"running": {"startedAt": now()}}


def waiting(reason: str, message: str = "") -> dict:
    return {"waiting": {"reason": reason, **({"message": message} if message else {})}}


def terminated(reason: str, code: int, message: str = "") -> dict:
    return {
        "terminated": {
            "reason": reason,
            "exitCode": code,
            "startedAt": now(),
            "finishedAt": now(),
            **({"message": message} if message else {}),
        }
    }


def container_status(
    name: str, image: str, state: dict, ready: bool = False, restarts: int = 0, last: dict | None = None
) -> dict:
    st = {
        "name": name,
        "image": image,
        "imageID": "",
        "ready": ready,
        "restartCount": restarts,
        "started": "running" in state,
        "state": state,
        "lastState": last or {},
    }
    if "running" in state or "terminated" in state:
        st["imageID"] = image.split(":")[0] + "@sha256:" + hashlib.sha256(image.encode()).hexdigest()
        st["containerID"] = "cri-o://" + hashlib.sha256((name + image).encode()).hexdigest()
    return st


def pod_status(
    phase: str,
    *,
    scheduled: bool = True,
    init: dict | None = None,
    main: dict | None = None,
    unschedulable: str | None = None,
) -> dict:
    """`init`/`main` are container statuses (or None when the container does not exist / has not started)."""
    t = now()
    inited = init is None or "terminated" in init["state"] and init["state"]["terminated"]["exitCode"] == 0
    ready = bool(main and main["ready"])

    def cond(kind: str, ok: bool, reason: str = "", message: str = "") -> dict:
        c = {"type": kind, "status": "True" if ok else "False", "lastProbeTime": None, "lastTransitionTime": t}
        if reason:
            c["reason"] = reason
        if message:
            c["message"] = message
        return c

    if not scheduled:
        return {
            "phase": "Pending",
            "qosClass": "Burstable",
            "conditions": [cond("PodScheduled", False, "Unschedulable", unschedulable or "")],
        }
    st: dict[str, Any] = {
        "phase": phase,
        "qosClass": "Burstable",
        "hostIP": "10.0.0.10",
        "podIP": "10.128.2.17",
        "startTime": t,
        "conditions": [
            cond("PodReadyToStartContainers", True),
            cond(
                "Initialized",
                inited,
                "" if inited else "ContainersNotInitialized",
                "" if inited else f"containers with incomplete status: [{STORAGE_INIT}]",
            ),
            cond(
                "Ready",
                ready,
                "" if ready else "ContainersNotReady",
                "" if ready else f"containers with unready status: [{MAIN}]",
            ),
            cond(
                "ContainersReady",
                ready,
                "" if ready else "ContainersNotReady",
                "" if ready else f"containers with unready status: [{MAIN}]",
            ),
            cond("PodScheduled", True),
        ],
    }
    if init is not None:
        st["initContainerStatuses"] = [init]
    if main is not None:
        st["containerStatuses"] = [main]
    return st


def event(pod: dict, reason: str, message: str, etype: str = "Warning", component: str = "kubelet") -> dict:
    m = pod["metadata"]
    t = now()
    return {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {"name": f"{m['name']}.{_rand(16)}", "namespace": m["namespace"]},
        "involvedObject": {
            "kind": "Pod",
            "namespace": m["namespace"],
            "name": m["name"],
            "uid": m["uid"],
            "apiVersion": "v1",
            "resourceVersion": m.get("resourceVersion", ""),
        },
        "reason": reason,
        "message": message,
        "type": etype,
        "count": 1,
        "firstTimestamp": t,
        "lastTimestamp": t,
        "source": {"component": component},
        "reportingComponent": component,
        "reportingInstance": "",
    }


# ---- InferenceService status ----


def isvc_conditions(
    predictor: bool, ingress: bool, reason: str = "", message: str = "", stopped: bool = False
) -> list[dict]:
    t = now()

    def cond(kind: str, ok: bool, with_reason: bool = True) -> dict:
        c = {"type": kind, "status": "True" if ok else "False", "lastTransitionTime": t}
        if not ok and with_reason and reason:
            c["reason"] = reason
            if message:
                c["message"] = message
        return c

    return [
        cond("IngressReady", ingress),
        cond("PredictorReady", predictor),
        cond("Ready", predictor and ingress),
        {"type": "Stopped", "status": "True" if stopped else "False", "lastTransitionTime": t},
    ]


def model_status(
    active: str, target: str, transition: str, failure: dict | None = None, copies: int = 1, failed: int = 0
) -> dict:
    ms = {
        "transitionStatus": transition,
        "states": {"activeModelState": active, "targetModelState": target},
        "copies": {"failedCopies": failed, "totalCopies": copies},
    }
    if failure:
        ms["lastFailureInfo"] = failure
    return ms
