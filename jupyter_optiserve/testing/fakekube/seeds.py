"""Builders for realistic seed objects: GPU nodes with GPU Feature Discovery labels, busy pods,
quotas, RHOAI HardwareProfiles/AcceleratorProfiles, vLLM runtime Templates, and cluster presets.

Label keys and shapes follow docs/deploy.md and docs/hardware.md (what the dashboard writes, GPU node labels).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

APP_NS = "redhat-ods-applications"
GPU_TAINT = {"key": "nvidia.com/gpu", "effect": "NoSchedule"}
GPU_TOLERATION = {"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}
_DEFAULT = object()
_MIG_CAPABLE = ("A100", "A30", "H100", "H200", "H20", "B200", "GB200")


def _node(name: str, labels: dict, extended: dict[str, int], taints: Iterable[dict], cpu: str, memory: str) -> dict:
    capacity = {
        "cpu": cpu,
        "memory": memory,
        "ephemeral-storage": "1Ti",
        "pods": "250",
        **{k: str(v) for k, v in extended.items()},
    }
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": name,
            "labels": {
                "kubernetes.io/hostname": name,
                "kubernetes.io/os": "linux",
                "kubernetes.io/arch": "amd64",
                "node-role.kubernetes.io/worker": "",
                **labels,
            },
        },
        "spec": {"taints": list(taints)} if taints else {},
        "status": {
            "capacity": capacity,
            "allocatable": dict(capacity),
            "conditions": [
                {
                    "type": "Ready",
                    "status": "True",
                    "reason": "KubeletReady",
                    "message": "kubelet is posting ready status",
                }
            ],
            "nodeInfo": {
                "kubeletVersion": "v1.32.4",
                "containerRuntimeVersion": "cri-o://1.32.4",
                "operatingSystem": "linux",
                "architecture": "amd64",
                "osImage": "Red Hat Enterprise Linux CoreOS 9.6",
                "kernelVersion": "5.14.0",
                "machineID": "",
                "systemUUID": "",
                "bootID": "",
                "kubeProxyVersion": "",
            },
        },
    }


def _mig_memory_mib(profile: str) -> int:
    gb = int(profile.split(".")[1].rstrip("gb"))
    return int(gb * 1024 * 0.95)  # e.g. 1g.5gb -> 4864 MiB as GFD reports it


def gpu_node(
    name: str,
    product: str = "NVIDIA-H100-80GB-HBM3",
    count: int = 8,
    memory_mib: int = 81559,
    family: str = "hopper",
    cc: tuple[int, int] = (9, 0),
    taints: Any = _DEFAULT,
    mig: dict | None = None,
    sharing: str | None = None,
    replicas: int | None = None,
    cpu: str = "96",
    memory: str = "1000Gi",
    driver: str = "550.90.07",
    labels: dict | None = None,
) -> dict:
    """An NVIDIA node as GPU Feature Discovery + the GPU Operator label it.

    mig: {"strategy": "mixed"|"single", "devices": {"1g.10gb": 7, ...}}; under "mixed", `count`
    is the number of whole GPUs left unpartitioned. sharing: "time-slicing"|"mps" with `replicas`.
    """
    major, minor, _ = (driver.split(".") + ["0", "0"])[:3]
    lab = {
        "nvidia.com/gpu.present": "true",
        "nvidia.com/gpu.product": product,
        "nvidia.com/gpu.count": str(count),
        "nvidia.com/gpu.memory": str(memory_mib),
        "nvidia.com/gpu.family": family,
        "nvidia.com/gpu.compute.major": str(cc[0]),
        "nvidia.com/gpu.compute.minor": str(cc[1]),
        "nvidia.com/gpu.replicas": "1",
        "nvidia.com/gpu.sharing-strategy": "none",
        "nvidia.com/gpu.machine": "PowerEdge-XE9680",
        "nvidia.com/mig.capable": str(any(m in product for m in _MIG_CAPABLE)).lower(),
        "nvidia.com/mig.strategy": "none",
        "nvidia.com/cuda.driver-version.major": major,
        "nvidia.com/cuda.driver-version.minor": minor,
        "nvidia.com/cuda.driver-version.revision": driver.split(".")[2] if driver.count(".") >= 2 else "0",
        "nvidia.com/cuda.driver-version.full": driver,
        "nvidia.com/cuda.runtime-version.major": "12",
        "nvidia.com/cuda.runtime-version.minor": "4",
        "feature.node.kubernetes.io/pci-10de.present": "true",
    }
    extended = {"nvidia.com/gpu": count}
    if mig:
        strategy = mig.get("strategy", "mixed")
        devices = mig.get("devices", {})
        lab["nvidia.com/mig.strategy"] = strategy
        lab["nvidia.com/mig.capable"] = "true"
        if strategy == "single":
            ((profile, n),) = devices.items()
            lab.update(
                {
                    "nvidia.com/gpu.product": f"{product}-MIG-{profile}",
                    "nvidia.com/gpu.count": str(n),
                    "nvidia.com/gpu.memory": str(_mig_memory_mib(profile)),
                }
            )
            extended = {"nvidia.com/gpu": n}
        else:
            for profile, n in devices.items():
                pre = f"nvidia.com/mig-{profile}"
                lab.update(
                    {
                        f"{pre}.count": str(n),
                        f"{pre}.memory": str(_mig_memory_mib(profile)),
                        f"{pre}.product": f"{product}-MIG-{profile}",
                        f"{pre}.slices.gi": profile.split("g.")[0],
                        f"{pre}.slices.ci": profile.split("g.")[0],
                    }
                )
                extended[pre] = n
    if sharing:
        reps = replicas or 4
        lab.update(
            {
                "nvidia.com/gpu.product": f"{product}-SHARED",
                "nvidia.com/gpu.replicas": str(reps),
                "nvidia.com/gpu.sharing-strategy": sharing,
            }
        )
        extended = {"nvidia.com/gpu": count * reps}
    lab.update(labels or {})
    return _node(name, lab, extended, [GPU_TAINT] if taints is _DEFAULT else taints, cpu, memory)


def amd_node(
    name: str,
    product: str = "Instinct_MI300X",
    count: int = 8,
    vram: str = "192G",
    family: str = "AI",
    taints: Any = _DEFAULT,
    cpu: str = "128",
    memory: str = "2000Gi",
) -> dict:
    lab = {
        "amd.com/gpu.product-name": product,
        "amd.com/gpu.vram": vram,
        "amd.com/gpu.family": family,
        "amd.com/gpu.device-id": "74a1",
        "amd.com/gpu.cu-count": "304",
        "amd.com/gpu.driver-version": "6.8.5",
        "feature.node.kubernetes.io/pci-1002.present": "true",
    }
    taint = [{"key": "amd.com/gpu", "effect": "NoSchedule"}] if taints is _DEFAULT else taints
    return _node(name, lab, {"amd.com/gpu": count}, taint, cpu, memory)


def gaudi_node(name: str, count: int = 8, taints: Any = _DEFAULT, cpu: str = "152", memory: str = "1000Gi") -> dict:
    # Only the NFD PCI label is verified for Gaudi (docs/hardware.md, "Detection order").
    lab = {"feature.node.kubernetes.io/pci-1da3.present": "true"}
    taint = [{"key": "habana.ai/gaudi", "effect": "NoSchedule"}] if taints is _DEFAULT else taints
    return _node(name, lab, {"habana.ai/gaudi": count}, taint, cpu, memory)


def cpu_node(name: str, cpu: str = "32", memory: str = "128Gi") -> dict:
    return _node(name, {}, {}, [], cpu, memory)


def busy_pod(
    node: str,
    gpus: int,
    phase: str = "Running",
    namespace: str = "other-team",
    name: str | None = None,
    resource: str = "nvidia.com/gpu",
) -> dict:
    """A pod holding GPUs on a node (someone else's training job)."""
    res = {resource: str(gpus), "cpu": "4", "memory": "32Gi"}
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name or f"train-{node}-{gpus}", "namespace": namespace, "labels": {"app": "training"}},
        "spec": {
            "nodeName": node,
            "tolerations": [GPU_TOLERATION],
            "containers": [
                {
                    "name": "trainer",
                    "image": "quay.io/example/trainer:latest",
                    "resources": {"requests": dict(res), "limits": dict(res)},
                }
            ],
        },
        "status": {"phase": phase, "qosClass": "Guaranteed"},
    }


def resource_quota(
    ns: str, gpus: int, name: str = "gpu-quota", used: int = 0, resource: str = "nvidia.com/gpu"
) -> dict:
    hard = {f"requests.{resource}": str(gpus)}
    return {
        "apiVersion": "v1",
        "kind": "ResourceQuota",
        "metadata": {"name": name, "namespace": ns},
        "spec": {"hard": dict(hard)},
        "status": {"hard": dict(hard), "used": {f"requests.{resource}": str(used)}},
    }


def hardware_profile(
    name: str,
    ns: str = APP_NS,
    product_label: str | None = None,
    gpus: tuple[int, int, int] = (1, 8, 1),
    tolerations: Any = _DEFAULT,
    api_version: str = "v1",
    visibility: Iterable[str] | None = ("model-serving",),
    display_name: str | None = None,
    resource: str = "nvidia.com/gpu",
    cpu: tuple = (2, 16, 4),
    memory: tuple = ("8Gi", "128Gi", "32Gi"),
    disabled: bool = False,
) -> dict:
    """An RHOAI 3.x HardwareProfile (infrastructure.opendatahub.io, v1 or v1alpha1), Node scheduling."""
    ann = {
        "opendatahub.io/display-name": display_name or name,
        "opendatahub.io/disabled": str(disabled).lower(),
        "opendatahub.io/managed": "false",
    }
    if visibility is not None:
        ann["opendatahub.io/dashboard-feature-visibility"] = json.dumps(list(visibility))
    idents = [
        {
            "displayName": "CPU",
            "identifier": "cpu",
            "resourceType": "CPU",
            "minCount": cpu[0],
            "maxCount": cpu[1],
            "defaultCount": cpu[2],
        },
        {
            "displayName": "Memory",
            "identifier": "memory",
            "resourceType": "Memory",
            "minCount": memory[0],
            "maxCount": memory[1],
            "defaultCount": memory[2],
        },
    ]
    if gpus:
        idents.append(
            {
                "displayName": "GPU",
                "identifier": resource,
                "resourceType": "Accelerator",
                "minCount": gpus[0],
                "maxCount": gpus[1],
                "defaultCount": gpus[2],
            }
        )
    node: dict[str, Any] = {"tolerations": [GPU_TOLERATION] if tolerations is _DEFAULT else list(tolerations)}
    if product_label:
        node["nodeSelector"] = {"nvidia.com/gpu.product": product_label}
    return {
        "apiVersion": f"infrastructure.opendatahub.io/{api_version}",
        "kind": "HardwareProfile",
        "metadata": {"name": name, "namespace": ns, "annotations": ann},
        "spec": {"identifiers": idents, "scheduling": {"type": "Node", "node": node}},
    }


def accelerator_profile(
    name: str = "migrated-gpu",
    ns: str = APP_NS,
    identifier: str = "nvidia.com/gpu",
    display_name: str = "NVIDIA GPU",
    enabled: bool = True,
    tolerations: Any = _DEFAULT,
) -> dict:
    """A 2.x AcceleratorProfile (dashboard.opendatahub.io/v1)."""
    return {
        "apiVersion": "dashboard.opendatahub.io/v1",
        "kind": "AcceleratorProfile",
        "metadata": {"name": name, "namespace": ns},
        "spec": {
            "displayName": display_name,
            "enabled": enabled,
            "identifier": identifier,
            "tolerations": [GPU_TOLERATION] if tolerations is _DEFAULT else list(tolerations),
        },
    }


_RUNTIMES = {  # accelerator -> (template stem, display, image)
    "nvidia.com/gpu": ("vllm-cuda", "vLLM NVIDIA GPU ServingRuntime for KServe", "quay.io/vllm/vllm-cuda:latest"),
    "amd.com/gpu": ("vllm-rocm", "vLLM AMD GPU ServingRuntime for KServe", "quay.io/vllm/vllm-rocm:latest"),
    "habana.ai/gaudi": (
        "vllm-gaudi",
        "vLLM Intel Gaudi Accelerator ServingRuntime for KServe",
        "quay.io/vllm/vllm-gaudi:latest",
    ),
    None: ("vllm-cpu", "vLLM CPU ServingRuntime for KServe", "quay.io/vllm/vllm-cpu:latest"),
}


def vllm_runtime_template(
    ns: str = APP_NS,
    accelerator: str | None = "nvidia.com/gpu",
    runtime_version: str = "v0.21.0",
    image: str | None = None,
) -> dict:
    """An OpenShift Template whose objects[0] is the vLLM ServingRuntime, as RHOAI ships it."""
    stem, display, default_image = _RUNTIMES[accelerator]
    fmt: dict[str, Any] = {"name": "vLLM", "autoSelect": accelerator != "habana.ai/gaudi"}
    sr_ann = {"openshift.io/display-name": display, "opendatahub.io/runtime-version": runtime_version}
    if accelerator:
        sr_ann["opendatahub.io/recommended-accelerators"] = json.dumps([accelerator])
    runtime: dict[str, Any] = {
        "apiVersion": "serving.kserve.io/v1alpha1",
        "kind": "ServingRuntime",
        "metadata": {"name": f"{stem}-runtime", "labels": {"opendatahub.io/dashboard": "true"}, "annotations": sr_ann},
        "spec": {
            "annotations": {
                "opendatahub.io/kserve-runtime": "vllm",
                "prometheus.io/port": "8080",
                "prometheus.io/path": "/metrics",
            },
            "multiModel": False,
            "supportedModelFormats": [fmt],
            "containers": [
                {
                    "name": "kserve-container",
                    "image": image or default_image,
                    "command": ["python", "-m", "vllm.entrypoints.openai.api_server"],
                    "args": ["--port=8080", "--model=/mnt/models", "--served-model-name={{.Name}}"],
                    "env": [{"name": "HF_HOME", "value": "/tmp/hf_home"}],
                    "ports": [{"containerPort": 8080, "protocol": "TCP"}],
                }
            ],
        },
    }
    if accelerator == "habana.ai/gaudi":
        runtime["spec"]["builtInAdapter"] = {"modelLoadingTimeoutMillis": 90000}
    return {
        "apiVersion": "template.openshift.io/v1",
        "kind": "Template",
        "metadata": {
            "name": f"{stem}-runtime-template",
            "namespace": ns,
            "labels": {"opendatahub.io/dashboard": "true", "opendatahub.io/ootb": "true"},
            "annotations": {
                "opendatahub.io/modelServingSupport": '["single"]',
                "opendatahub.io/apiProtocol": "REST",
                "opendatahub.io/model-type": '["generative"]',
                "openshift.io/display-name": display,
                "openshift.io/provider-display-name": "Red Hat, Inc.",
                "tags": f"{stem},servingruntime",
                "template.openshift.io/support-url": "https://access.redhat.com",
            },
        },
        "objects": [runtime],
        "parameters": [],
    }


@dataclass
class ClusterPreset:
    objects: list[dict] = field(default_factory=list)
    deny: list[dict] = field(default_factory=list)


PRESETS = ("full", "mig", "shared", "no-nodes-access", "empty")


def _catalogue(app_ns: str) -> list[dict]:
    return [vllm_runtime_template(app_ns, acc) for acc in ("nvidia.com/gpu", "amd.com/gpu", "habana.ai/gaudi", None)]


def seed_cluster(kind: str, namespace: str = "demo", app_namespace: str = APP_NS) -> ClusterPreset:
    """Preset clusters: "full", "mig", "shared", "no-nodes-access", "empty"."""

    def ns(name: str, dsp: bool = False) -> dict:
        labels = {"opendatahub.io/dashboard": "true"} if dsp else {}
        return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, "labels": labels}}

    base = [ns(namespace, dsp=True), ns(app_namespace)]
    if kind == "empty":
        return ClusterPreset(base)
    if kind == "full":
        nodes = [
            *(gpu_node(f"a100-{i}", "NVIDIA-A100-SXM4-80GB", 8, 81920, "ampere", (8, 0)) for i in (1, 2)),
            *(gpu_node(f"h100-{i}", "NVIDIA-H100-80GB-HBM3", 8, 81559, "hopper", (9, 0)) for i in (1, 2)),
            *(gpu_node(f"l40s-{i}", "NVIDIA-L40S", 4, 46068, "ada-lovelace", (8, 9)) for i in (1, 2)),
            gpu_node("l4-1", "NVIDIA-L4", 1, 23034, "ada-lovelace", (8, 9)),
            cpu_node("worker-cpu-1"),
        ]
        busy = [busy_pod("a100-1", 6), busy_pod("h100-1", 8), busy_pod("l40s-1", 2)]
        profiles = [
            hardware_profile(f"nvidia-{n}", app_namespace, label, (1, mx, 1), display_name=disp)
            for n, label, mx, disp in (
                ("a100-80gb", "NVIDIA-A100-SXM4-80GB", 8, "NVIDIA A100 80GB"),
                ("h100-80gb", "NVIDIA-H100-80GB-HBM3", 8, "NVIDIA H100 80GB"),
                ("l40s", "NVIDIA-L40S", 4, "NVIDIA L40S"),
                ("l4", "NVIDIA-L4", 1, "NVIDIA L4"),
            )
        ]
        objs = [
            *base,
            ns("other-team"),
            *nodes,
            *busy,
            *_catalogue(app_namespace),
            *profiles,
            accelerator_profile(ns=app_namespace),
            resource_quota(namespace, 16),
        ]
        return ClusterPreset(objs)
    if kind == "mig":
        node = gpu_node(
            "a100-mig-1",
            "NVIDIA-A100-SXM4-40GB",
            4,
            40960,
            "ampere",
            (8, 0),
            mig={"strategy": "mixed", "devices": {"1g.5gb": 14, "3g.20gb": 4}},
        )
        hwp = hardware_profile(
            "nvidia-a100-mig-1g",
            app_namespace,
            "NVIDIA-A100-SXM4-40GB",
            (1, 7, 1),
            resource="nvidia.com/mig-1g.5gb",
            display_name="A100 MIG 1g.5gb",
        )
        return ClusterPreset([*base, node, hwp, *_catalogue(app_namespace)])
    if kind == "shared":
        node = gpu_node(
            "l4-shared-1", "NVIDIA-L4", 1, 23034, "ada-lovelace", (8, 9), sharing="time-slicing", replicas=4
        )
        hwp = hardware_profile(
            "nvidia-l4-shared", app_namespace, "NVIDIA-L4-SHARED", (1, 1, 1), display_name="NVIDIA L4 (shared)"
        )
        return ClusterPreset([*base, node, hwp, *_catalogue(app_namespace)])
    if kind == "no-nodes-access":
        full = seed_cluster("full", namespace, app_namespace)
        deny = [{"verb": "*", "group": "", "resource": r} for r in ("nodes", "pods", "pods/log", "resourcequotas")]
        return ClusterPreset(full.objects, deny)
    raise ValueError(f"unknown preset {kind!r}; known: {', '.join(PRESETS)}")


def multinode_runtime_template(
    ns: str = APP_NS,
    runtime_version: str = "v0.24.0",
    image: str = "registry.example.com/rhaiis/vllm-cuda-rhel9@sha256:" + "ab" * 32,
) -> dict:
    """The multi-node Template as the model controller ships it (config/runtimes/vllm, RHOAI 3.4+):
    hidden from the dashboard (label "false"), ``vllm serve`` with the mp backend, list arguments with
    ``$(VAR)`` expansion, the head at rank 0 on its pod IP, workers finding their rank from the worker
    Service; the operator replaces the image parameter with a pinned image."""
    tpl = vllm_runtime_template(ns, "nvidia.com/gpu", runtime_version, image)
    tpl["metadata"]["name"] = "vllm-multinode-runtime-template"
    tpl["metadata"]["labels"]["opendatahub.io/dashboard"] = "false"
    tpl["metadata"]["annotations"]["tags"] = "rhods,rhoai,kserve,servingruntime,multi-node"
    sr = tpl["objects"][0]
    sr["metadata"]["name"] = "vllm-multinode-runtime"
    sr["metadata"]["labels"]["opendatahub.io/dashboard"] = "false"
    sr["metadata"]["annotations"]["openshift.io/display-name"] = "vLLM Multi-Node ServingRuntime for KServe"
    sr["spec"]["annotations"]["multinode/executor-backend"] = "mp"
    field = lambda n, p: {"name": n, "valueFrom": {"fieldRef": {"fieldPath": p}}}  # noqa: E731
    common = [
        "/mnt/models",
        "--port=8080",
        "--distributed-executor-backend=mp",
        "--tensor-parallel-size=$(TENSOR_PARALLEL_SIZE)",
        "--pipeline-parallel-size=$(PIPELINE_PARALLEL_SIZE)",
        "--nnodes=$(PIPELINE_PARALLEL_SIZE)",
        "--master-port=$(MASTER_PORT)",
    ]
    head = sr["spec"]["containers"][0]
    head["command"] = ["vllm", "serve"]
    head["args"] = [*common, "--served-model-name={{.Name}}", "--node-rank=0", "--master-addr=$(POD_IP)"]
    head["env"] = [
        {"name": "MASTER_PORT", "value": "29500"},
        field("POD_IP", "status.podIP"),
        field("POD_NAMESPACE", "metadata.namespace"),
        {"name": "VLLM_NO_USAGE_STATS", "value": "1"},
        {"name": "HOME", "value": "/tmp"},
        {"name": "HF_HOME", "value": "/tmp/hf_home"},
    ]
    head["volumeMounts"] = [{"name": "shm", "mountPath": "/dev/shm"}]
    sr["spec"]["volumes"] = [{"name": "shm", "emptyDir": {"medium": "Memory", "sizeLimit": "12Gi"}}]
    sr["spec"]["workerSpec"] = {
        "pipelineParallelSize": 2,
        "tensorParallelSize": 1,
        "containers": [
            {
                "name": "worker-container",
                "image": image,
                "command": ["bash", "-c", 'rank=1; exec vllm serve "$@" --node-rank=${rank}', "--"],
                "args": [
                    *common,
                    "--served-model-name=$(ISVC_NAME)",
                    "--master-addr=$(HEAD_SVC).$(POD_NAMESPACE).svc.cluster.local",
                    "--headless",
                ],
                "env": [
                    {"name": "HF_HOME", "value": "/tmp/hf_home"},
                    {"name": "MASTER_PORT", "value": "29500"},
                    field("POD_NAME", "metadata.name"),
                    field("POD_NAMESPACE", "metadata.namespace"),
                    field("POD_IP", "status.podIP"),
                ],
                "volumeMounts": [{"name": "shm", "mountPath": "/dev/shm"}],
            }
        ],
        "volumes": [{"name": "shm", "emptyDir": {"medium": "Memory", "sizeLimit": "12Gi"}}],
    }
    return tpl


def queue_hardware_profile(name: str, queue: str, ns: str = APP_NS, gpus: tuple[int, int, int] = (1, 8, 1)) -> dict:
    """A 3.x HardwareProfile scheduled through Kueue (``scheduling.type: Queue``)."""
    hwp = hardware_profile(name, ns, None, gpus)
    hwp["spec"]["scheduling"] = {"type": "Queue", "kueue": {"localQueueName": queue}}
    return hwp


def local_queue(name: str, ns: str, cluster_queue: str = "cluster-queue") -> dict:
    return {
        "apiVersion": "kueue.x-k8s.io/v1beta1",
        "kind": "LocalQueue",
        "metadata": {"name": name, "namespace": ns},
        "spec": {"clusterQueue": cluster_queue},
    }


def cluster_queue(name: str, gpus: int, used: int = 0, resource: str = "nvidia.com/gpu") -> dict:
    return {
        "apiVersion": "kueue.x-k8s.io/v1beta1",
        "kind": "ClusterQueue",
        "metadata": {"name": name},
        "spec": {
            "resourceGroups": [
                {
                    "coveredResources": [resource],
                    "flavors": [
                        {"name": "default-flavor", "resources": [{"name": resource, "nominalQuota": str(gpus)}]}
                    ],
                }
            ]
        },
        "status": {"flavorsUsage": [{"name": "default-flavor", "resources": [{"name": resource, "total": str(used)}]}]},
    }


def data_science_cluster(version: str) -> dict:
    return {
        "apiVersion": "datasciencecluster.opendatahub.io/v1",
        "kind": "DataScienceCluster",
        "metadata": {"name": "default-dsc"},
        "spec": {},
        "status": {"release": {"name": "OpenShift AI Self-Managed", "version": version}},
    }


def dashboard_config(disabled: Iterable[str], ns: str = APP_NS) -> dict:
    return {
        "apiVersion": "opendatahub.io/v1alpha",
        "kind": "OdhDashboardConfig",
        "metadata": {"name": "odh-dashboard-config", "namespace": ns},
        "spec": {"templateDisablement": list(disabled)},
    }
