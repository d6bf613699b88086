"""In the cluster, next to the model: GuideLLM as a Kubernetes Job in the deployment's namespace.

- The image is pinned (``DEFAULT_IMAGE``) and configurable for disconnected clusters (``--image``,
  ``$OPTISERVE_GUIDELLM_IMAGE``): mirror it and point OptiServe at the mirror.
- The endpoint's token reaches the container as an env var from a Secret reference; it is never in
  the manifest. The shell expands it into GuideLLM's ``api_key`` (0.8.1 reads no env var for it).
- The report comes back through the pod's log: the container gzips and base64-encodes GuideLLM's
  JSON (without the per-request list) between two marker lines. Then the Job is deleted with its pod.
- Without permission to create Jobs (or read pod logs), ``preflight`` says so, with the grant, and
  offers the in-process client (``--mode client``).
"""

from __future__ import annotations

import base64
import gzip
import json
import os
import re
import shlex
import time
from typing import Any

from jupyter_optiserve.errors import InvalidInputError, OptiServeError

DEFAULT_IMAGE = "ghcr.io/vllm-project/guidellm:v0.8.1"
IMAGE_ENV = "OPTISERVE_GUIDELLM_IMAGE"
BEGIN, END = "===OPTISERVE-GUIDELLM-REPORT-BEGIN===", "===OPTISERVE-GUIDELLM-REPORT-END==="
CONTAINER = "guidellm"
MANAGED = {"app.kubernetes.io/managed-by": "optiserve", "app.kubernetes.io/component": "benchmark"}
STARTUP_ALLOWANCE_S = 600  # image pull and GuideLLM's start, on top of the sweep's deadline
PULL_FAILURES = ("ErrImagePull", "ImagePullBackOff", "InvalidImageName")

# Runs in the GuideLLM image: the report without per-request detail, compressed, between markers.
_EXTRACT = (
    "import base64,gzip,json,textwrap;r=json.load(open('/tmp/report.json'));"
    "[b.pop('requests',None) for b in r.get('benchmarks',[])];"
    "s=base64.b64encode(gzip.compress(json.dumps(r).encode())).decode();"
    f"print('{BEGIN}');print('\\n'.join(textwrap.wrap(s,76)));print('{END}')"
)


class JobFailedError(OptiServeError):
    status = 502
    exit_code = 4


def image(explicit: str | None = None) -> str:
    return explicit or os.environ.get(IMAGE_ENV) or DEFAULT_IMAGE


def guidellm_args(url: str, model: str, workload, sweep, tokenizer: str | None) -> list[str]:
    if not sweep.concurrency:
        raise InvalidInputError(
            "the GuideLLM Job runs concurrency levels only", hint="use --concurrency, or --mode client for --rate"
        )
    if workload.dataset:
        raise InvalidInputError(
            "--dataset is a local file: the GuideLLM Job cannot read it",
            hint="use --mode client, or synthetic lengths (--input-len/--output-len)",
        )
    fmt = "/v1/chat/completions" if workload.api == "chat" else "/v1/completions"
    data = f"kind=synthetic_text,prompt_tokens={workload.input_len},output_tokens={workload.output_len}"
    if workload.input_stddev:
        data += f",prompt_tokens_stdev={workload.input_stddev}"
    if workload.output_stddev:
        data += f",output_tokens_stdev={workload.output_stddev}"
    count = sweep.requests_per_level or max(sweep.count(c, True) for c in sweep.concurrency)
    args = [
        "--backend",
        f"kind=openai_http,target={url.rstrip('/')},model={model},request_format={fmt}",
        "--profile",
        f"kind=concurrent,streams={sweep.concurrency[0]}",
        "--override",
        "profile.streams",
        ",".join(str(c) for c in sweep.concurrency),
        "--constraint",
        f"kind=max_requests,count={count}",
        "--data",
        data,
        "--seed",
        f"kind=static,value={workload.seed}",
        "--output",
        "kind=json,path=/tmp/report.json",
        "--output",
        "kind=console",
        "--disable-progress",
    ]
    if tokenizer:
        args += ["--tokenizer", f"kind=hf_auto,model={tokenizer}"]
    return args


def job_manifest(
    name: str,
    namespace: str,
    deployment: str,
    args: list[str],
    *,
    image_ref: str,
    token_secret: str | None,
    deadline_s: float,
) -> dict:
    i = args.index("--backend")
    backend, rest = args[i + 1], args[:i] + args[i + 2 :]
    # the token joins the backend spec inside the container only: sh expands $OPTISERVE_TOKEN there
    cmd = 'guidellm run --backend "$BACKEND${OPTISERVE_TOKEN:+,api_key=$OPTISERVE_TOKEN}" ' + " ".join(
        shlex.quote(a) for a in rest
    )
    env: list[dict[str, Any]] = [
        {"name": "BACKEND", "value": backend},
        {"name": "HOME", "value": "/tmp"},
        {"name": "HF_HOME", "value": "/tmp/hf"},
    ]
    if token_secret:
        env.append({"name": "OPTISERVE_TOKEN", "valueFrom": {"secretKeyRef": {"name": token_secret, "key": "token"}}})
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {
            "name": name,
            "namespace": namespace,
            "labels": {**MANAGED, "optiserve.io/benchmark-of": deployment},
        },
        "spec": {
            "backoffLimit": 0,
            "activeDeadlineSeconds": int(deadline_s + STARTUP_ALLOWANCE_S),
            "ttlSecondsAfterFinished": 3600,  # a safety net if the reader is killed before cleaning up
            "template": {
                "metadata": {"labels": {**MANAGED, "optiserve.io/benchmark-of": deployment}},
                "spec": {
                    "restartPolicy": "Never",
                    "containers": [
                        {
                            "name": CONTAINER,
                            "image": image_ref,
                            "command": ["/bin/sh", "-c"],
                            "args": [f"set -e; {cmd}; python3 -c {shlex.quote(_EXTRACT)}"],
                            "env": env,
                            "resources": {
                                "requests": {"cpu": "1", "memory": "2Gi"},
                                "limits": {"cpu": "2", "memory": "4Gi"},
                            },
                            "securityContext": {"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}},
                        }
                    ],
                },
            },
        },
    }


def extract_report(log: str) -> dict:
    if BEGIN not in log or END not in log:
        tail = "\n".join(log.strip().splitlines()[-5:])
        raise JobFailedError(
            f"the GuideLLM Job ended without a report; its log ends with:\n{tail}",
            hint="check the endpoint URL and token, and the GuideLLM image version (0.8.x)",
        )
    body = log.split(BEGIN, 1)[1].split(END, 1)[0]
    return json.loads(gzip.decompress(base64.b64decode("".join(body.split()))))


def preflight(conn, namespace: str) -> dict:
    """{"ok", "checks": [...], "hint"}: may this identity run the benchmark Job here?"""
    from jupyter_optiserve.kube.access import Rule, check_access, grant_hint

    rules = [
        Rule("create", "jobs", "batch", namespace=namespace),
        Rule("delete", "jobs", "batch", namespace=namespace),
        Rule("get", "pods", "", "log", namespace=namespace),
        Rule("list", "pods", namespace=namespace),
    ]
    res = check_access(conn, rules, namespace)
    missing = [r for r in rules if res[r] is False]
    checks = [{"check": r.describe(namespace), "ok": res[r] is not False} for r in rules]
    if not missing:
        return {"ok": True, "checks": checks, "hint": ""}
    return {
        "ok": False,
        "checks": checks,
        "hint": grant_hint(conn.identity, namespace, missing, name="optiserve-benchmark")
        + "\nor measure from the workbench instead: --mode client (the in-process client)",
    }


def run_job(
    conn,
    tgt,
    workload,
    sweep,
    *,
    image: str | None = None,
    tokenizer: str | None = None,
    on_progress=None,
    cancel=None,
    poll_s: float = 1.0,
) -> tuple[list[dict], dict]:
    from kubernetes import client as k8s

    from jupyter_optiserve.benchmark.guidellm import parse_report
    from jupyter_optiserve.errors import PermissionDeniedError

    progress = on_progress or (lambda e: None)
    ns, deployment = tgt.context["namespace"], tgt.context["deployment"]
    pf = preflight(conn, ns)
    if not pf["ok"]:
        raise PermissionDeniedError(
            f"benchmark Jobs are not allowed in {ns}: " + "; ".join(c["check"] for c in pf["checks"] if not c["ok"]),
            hint=pf["hint"],
        )
    url = tgt.internal_url or tgt.url  # next to the model: the cluster-local address
    tokenizer = tokenizer or tgt.tokenizer
    name = f"optiserve-bench-{deployment}"[:52] + "-" + os.urandom(3).hex()
    ref = globals()["image"](image)
    body = job_manifest(
        name,
        ns,
        deployment,
        guidellm_args(url, tgt.model, workload, sweep, tokenizer),
        image_ref=ref,
        token_secret=tgt.auth_secret,
        deadline_s=sweep.deadline_s,
    )
    batch = k8s.BatchV1Api(conn.api_client)
    conn.call(batch.create_namespaced_job, ns, body)
    progress({"event": "job", "name": name, "state": "created", "image": ref})
    try:
        count = sweep.requests_per_level or max(sweep.count(c, True) for c in sweep.concurrency)
        pod = _wait(
            conn,
            batch,
            ns,
            name,
            sweep.deadline_s + STARTUP_ALLOWANCE_S,
            cancel,
            progress,
            poll_s,
            len(sweep.concurrency),
            count,
        )
        log = conn.call(conn.core.read_namespaced_pod_log, pod, ns, container=CONTAINER)
        levels, _, meta = parse_report(extract_report(log), f"the report of Job {name}")
    finally:
        try:
            conn.call(batch.delete_namespaced_job, name, ns, propagation_policy="Background")
        except OptiServeError:
            pass  # ttlSecondsAfterFinished removes it later
        progress({"event": "job", "name": name, "state": "deleted"})
    return levels, {**meta, "job": name, "image": ref, "tokenizer": tokenizer}


def _wait(conn, batch, ns, name, timeout_s, cancel, progress, poll_s, levels=0, count=0) -> str:
    """Until the Job completes; returns its pod's name. Fails fast on a failed Job or image pull."""
    end = time.monotonic() + timeout_s
    while True:
        job = conn.get_json(batch.read_namespaced_job, name, ns)
        conds = {
            c.get("type"): c for c in (job.get("status") or {}).get("conditions") or [] if c.get("status") == "True"
        }
        pods = conn.get_json(conn.core.list_namespaced_pod, ns, label_selector=f"job-name={name}").get("items") or []
        pod = pods[0]["metadata"]["name"] if pods else None
        for cs in ((pods[0].get("status") or {}).get("containerStatuses") or []) if pods else []:
            reason = ((cs.get("state") or {}).get("waiting") or {}).get("reason")
            if reason in PULL_FAILURES:
                raise JobFailedError(
                    f"the GuideLLM image {cs.get('image')} cannot be pulled ({reason})",
                    hint=f"on a disconnected cluster mirror it and pass --image (or ${IMAGE_ENV})",
                )
        if "Complete" in conds and pod:
            progress({"event": "job", "name": name, "state": "complete"})
            return pod
        if "Failed" in conds:
            tail = ""
            if pod:
                try:
                    tail = conn.call(conn.core.read_namespaced_pod_log, pod, ns, container=CONTAINER, tail_lines=10)
                except OptiServeError:
                    pass
            raise JobFailedError(
                f"the GuideLLM Job {name} failed ({conds['Failed'].get('reason', 'Failed')}): "
                f"{(tail or '').strip()[-800:]}",
                hint="check the endpoint and its token; or measure from here with --mode client",
            )
        if time.monotonic() > end or (cancel is not None and cancel.is_set()):
            raise JobFailedError(
                f"the GuideLLM Job {name} did not finish in time"
                if not (cancel and cancel.is_set())
                else f"the benchmark Job {name} was cancelled",
                hint="raise --deadline, or fewer levels",
            )
        progress({"event": "job", "name": name, "state": "running" if pod else "pending"})
        if pod:
            try:
                tail = conn.call(conn.core.read_namespaced_pod_log, pod, ns, container=CONTAINER, tail_lines=20)
            except OptiServeError:
                tail = ""  # not started yet
            step = level_progress(tail or "", levels, count)
            if step:
                progress(step)
        time.sleep(poll_s)


_PROGRESS = re.compile(
    r"Benchmark (\d+) \(concurrent@(\d+)\): \w+ \|.*?successful=(\d+) errored=(\d+) incomplete=(\d+)"
)


def level_progress(log_tail: str, levels: int, requests: int) -> dict | None:
    """The runner's ``request`` progress event from GuideLLM's latest log line, e.g.
    ``Benchmark 2 (concurrent@4): started | elapsed=1.2s | successful=3 errored=0 incomplete=4 | ...``."""
    found = _PROGRESS.findall(log_tail)
    if not found:
        return None
    index, c, ok, err, _ = (int(x) for x in found[-1])
    return {
        "event": "request",
        "index": index - 1,
        "levels": levels,
        "done": ok + err,
        "requests": requests,
        "concurrency": c,
    }
