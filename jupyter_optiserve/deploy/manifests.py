"""Render a Plan as the objects the RHOAI dashboard would create (docs/deploy.md, "What gets created" and "RHOAI 2.x and 3.x").

``render(plan)`` returns plain dicts in creation order: ServingRuntime, InferenceService, then the
token-auth objects (ServiceAccount, Role, RoleBinding, token Secret) when auth is on; or one
LLMInferenceService for ``target="llmisvc"``. Ownership labels mark everything OptiServe made.
"""

from __future__ import annotations

import copy
import json
from typing import Any

SERVING = "serving.kserve.io"
MANAGED_BY = "app.kubernetes.io/managed-by"
MANAGER = "optiserve"
DASHBOARD = "opendatahub.io/dashboard"
PROFILE_ID = "optiserve.io/profile-id"
# Writable caches for OpenShift's random UID (failure mode #12): one emptyDir for all of them.
CACHE_DIR = "/cache"
CACHE_ENV = {
    "HOME": CACHE_DIR,
    "HF_HOME": f"{CACHE_DIR}/hf",
    "VLLM_CACHE_ROOT": f"{CACHE_DIR}/vllm",
    "XDG_CACHE_HOME": f"{CACHE_DIR}/xdg",
    "TRITON_CACHE_DIR": f"{CACHE_DIR}/triton",
}
ROUTE_TIMEOUT = "10m"  # OpenShift routes default to 30 s, too short for long generations (#16)
PREDICTOR_TIMEOUT_S = 600  # the 3.x dashboard's field for the same budget: spec.predictor.timeout
AUTH = "security.opendatahub.io/enable-auth"
CONNECTIONS = "opendatahub.io/connections"
CONNECTION_PATH = "opendatahub.io/connection-path"


def render(plan) -> list[dict]:
    if plan.target == "llmisvc":
        objs = [llm_inference_service(plan)]
        return objs + (auth_objects(plan, "llminferenceservices") if plan.auth else [])
    objs = [serving_runtime(plan), inference_service(plan)]
    if plan.auth:
        objs += auth_objects(plan)
    return objs


def _labels(plan, extra: dict | None = None) -> dict:
    return {DASHBOARD: "true", MANAGED_BY: MANAGER, **(extra or {})}


PROFILE_SPEC = "optiserve.io/profile-spec"
SETTINGS = "optiserve.io/settings"  # what Edit loads back: the request behind this deployment (no env values)


def _optiserve_annotations(plan) -> dict:
    return {
        PROFILE_ID: plan.profile.id,
        "optiserve.io/profile": plan.profile.name,
        "optiserve.io/model": plan.model.id,
        "optiserve.io/startup-estimate-s": str(plan.startup.total_s),
        PROFILE_SPEC: profile_spec(plan),
        SETTINGS: json.dumps(plan.settings(), separators=(",", ":"), sort_keys=True),
    }


def profile_spec(plan) -> str:
    """What ``optiserve benchmark NAME`` needs to predict this deployment (compact JSON)."""
    p = plan.profile
    spec = {
        "accelerator": plan.accelerator.id,
        "gpus": p.gpus,
        "tp": p.tp,
        "pp": p.pp,
        "replicas": plan.replica_count,
        "precision": p.precision,
        "kv_cache_dtype": p.kv_cache_dtype,
        "max_model_len": p.max_model_len,
        "max_num_seqs": p.max_num_seqs,
        "engine_version": plan.engine_version,
        "kpi": p.kpi,
    }
    return json.dumps(spec, separators=(",", ":"), sort_keys=True)


def serving_runtime(plan) -> dict:
    body = plan.body
    spec = copy.deepcopy(body.spec)
    container = spec["containers"][0]
    container["env"] = _merge_env(container.get("env") or [], [{"name": k, "value": v} for k, v in CACHE_ENV.items()])
    mounts = [m for m in container.get("volumeMounts") or [] if m.get("mountPath") not in ("/dev/shm", CACHE_DIR)]
    container["volumeMounts"] = mounts + [
        {"name": "shm", "mountPath": "/dev/shm"},
        {"name": "optiserve-cache", "mountPath": CACHE_DIR},
    ]
    volumes = [v for v in spec.get("volumes") or [] if v.get("name") not in ("shm", "optiserve-cache")]
    spec["volumes"] = volumes + [
        {"name": "shm", "emptyDir": {"medium": "Memory", "sizeLimit": f"{plan.resources.shm_gib}Gi"}},
        {"name": "optiserve-cache", "emptyDir": {}},
    ]
    if plan.multinode and spec.get("workerSpec"):
        for wc in spec["workerSpec"].get("containers") or []:
            wc["env"] = _merge_env(wc.get("env") or [], [{"name": k, "value": v} for k, v in CACHE_ENV.items()])
            wc["volumeMounts"] = [
                {"name": "shm", "mountPath": "/dev/shm"},
                {"name": "optiserve-cache", "mountPath": CACHE_DIR},
            ]
        spec["workerSpec"]["volumes"] = copy.deepcopy(spec["volumes"])
    annotations = {
        "openshift.io/display-name": body.display_name,
        "opendatahub.io/template-name": body.template_name,
        "opendatahub.io/template-display-name": body.display_name,
        "opendatahub.io/serving-runtime-scope": "global",
        "opendatahub.io/apiProtocol": body.api_protocol,
        "opendatahub.io/recommended-accelerators": json.dumps(body.recommended_accelerators),
        **_optiserve_annotations(plan),
        **(plan.hardware_profile.sr_annotations() if plan.hardware_profile else {}),
    }
    if body.version:  # the Templates' spelling, "v0.21.0", also for the catalog's "0.21.0"
        annotations["opendatahub.io/runtime-version"] = "v" + str(body.version).lstrip("v")
    return {
        "apiVersion": f"{SERVING}/v1alpha1",
        "kind": "ServingRuntime",
        "metadata": {
            "name": plan.name,
            "namespace": plan.namespace,
            "labels": _labels(plan),
            "annotations": annotations,
        },
        "spec": spec,
    }


def _merge_env(base: list, extra: list) -> list:
    """``extra`` wins by name (the Template's HF_HOME is replaced by the writable cache)."""
    names = {e["name"] for e in extra}
    return [e for e in base if e.get("name") not in names] + extra


def _placement(plan, worker: bool = False) -> dict:
    """Tolerations and node selector: the hardware profile's, else the pool's, else the accelerator's
    defaults. On 3.x the model controller's webhook injects a (non-legacy) profile's scheduling into
    the predictor, as for the dashboard's deployments, so only worker pods get it written."""
    pool, acc, choice = plan.pool, plan.accelerator, plan.hardware_profile
    if acc.vendor == "cpu":
        return {}
    if choice is not None:
        if plan.conventions.v3 and not choice.legacy and not worker:
            return {}
        tolerations, selector = list(choice.tolerations), dict(choice.node_selector)  # Queue: Kueue places it
    else:
        tolerations = list(getattr(pool, "tolerations", None) or [])
        selector = dict(getattr(pool, "node_selector", None) or {})
    resource = plan.resources.gpu_resource
    if pool is None and choice is None:
        if resource:
            tolerations = [{"key": resource, "operator": "Exists", "effect": "NoSchedule"}]
        if acc.vendor == "nvidia" and acc.gfd_product:
            selector = {"nvidia.com/gpu.product": acc.gfd_product}
    out: dict[str, Any] = {}
    if tolerations:
        out["tolerations"] = tolerations
    if selector:
        out["nodeSelector"] = selector
    return out


def _connection_annotations(plan) -> dict:
    """3.x records the data connection (docs/deploy.md, "RHOAI 2.x and 3.x": data connection); the explicit storage fields stay, so a
    cluster without the model controller's webhook still finds the weights."""
    st = plan.storage
    if not plan.conventions.v3:
        return {}
    if st.key:
        return {CONNECTIONS: st.key, CONNECTION_PATH: st.path or ""}
    if st.kind == "oci" and st.secret:
        return {CONNECTIONS: st.secret}
    return {}


def _probes() -> dict:
    return {"httpGet": {"path": "/health", "port": 8080, "scheme": "HTTP"}, "timeoutSeconds": 5}


def inference_service(plan) -> dict:
    p = plan.profile
    annotations = {
        "openshift.io/display-name": plan.display_name,
        "openshift.io/description": f"OptiServe profile {p.name} ({p.kpi or 'balanced'})",
        "opendatahub.io/model-type": "generative",
        AUTH: "true" if plan.auth else "false",
        # Explicit RawDeployment: works on 2.x, becomes Standard on 3.x, and avoids Knative's
        # 10-minute progress deadline and scale-to-zero during a long download (#7).
        "serving.kserve.io/deploymentMode": "RawDeployment",
        **_optiserve_annotations(plan),
        **(plan.hardware_profile.isvc_annotations() if plan.hardware_profile else {}),
        **_connection_annotations(plan),
    }
    labels = _labels(plan, plan.hardware_profile.queue_label if plan.hardware_profile else None)
    if plan.external:
        labels["networking.kserve.io/visibility"] = "exposed"
        annotations["haproxy.router.openshift.io/timeout"] = ROUTE_TIMEOUT
    if plan.multinode:
        annotations["serving.kserve.io/autoscalerClass"] = "none"
    engine_args = list(plan.engine.args) + list(plan.runtime_args)
    model = {
        "modelFormat": {"name": plan.runtime.model_format},
        "runtime": plan.name,
        **plan.storage.model_fields(),
        "args": engine_args,
        "resources": plan.resources.to_k8s(),
        # Only a startup probe gates the slow start; no liveness probe that could kill a long load.
        "startupProbe": {
            **_probes(),
            "periodSeconds": plan.startup.probe_period_s,
            "failureThreshold": plan.startup.probe_failure_threshold,
        },
        "readinessProbe": {**_probes(), "periodSeconds": 10, "failureThreshold": 3},
    }
    if plan.storage.env or plan.env:
        model["env"] = copy.deepcopy(plan.storage.env) + copy.deepcopy(plan.env)
    replicas = plan.replica_count
    predictor = {"minReplicas": replicas, "maxReplicas": replicas, **_placement(plan), "model": model}
    if plan.conventions.v3:
        predictor["timeout"] = PREDICTOR_TIMEOUT_S
    if plan.storage.image_pull_secrets:
        predictor["imagePullSecrets"] = copy.deepcopy(plan.storage.image_pull_secrets)
    if plan.multinode:
        predictor["workerSpec"] = {
            "pipelineParallelSize": p.pp,
            "tensorParallelSize": p.tp,
            **_placement(plan, worker=True),
            "containers": [_worker_container(plan, engine_args)],
        }
    return {
        "apiVersion": f"{SERVING}/v1beta1",
        "kind": "InferenceService",
        "metadata": {"name": plan.name, "namespace": plan.namespace, "labels": labels, "annotations": annotations},
        "spec": {"predictor": predictor},
    }


def _worker_container(plan, engine_args: list[str]) -> dict:
    """The ISVC's worker container: the head's engine flags and the user's env on every rank.

    KServe appends these args to the runtime's worker args (MergeRuntimeContainers concatenates
    them) and the multi-node worker command hands them to ``vllm serve --headless``: each rank
    builds its own engine, so dtype, quantization, KV cache dtype and context length must match
    the head's, or the ranks disagree about the model they load.
    """
    container: dict = {"name": "worker-container", "args": list(engine_args), "resources": plan.resources.to_k8s()}
    if plan.env:
        container["env"] = copy.deepcopy(plan.env)
    return container


def auth_objects(plan, resource: str = "inferenceservices") -> list[dict]:
    """Token auth as the dashboard sets it up (DB deployUtils.ts); all owned by the ISVC once it exists."""
    n, ns = plan.name, plan.namespace
    labels = _labels(plan)
    sa = f"{n}-sa"
    return [
        {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": sa, "namespace": ns, "labels": labels}},
        {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "Role",
            "metadata": {"name": f"{n}-view-role", "namespace": ns, "labels": labels},
            "rules": [{"apiGroups": [SERVING], "resources": [resource], "resourceNames": [n], "verbs": ["get"]}],
        },
        {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "RoleBinding",
            "metadata": {"name": f"{n}-view", "namespace": ns, "labels": labels},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": f"{n}-view-role"},
            "subjects": [{"kind": "ServiceAccount", "name": sa, "namespace": ns}],
        },
        {
            "apiVersion": "v1",
            "kind": "Secret",
            "type": "kubernetes.io/service-account-token",
            "metadata": {
                "name": f"default-{sa}",
                "namespace": ns,
                "labels": labels,
                "annotations": {"kubernetes.io/service-account.name": sa, "openshift.io/display-name": "default"},
            },
        },
    ]


def llm_inference_service(plan) -> dict:
    """The llm-d alternative (docs/deploy.md, "RHOAI 2.x and 3.x": LLMInferenceService): v1alpha2 on 3.x (the storage version), v1alpha1 on 2.x."""
    from jupyter_optiserve.errors import InvalidInputError

    p, st = plan.profile, plan.storage
    if st.key and not plan.conventions.v3:
        raise InvalidInputError(
            "an LLMInferenceService reads an S3 data connection only on RHOAI 3.x (the model controller's "
            "connection webhook fills in the URI and credentials)",
            hint="use --deployment-kind kserve on 2.x, or pass --storage-uri s3://bucket/folder without --connection",
        )
    if not st.uri and not st.key:
        raise InvalidInputError(
            "LLMInferenceService needs a model URI", hint="pass --storage-uri (oci://, hf://, pvc:// or s3://)"
        )
    if plan.multinode:
        raise InvalidInputError(
            "multi-node (pipeline parallel across nodes) is rendered for KServe only: RHOAI's multi-node "
            "LLMInferenceService presets support the data-parallel topology only",
            hint="use --deployment-kind kserve (its multi-node runtime runs pipeline parallel), "
            "or a profile that fits one node",
        )
    parallel_flags = ("--tensor-parallel-size", "--pipeline-parallel-size")
    extra = [a for a in plan.engine.args if a.split("=", 1)[0] not in parallel_flags] + list(plan.runtime_args)
    env = [{"name": "VLLM_ADDITIONAL_ARGS", "value": " ".join(extra)}]
    env += [{"name": k, "value": v} for k, v in CACHE_ENV.items()] + copy.deepcopy(plan.storage.env)
    env += copy.deepcopy(plan.env)
    container = {
        "name": "main",
        "env": env,
        "resources": plan.resources.to_k8s(),
        "volumeMounts": [{"name": "shm", "mountPath": "/dev/shm"}, {"name": "optiserve-cache", "mountPath": CACHE_DIR}],
    }
    # llm-d has no hardware-profile webhook on the template: scheduling is always written.
    template = {
        **_placement(plan, worker=True),
        "containers": [container],
        "volumes": [
            {"name": "shm", "emptyDir": {"medium": "Memory", "sizeLimit": f"{plan.resources.shm_gib}Gi"}},
            {"name": "optiserve-cache", "emptyDir": {}},
        ],
    }
    if plan.storage.image_pull_secrets:
        template["imagePullSecrets"] = copy.deepcopy(plan.storage.image_pull_secrets)
    parallelism = {"tensor": p.tp}
    if p.pp > 1:
        parallelism["pipeline"] = p.pp
    # With an S3 connection the 3.x webhook writes s3://<bucket>/<connection-path> (and a ServiceAccount);
    # the bucket is written here too when known, so the object reads the same before and after.
    uri = st.uri or (f"s3://{st.bucket}/{st.path or ''}" if st.bucket else "")
    spec = {
        # the served model name is the resource's, as the dashboard writes it and the smoke test asks for
        "model": {"uri": uri, "name": plan.name},
        "replicas": plan.replica_count,
        "parallelism": parallelism,
        "router": {"route": {}, "gateway": {}, "scheduler": {}},
        "template": template,
    }
    # Auth is on unless this says "false": without it the smoke request gets 401.
    annotations = {
        "openshift.io/display-name": plan.display_name,
        "opendatahub.io/model-type": "generative",
        AUTH: "true" if plan.auth else "false",
        **_optiserve_annotations(plan),
        **(plan.hardware_profile.isvc_annotations() if plan.hardware_profile else {}),
        **_connection_annotations(plan),
    }
    return {
        "apiVersion": f"{SERVING}/{plan.conventions.llmisvc_version}",
        "kind": "LLMInferenceService",
        "metadata": {
            "name": plan.name,
            "namespace": plan.namespace,
            "labels": _labels(plan, plan.hardware_profile.queue_label if plan.hardware_profile else None),
            "annotations": annotations,
        },
        "spec": spec,
    }


def to_yaml(objs: list[dict]) -> str:
    import yaml

    class _NoAliases(yaml.SafeDumper):  # a shared sub-object must not come out as &id001/*id001
        def ignore_aliases(self, data):
            return True

    return yaml.dump_all(objs, Dumper=_NoAliases, sort_keys=False, default_flow_style=False, width=120)
