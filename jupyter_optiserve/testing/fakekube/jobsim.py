"""Opt-in "simulate the Job controller + kubelet" for batch/v1 Jobs (benchmark Jobs).

A created Job gets one pod (owned by the Job, labelled ``job-name``) after ``step_seconds``; the
pod's log is what ``log_for(job)`` returns, then pod and Job finish: Succeeded/Complete, or
Failed when ``log_for`` answers None or the Job carries ``fakekube.optiserve.io/job-outcome: fail``.
Tests set ``log_for`` (e.g. to print a committed GuideLLM report the way the real container would).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from .resources import Registry
from .store import Store, now

OUTCOME_ANNOTATION = "fakekube.optiserve.io/job-outcome"


class JobSimulator:
    def __init__(self, store: Store, registry: Registry, step_seconds: float = 0.2):
        self.store = store
        self.job_res = registry.find("batch", "v1", "jobs")
        self.pod_res = registry.find("", "v1", "pods")
        self.step_seconds = step_seconds
        self.log_for: Callable[[dict], str | None] = lambda job: None
        self.enabled = False
        self.seen: list[dict] = []  # every Job as created (tests inspect the manifest)
        store.listeners.append(self._on_event)

    def reset(self, enabled: bool, step_seconds: float) -> None:
        self.enabled, self.step_seconds = enabled, step_seconds
        self.log_for = lambda job: None
        self.seen.clear()

    def _on_event(self, res, kind: str, obj: dict, old: dict | None) -> None:
        if res is not self.job_res or kind != "ADDED" or not self.enabled:
            return
        self.seen.append(obj)
        t = threading.Timer(self.step_seconds, self._run, args=(obj,))
        t.daemon = True
        t.start()

    def _run(self, job: dict) -> None:
        meta = job["metadata"]
        ns, name = meta["namespace"], meta["name"]
        try:
            self.store.get(self.job_res, ns, name)
        except Exception:
            return
        container = job["spec"]["template"]["spec"]["containers"][0]
        pod = {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {
                "generateName": f"{name}-",
                "labels": {"job-name": name, "batch.kubernetes.io/job-name": name},
                "ownerReferences": [
                    {"apiVersion": "batch/v1", "kind": "Job", "name": name, "uid": meta["uid"], "controller": True}
                ],
            },
            "spec": job["spec"]["template"]["spec"],
        }
        pod = self.store.create(self.pod_res, ns, pod)
        log = None if (meta.get("annotations") or {}).get(OUTCOME_ANNOTATION) == "fail" else self.log_for(job)
        ok = log is not None
        self.store.set_log(
            ns, pod["metadata"]["name"], container["name"], log if ok else "Error: the benchmark failed\n"
        )
        state = {"terminated": {"exitCode": 0 if ok else 1, "reason": "Completed" if ok else "Error"}}
        self.store.mutate(
            self.pod_res,
            ns,
            pod["metadata"]["name"],
            lambda cur: {
                **cur,
                "status": {
                    "phase": "Succeeded" if ok else "Failed",
                    "containerStatuses": [
                        {
                            "name": container["name"],
                            "image": container.get("image", ""),
                            "ready": False,
                            "restartCount": 0,
                            "state": state,
                        }
                    ],
                },
            },
            subresource="status",
        )
        cond = {
            "type": "Complete" if ok else "Failed",
            "status": "True",
            "lastTransitionTime": now(),
            "lastProbeTime": now(),
        }
        if not ok:
            cond.update(reason="BackoffLimitExceeded", message="Job has reached the specified backoff limit")
        self.store.mutate(
            self.job_res,
            ns,
            name,
            lambda cur: {
                **cur,
                "status": {
                    "startTime": now(),
                    "completionTime": now() if ok else None,
                    "succeeded": 1 if ok else 0,
                    "failed": 0 if ok else 1,
                    "conditions": [cond],
                },
            },
            subresource="status",
        )
