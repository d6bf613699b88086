"""Detection against the fake API server, through a kubeconfig and the official client."""

import socket
import threading
import time

import pynvml
import pytest

from jupyter_optiserve.hardware import detect
from jupyter_optiserve.testing.fakekube import seeds

from .fake_nvml import H100, FakeNVML

NO_GPU = FakeNVML([], init_error=pynvml.NVML_ERROR_LIBRARY_NOT_FOUND)


def run(kube, **kw):
    kw.setdefault("nvml", NO_GPU)
    return detect(kubeconfig=str(kube.kubeconfig), timeout=kw.pop("timeout", 5.0), **kw)


def by_acc(inv):
    return {p.accelerator: p for p in inv.pools}


def test_full_permissions_pools_from_nodes_with_free_gpus_and_quota(kube):
    kube.preset("full")
    inv = run(kube)
    pools = by_acc(inv)
    assert set(pools) == {"a100-sxm-80gb", "h100-sxm-80gb", "l40s", "l4"}
    a100 = pools["a100-sxm-80gb"]
    assert (a100.source, a100.nodes, a100.gpus_per_node) == ("nodes", 2, 8)
    assert a100.free_gpus == 2 + 8 and a100.max_free_gpus_per_node == 8  # 6 busy on a100-1
    assert pools["h100-sxm-80gb"].free_gpus == 8 and pools["h100-sxm-80gb"].max_free_gpus_per_node == 8
    assert a100.tolerations == [seeds.GPU_TOLERATION]
    assert a100.node_selector == {"nvidia.com/gpu.product": "NVIDIA-A100-SXM4-80GB"}
    assert a100.profile == "redhat-ods-applications/nvidia-a100-80gb" and a100.counts["max"] == 8
    assert inv.pools[0].accelerator in ("a100-sxm-80gb", "h100-sxm-80gb")  # largest first
    assert inv.quota.readable and inv.quota.resources["requests.nvidia.com/gpu"]["remaining"] == 16
    assert inv.grant is None and all(p.grant is None for p in inv.pools)
    assert all(v is True for v in inv.access.values())
    assert inv.cluster["reachable"] and inv.cluster["namespace"] == "demo"
    assert inv.cluster["namespace_source"] == "kubeconfig"
    d = inv.to_dict()
    assert set(d) >= {"local", "pools", "quota", "notes"}
    assert set(d["pools"][0]) >= {
        "accelerator",
        "product",
        "vendor",
        "memory_gib",
        "gpus_per_node",
        "nodes",
        "free_gpus",
        "tolerations",
        "node_selector",
        "source",
    }


def test_no_node_access_uses_hardware_profiles_with_provenance_and_grant(kube):
    kube.preset("no-nodes-access")
    inv = run(kube)
    assert {p.source for p in inv.pools} == {"hardware-profile"}
    pools = by_acc(inv)
    assert set(pools) == {"a100-sxm-80gb", "h100-sxm-80gb", "l40s", "l4"}
    h100 = pools["h100-sxm-80gb"]
    assert h100.nodes is None and h100.free_gpus is None and h100.gpus_per_node == 8
    assert h100.tolerations == [seeds.GPU_TOLERATION]
    assert h100.node_selector == {"nvidia.com/gpu.product": "NVIDIA-H100-80GB-HBM3"}
    assert h100.profile == "redhat-ods-applications/nvidia-h100-80gb"
    assert h100.memory_gib == pytest.approx(79.18)
    assert h100.grant == inv.grant
    assert "oc create clusterrole optiserve-hardware-reader --verb=list --resource=nodes" in inv.grant
    assert "--serviceaccount=demo:workbench" in inv.grant
    assert "--resource=resourcequotas -n demo" in inv.grant
    assert any(n.startswith("nodes:") and "hardware-profile" in n for n in inv.notes)
    assert inv.quota.readable is False
    assert inv.access["list nodes cluster-wide"] is False
    assert inv.cluster["identity"]["subject"] == "system:serviceaccount:demo:workbench"


def test_pods_not_readable_free_gpus_unknown(kube):
    kube.preset("full")
    kube.deny([{"verb": "list", "group": "", "resource": "pods"}])
    inv = run(kube)
    assert inv.pools and all(p.free_gpus is None for p in inv.pools)
    assert all(p.nodes for p in inv.pools)
    assert any(n.startswith("pods:") for n in inv.notes)
    assert "oc create clusterrole optiserve-hardware-reader --verb=list --resource=pods" in inv.grant


def test_mig_pools_per_profile(kube):
    kube.preset("mig")
    inv = run(kube)
    mig = {p.mig["profile"]: p for p in inv.pools if p.mig}
    assert set(mig) == {"1g.5gb", "3g.20gb"}
    small = mig["1g.5gb"]
    assert small.resource_name == "nvidia.com/mig-1g.5gb" and small.gpus_per_node == 14
    assert small.memory_gib == 4.75 and small.max_tensor_parallel == 1
    assert small.accelerator == "a100-sxm-40gb" and small.accelerator_obj.usable_memory_gib == 4.75
    assert small.profile == "redhat-ods-applications/nvidia-a100-mig-1g"
    whole = next(p for p in inv.pools if not p.mig)
    assert whole.gpus_per_node == 4 and whole.max_tensor_parallel is None


def test_shared_gpus(kube):
    kube.preset("shared")
    [p] = run(kube).pools
    assert p.accelerator == "l4" and p.product == "NVIDIA-L4-SHARED"
    assert p.sharing["strategy"] == "time-slicing" and p.sharing["replicas"] == 4
    assert p.gpus_per_node == 4 and p.max_tensor_parallel == 1
    assert p.profile == "redhat-ods-applications/nvidia-l4-shared"


def test_quota_nearly_used_up(kube):
    kube.seed([seeds.gpu_node("h100-1"), seeds.resource_quota("demo", 4, used=3)])
    inv = run(kube)
    q = inv.quota.to_dict()["resources"]["requests.nvidia.com/gpu"]
    assert q == {"hard": 4, "used": 3, "remaining": 1, "quota": "gpu-quota"}
    assert any("quota in demo leaves 1 nvidia.com/gpu" in n for n in inv.pools[0].notes)


def test_legacy_accelerator_profile_when_no_hardware_profile(kube):
    kube.seed([seeds.gpu_node("h100-1"), seeds.accelerator_profile()])
    kube.deny([{"verb": "list", "group": "", "resource": "nodes"}])
    [p] = run(kube).pools
    assert p.source == "accelerator-profile" and p.resource_name == "nvidia.com/gpu"
    assert p.accelerator is None and p.tolerations == [seeds.GPU_TOLERATION]
    assert any("--accelerator" in n for n in p.notes)


def test_runtime_templates_are_the_last_hint(kube):
    kube.seed([seeds.vllm_runtime_template(accelerator=a) for a in ("nvidia.com/gpu", "amd.com/gpu", None)])
    kube.deny([{"verb": "list", "group": "", "resource": "nodes"}])
    inv = run(kube)
    assert [(p.source, p.resource_name) for p in inv.pools] == [
        ("runtime-template", "nvidia.com/gpu"),
        ("runtime-template", "amd.com/gpu"),
    ]
    assert all(p.accelerator is None and p.accelerator_obj is None for p in inv.pools)


def test_hidden_disabled_and_project_profiles(kube):
    kube.seed(
        [
            seeds.hardware_profile("hidden", product_label="NVIDIA-L4", visibility=["workbench"]),
            seeds.hardware_profile("off", product_label="NVIDIA-L4", disabled=True),
            seeds.hardware_profile("cpu-only", gpus=None),
            seeds.hardware_profile("team-h100", ns="demo", product_label="NVIDIA-H100-80GB-HBM3", gpus=(1, 4, 2)),
            seeds.hardware_profile("old-api", product_label="NVIDIA-L40S", api_version="v1alpha1"),
        ]
    )
    kube.deny([{"verb": "list", "group": "", "resource": "nodes"}])
    inv = run(kube)
    assert {p.profile: p.accelerator for p in inv.pools} == {
        "demo/team-h100": "h100-sxm-80gb",
        "redhat-ods-applications/old-api": "l40s",
    }
    team = next(p for p in inv.pools if p.profile == "demo/team-h100")
    assert team.counts == {"min": 1, "max": 4, "default": 2} and team.gpus_per_node == 4
    assert any("hidden from model serving" in n for n in inv.notes)
    assert any("/off skipped: disabled" in n for n in inv.notes)


def test_no_gpu_nodes_but_profiles_for_autoscaled_pools(kube):
    kube.seed([seeds.cpu_node("cpu-1"), seeds.hardware_profile("h100", product_label="NVIDIA-H100-80GB-HBM3")])
    inv = run(kube)
    assert [p.source for p in inv.pools] == ["hardware-profile"]
    assert any("autoscaled from zero" in n for n in inv.notes)


def test_cluster_without_accelerators_falls_back_to_local_gpus(kube):
    kube.preset("empty")
    inv = run(kube, nvml=FakeNVML([H100()]))
    assert [p.source for p in inv.pools] == ["nvml"]
    assert any("no accelerator in nodes" in n for n in inv.notes)


def test_manual_choice_overrides_and_keeps_placement(kube):
    kube.preset("full")
    inv = run(kube, accelerator="h100", gpus=4)
    first = inv.pools[0]
    assert (first.source, first.accelerator, first.gpus_per_node) == ("manual", "h100-sxm-80gb", 4)
    assert first.tolerations == [seeds.GPU_TOLERATION] and first.free_gpus == 8
    assert [p.source for p in inv.pools[1:]] == ["nodes"] * 4


def _closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def _kubeconfig(tmp_path, url):
    from jupyter_optiserve.testing.fakekube import write_kubeconfig

    return str(write_kubeconfig(tmp_path / "kc", url, namespace="demo"))


def test_unreachable_cluster_is_local_only(tmp_path):
    inv = detect(kubeconfig=_kubeconfig(tmp_path, f"http://127.0.0.1:{_closed_port()}"), nvml=NO_GPU)
    assert inv.pools == [] and inv.cluster["reachable"] is False
    assert any("refused the connection" in n and "local hardware only" in n for n in inv.notes)


@pytest.fixture
def silent_server():
    """Accepts connections and never answers: a hung API server."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)
    conns, stop = [], threading.Event()

    def accept():
        srv.settimeout(0.1)
        while not stop.is_set():
            try:
                conns.append(srv.accept()[0])
            except OSError:
                pass

    t = threading.Thread(target=accept, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{srv.getsockname()[1]}"
    stop.set()
    t.join()
    for c in conns:
        c.close()
    srv.close()


def test_hanging_cluster_is_bounded(tmp_path, silent_server):
    start = time.monotonic()
    inv = detect(kubeconfig=_kubeconfig(tmp_path, silent_server), timeout=0.5, nvml=NO_GPU)
    assert time.monotonic() - start < 3
    assert any("did not answer within 0.5 s" in n for n in inv.notes)
    assert inv.cluster["reachable"] is False


def test_hang_midway_through_detection_is_bounded(kube):
    kube.preset("full")
    kube.fault(path="/api/v1/nodes", hang=3)
    start = time.monotonic()
    inv = run(kube, timeout=0.5)
    assert time.monotonic() - start < 3
    assert inv.pools == [] and any("did not answer within 0.5 s" in n for n in inv.notes)


def test_nothing_readable_explains_every_gap(kube):
    kube.preset("full")
    kube.deny(
        [
            {"verb": "list", "group": "", "resource": "nodes"},
            {"verb": "list", "group": "infrastructure.opendatahub.io", "resource": "hardwareprofiles"},
            {"verb": "list", "group": "dashboard.opendatahub.io", "resource": "acceleratorprofiles"},
            {"verb": "list", "group": "template.openshift.io", "resource": "templates"},
        ]
    )
    inv = run(kube)
    assert inv.pools == []
    assert any(n.startswith("nodes:") and "--accelerator" in n for n in inv.notes)
    assert any(n.startswith("hardware profiles: not readable in") and "redhat-ods-applications" in n for n in inv.notes)
    assert (
        "oc create role optiserve-hardware-reader --verb=list "
        "--resource=hardwareprofiles.infrastructure.opendatahub.io -n redhat-ods-applications"
    ) in inv.grant


def test_rbac_403_for_the_other_app_namespace_is_not_a_grant(kube):
    """Real RBAC answers 403 for `opendatahub` on an RHOAI cluster (even though it does not exist)."""
    kube.preset("no-nodes-access")
    kube.deny(
        [
            {"verb": "list", "group": "infrastructure.opendatahub.io", "resource": "hardwareprofiles", "namespace": ns}
            for ns in ("opendatahub", "demo")
        ],
        replace=False,
    )
    inv = run(kube)
    assert len(inv.pools) == 4
    assert "hardwareprofiles" not in inv.grant
    assert any("hardwareprofiles in demo (project-scoped profiles) are not readable" in n for n in inv.notes)


def test_profile_for_whole_gpus_does_not_claim_shared_nodes(kube):
    kube.seed(
        [
            seeds.gpu_node("l4-shared", "NVIDIA-L4", 1, 23034, cc=(8, 9), sharing="time-slicing"),
            seeds.gpu_node("l4", "NVIDIA-L4", 1, 23034, cc=(8, 9)),
            seeds.hardware_profile(
                "l4-whole",
                product_label="NVIDIA-L4",
                gpus=(1, 1, 1),
                tolerations=[{"key": "team", "operator": "Exists", "effect": "NoSchedule"}],
            ),
        ]
    )
    pools = {p.product: p for p in run(kube).pools}
    assert pools["NVIDIA-L4"].profile == "redhat-ods-applications/l4-whole"
    assert {"key": "team", "operator": "Exists", "effect": "NoSchedule"} in pools["NVIDIA-L4"].tolerations
    assert pools["NVIDIA-L4-SHARED"].profile is None


def test_a_404_for_resourcequotas_degrades_to_a_note(kube):
    """An aggregated API or a restricted proxy may not serve resourcequotas: the inventory goes on."""
    kube.preset("full")
    kube.fault(path="/resourcequotas$", status=404, count=5)
    inv = run(kube)
    assert by_acc(inv)["a100-sxm-80gb"].free_gpus == 10
    assert inv.quota.readable is False and any("404" in n for n in inv.notes), inv.notes
