"""The ServingRuntime body: the cluster's runtime Template when readable, else the runtime catalog.

Templates live in the application namespace (``redhat-ods-applications`` on RHOAI, ``opendatahub``
on ODH) and any authenticated identity may read them (docs/deploy.md, "What gets created"). Their image and runtime
version are authoritative; the catalog's are upstream placeholders.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from typing import Any

from jupyter_optiserve.errors import ClusterUnreachableError, OptiServeError

APP_NAMESPACES = ("redhat-ods-applications", "opendatahub")
TEMPLATE_GVP = ("template.openshift.io", "v1", "templates")
MULTINODE_TEMPLATE = "vllm-multinode-runtime-template"
DASHBOARD_CONFIG_GVP = ("opendatahub.io", "v1alpha", "odhdashboardconfigs")
DASHBOARD_CONFIG = "odh-dashboard-config"


@dataclass
class RuntimeBody:
    template_name: str
    runtime_name: str
    display_name: str
    image: str
    version: str | None
    api_protocol: str
    recommended_accelerators: list
    spec: dict  # ServingRuntime spec, copied
    source: str  # "cluster:<namespace>" or "catalog"
    annotations: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "template": self.template_name,
            "runtime": self.runtime_name,
            "image": self.image,
            "version": self.version,
            "source": self.source,
            "notes": self.notes,
        }


# Catalog fallback for several nodes, mirroring the model controller's vllm-multinode-runtime-template
# (RHOAI 3.4+): ``vllm serve`` with vLLM's own ``mp`` backend (no Ray), arguments as a list with
# Kubernetes ``$(VAR)`` expansion. KServe sets TENSOR_/PIPELINE_PARALLEL_SIZE from workerSpec and
# HEAD_SVC, WORKER_SVC and ISVC_NAME for multi-node pods; the InferenceService's model.args follow the
# head's. The head is rank 0 and listens on its pod IP; each worker takes its rank from its place among
# the worker Service's pod IPs, so any number of nodes works.
MASTER_PORT = 29500
_MP = [
    "/mnt/models",
    "--port=8080",
    "--distributed-executor-backend=mp",
    "--tensor-parallel-size=$(TENSOR_PARALLEL_SIZE)",
    "--pipeline-parallel-size=$(PIPELINE_PARALLEL_SIZE)",
    "--nnodes=$(PIPELINE_PARALLEL_SIZE)",
    "--master-port=$(MASTER_PORT)",
]
_HEAD_ARGS = [*_MP[:2], "--served-model-name={{.Name}}", *_MP[2:], "--node-rank=0", "--master-addr=$(POD_IP)"]
_WORKER_ARGS = [
    *_MP[:2],
    "--served-model-name=$(ISVC_NAME)",
    *_MP[2:],
    "--master-addr=$(HEAD_SVC).$(POD_NAMESPACE).svc.cluster.local",
    "--headless",
]
# bash -c SCRIPT -- ARGS...: the worker's rank is its 1-based line among the sorted worker pod IPs.
_WORKER_RANK = """\
want=$((PIPELINE_PARALLEL_SIZE - 1)); rank=""
for attempt in $(seq 30); do
  ips=$(getent hosts "$WORKER_SVC" | awk '{print $1}' | sort -u)
  rank=$(printf '%s\\n' "$ips" | grep -nxF "$POD_IP" | cut -d: -f1)
  if [ -n "$rank" ] && [ "$(printf '%s\\n' "$ips" | grep -c .)" -ge "$want" ]; then break; fi
  echo "waiting for $want worker pod(s) behind $WORKER_SVC ($attempt/30)"; sleep 2
done
if [ -z "$rank" ]; then echo "this pod ($POD_IP) is not behind $WORKER_SVC: no node rank"; exit 1; fi
exec vllm serve "$@" --node-rank="$rank"
"""


def _field_env(name: str, path: str) -> dict:
    return {"name": name, "valueFrom": {"fieldRef": {"fieldPath": path}}}


_MP_ENV = [
    {"name": "MASTER_PORT", "value": str(MASTER_PORT)},
    _field_env("POD_IP", "status.podIP"),
    _field_env("POD_NAMESPACE", "metadata.namespace"),
    {"name": "VLLM_NO_USAGE_STATS", "value": "1"},
]
MULTINODE_DISPLAY = "vLLM Multi-Node ServingRuntime for KServe"


def unpinned(image: str) -> bool:
    """True for a moving image reference: no digest and no tag, or ``latest``/``stable``."""
    if "@sha256:" in image:
        return False
    tail = image.rsplit("/", 1)[-1]
    return ":" not in tail or tail.rsplit(":", 1)[1] in ("latest", "stable", "main", "nightly")


def from_catalog(runtime, multinode: bool = False) -> RuntimeBody:
    """The common vLLM runtime body (MC config/runtimes) with the catalog's image and version."""
    args = ["--port=8080", "--model=/mnt/models", "--served-model-name={{.Name}}"]
    container = {
        "name": "kserve-container",
        "image": runtime.image,
        "command": ["python", "-m", "vllm.entrypoints.openai.api_server"],
        "args": args,
        "env": [{"name": "HF_HOME", "value": "/tmp/hf_home"}],
        "ports": [{"containerPort": 8080, "protocol": "TCP"}],
    }
    spec: dict[str, Any] = {  # a ServingRuntime spec: its values are of several shapes
        "annotations": {
            "opendatahub.io/kserve-runtime": "vllm",
            "prometheus.io/port": "8080",
            "prometheus.io/path": "/metrics",
        },
        "multiModel": False,
        "supportedModelFormats": [{"name": runtime.model_format, "autoSelect": True}],
        "containers": [container],
    }
    name, template, display = runtime.serving_runtime or runtime.id, runtime.template or runtime.id, runtime.name
    notes = [
        "runtime image and version from OptiServe's catalog (upstream default): "
        "no runtime Template was readable on the cluster"
    ]
    if multinode:
        name, template, display = "vllm-multinode-runtime", MULTINODE_TEMPLATE, MULTINODE_DISPLAY
        container["command"], container["args"] = ["vllm", "serve"], list(_HEAD_ARGS)
        container["env"] += copy.deepcopy(_MP_ENV)
        spec["annotations"]["multinode/executor-backend"] = "mp"
        spec["workerSpec"] = {
            "pipelineParallelSize": 2,
            "tensorParallelSize": 1,
            "containers": [
                {
                    "name": "worker-container",
                    "image": runtime.image,
                    "command": ["bash", "-c", _WORKER_RANK, "--"],
                    "args": list(_WORKER_ARGS),
                    "env": [{"name": "HF_HOME", "value": "/tmp/hf_home"}, *copy.deepcopy(_MP_ENV)],
                }
            ],
        }
        notes.append("multi-node body from the catalog, as the cluster's vllm-multinode-runtime-template (mp backend)")
    acc = [runtime.resource_name] if runtime.resource_name else []
    return RuntimeBody(
        template,
        name,
        display,
        runtime.image,
        runtime.default_engine_version,
        runtime.api_protocol,
        acc,
        spec,
        "catalog",
        notes=notes,
    )


def from_template(tpl: dict, namespace: str) -> RuntimeBody | None:
    """A RuntimeBody from an OpenShift Template whose ``objects[0]`` is a ServingRuntime."""
    objects = tpl.get("objects") or []
    if not objects or objects[0].get("kind") != "ServingRuntime":
        return None
    params = {p.get("name"): p.get("value") for p in tpl.get("parameters") or [] if p.get("value") is not None}
    sr = _substitute(copy.deepcopy(objects[0]), params)
    meta, tmeta = sr.get("metadata") or {}, tpl.get("metadata") or {}
    ann = meta.get("annotations") or {}
    tann = tmeta.get("annotations") or {}
    containers = (sr.get("spec") or {}).get("containers") or [{}]
    try:
        rec = json.loads(ann.get("opendatahub.io/recommended-accelerators") or "[]")
    except ValueError:
        rec = []
    return RuntimeBody(
        template_name=tmeta.get("name", ""),
        runtime_name=meta.get("name", ""),
        display_name=ann.get("openshift.io/display-name")
        or tann.get("openshift.io/display-name")
        or meta.get("name", ""),
        image=containers[0].get("image", ""),
        version=ann.get("opendatahub.io/runtime-version"),
        api_protocol=tann.get("opendatahub.io/apiProtocol") or ann.get("opendatahub.io/apiProtocol") or "REST",
        recommended_accelerators=rec,
        spec=sr.get("spec") or {},
        source=f"cluster:{namespace}",
        annotations=ann,
    )


def _substitute(obj, params: dict):
    """OpenShift ``${PARAM}`` substitution in strings."""
    if isinstance(obj, dict):
        return {k: _substitute(v, params) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_substitute(v, params) for v in obj]
    if isinstance(obj, str):
        return re.sub(r"\$\{([\w\-]+)\}", lambda m: str(params.get(m.group(1), m.group(0))), obj)
    return obj


def _disabled(conn, ns: str) -> set[str]:
    """Templates the admin hid (OdhDashboardConfig ``spec.templateDisablement``); unreadable: none."""
    try:
        body = conn.get_json(
            conn.custom.get_namespaced_custom_object,
            *DASHBOARD_CONFIG_GVP[:2],
            ns,
            DASHBOARD_CONFIG_GVP[2],
            DASHBOARD_CONFIG,
        )
    except OptiServeError:  # unreadable (a workbench may not read it) or unreachable: nothing hidden
        return set()
    return set((body.get("spec") or {}).get("templateDisablement") or [])


def list_templates(conn, multinode: bool = False) -> tuple[list[dict], str | None, list[str]]:
    """Dashboard Templates from the first app namespace that answers: (templates, namespace, notes).

    The multinode Template is labelled ``opendatahub.io/dashboard: "false"`` (YAML-only in the
    dashboard), so the label selector never finds it: it is read by name."""
    notes = []
    for ns in APP_NAMESPACES:
        try:
            body = conn.get_json(
                conn.custom.list_namespaced_custom_object,
                *TEMPLATE_GVP[:2],
                ns,
                TEMPLATE_GVP[2],
                label_selector="opendatahub.io/dashboard=true",
            )
        except ClusterUnreachableError as exc:
            notes.append(f"runtime Templates: {exc.message}")
            break  # one timeout is enough
        except OptiServeError as exc:
            notes.append(f"runtime Templates in {ns}: {exc.message}")
            continue
        items = body.get("items") or []
        if multinode:
            try:
                items.append(
                    conn.get_json(
                        conn.custom.get_namespaced_custom_object,
                        *TEMPLATE_GVP[:2],
                        ns,
                        TEMPLATE_GVP[2],
                        MULTINODE_TEMPLATE,
                    )
                )
            except OptiServeError as exc:  # unreachable included: the catalog body follows, with this note
                notes.append(f"no {MULTINODE_TEMPLATE} in {ns}: {exc.message}")
        if items:
            hidden = _disabled(conn, ns)
            kept = [t for t in items if (t.get("metadata") or {}).get("name") not in hidden]
            notes += [
                f"runtime Template {n} is disabled in the dashboard (templateDisablement): not used"
                for n in sorted(hidden & {(t.get("metadata") or {}).get("name") for t in items})
            ]
            return kept, ns, notes
        notes.append(f"no runtime Templates in {ns}")
    return [], None, notes


def pick_template(templates: list[dict], runtime, resource: str | None, multinode: bool = False) -> dict | None:
    """By name first (the catalog's template), then by recommended accelerator; skip unsupported copies."""
    wanted = MULTINODE_TEMPLATE if multinode else runtime.template
    usable = [
        t
        for t in templates
        if (t.get("metadata", {}).get("annotations") or {}).get("opendatahub.io/support-status") != "unsupported"
        and not re.search(r"-fast-\d+$", t.get("metadata", {}).get("name", ""))
    ]
    for t in usable:
        if t.get("metadata", {}).get("name") == wanted:
            return t
    if multinode or not resource:
        return None
    for t in usable:
        objs = t.get("objects") or [{}]
        ann = (objs[0].get("metadata") or {}).get("annotations") or {}
        if resource in (ann.get("opendatahub.io/recommended-accelerators") or "") and "vllm" in t["metadata"]["name"]:
            return t
    return None


def resolve_runtime_body(runtime, conn=None, resource: str | None = None, multinode: bool = False) -> RuntimeBody:
    """The cluster's Template when readable, else the catalog body (with a note saying so)."""
    if conn is not None:
        templates, ns, notes = list_templates(conn, multinode)
        chosen = pick_template(templates, runtime, resource, multinode) if templates else None
        body = from_template(chosen, ns) if chosen and ns else None
        if body:
            return body
        fallback = from_catalog(runtime, multinode)
        fallback.notes = notes + [f"no usable runtime Template for {runtime.template or runtime.id}"] + fallback.notes
        return fallback
    return from_catalog(runtime, multinode)
