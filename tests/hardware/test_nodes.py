"""Pool grouping from plain Node/Pod JSON, as the API server returns them."""

from jupyter_optiserve.catalog import load_catalog
from jupyter_optiserve.hardware.nodes import pod_request, pools_from_nodes, tolerations_for

CAT = load_catalog()
GPU_TAINT = {"key": "nvidia.com/gpu", "effect": "NoSchedule"}


def node(name, labels=None, alloc=None, taints=None, unschedulable=False, ready=True):
    return {
        "metadata": {"name": name, "labels": labels or {}},
        "spec": {"taints": taints or [], **({"unschedulable": True} if unschedulable else {})},
        "status": {
            "allocatable": {"cpu": "64", "memory": "512Gi", **(alloc or {})},
            "conditions": [{"type": "Ready", "status": "True" if ready else "False"}],
        },
    }


def gfd(product, memory_mib, count, cc=("8", "0"), **extra):
    labels = {
        "nvidia.com/gpu.product": product,
        "nvidia.com/gpu.memory": str(memory_mib),
        "nvidia.com/gpu.count": str(count),
        "nvidia.com/gpu.compute.major": cc[0],
        "nvidia.com/gpu.compute.minor": cc[1],
        "nvidia.com/gpu.present": "true",
    }
    labels.update(extra)
    return labels


def pod(node_name, gpus, phase="Running", resource="nvidia.com/gpu", init=None, limits_only=False):
    res = (
        {"limits": {resource: str(gpus)}}
        if limits_only
        else {"requests": {resource: str(gpus)}, "limits": {resource: str(gpus)}}
    )
    spec = {"nodeName": node_name, "containers": [{"name": "c", "resources": res}]}
    if init is not None:
        spec["initContainers"] = [{"name": "i", "resources": {"limits": {resource: str(init)}}}]
    return {"metadata": {"name": f"p-{node_name}-{gpus}"}, "spec": spec, "status": {"phase": phase}}


A100 = gfd("NVIDIA-A100-SXM4-80GB", 81920, 8)


def test_free_gpus_subtract_active_pods_and_tolerate_taints():
    nodes = [
        node("a100-1", A100, {"nvidia.com/gpu": "8"}, [GPU_TAINT]),
        node("a100-2", A100, {"nvidia.com/gpu": "8"}, [GPU_TAINT]),
    ]
    pods = [
        pod("a100-1", 4),
        pod("a100-1", 1, limits_only=True),
        pod("a100-2", 8, phase="Succeeded"),
        pod("a100-2", 2, phase="Failed"),
        {"spec": {"containers": []}, "status": {"phase": "Pending"}},
    ]
    [p] = pools_from_nodes(nodes, pods, CAT)
    assert (p.accelerator, p.gpus_per_node, p.nodes) == ("a100-sxm-80gb", 8, 2)
    assert p.free_gpus == 3 + 8 and p.max_free_gpus_per_node == 8
    assert p.tolerations == [{"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}]
    assert p.node_selector == {"nvidia.com/gpu.product": "NVIDIA-A100-SXM4-80GB"}
    assert p.memory_gib == 80.0 and p.compute_capability == "8.0" and p.source == "nodes"
    assert p.node_names == ["a100-1", "a100-2"] and p.accelerator_obj.id == "a100-sxm-80gb"


def test_pods_unreadable_leaves_free_unknown_and_cordoned_nodes_have_none_free():
    nodes = [
        node("a", A100, {"nvidia.com/gpu": "8"}),
        node("b", A100, {"nvidia.com/gpu": "8"}, unschedulable=True),
        node("c", A100, {"nvidia.com/gpu": "8"}, ready=False),
    ]
    assert pools_from_nodes(nodes, None, CAT)[0].free_gpus is None
    p = pools_from_nodes(nodes, [], CAT)[0]
    assert p.free_gpus == 8 and p.max_free_gpus_per_node == 8
    assert any("2 node(s) cordoned or NotReady" in n for n in p.notes)


def test_init_container_peak_counts():
    assert pod_request(pod("n", 1, init=2), "nvidia.com/gpu") == 2
    assert pod_request(pod("n", 3, init=2), "nvidia.com/gpu") == 3


def test_pools_split_by_gpus_per_node_and_model():
    h100 = gfd("NVIDIA-H100-80GB-HBM3", 81559, 8, ("9", "0"))
    h100x4 = gfd("NVIDIA-H100-80GB-HBM3", 81559, 4, ("9", "0"))
    l4 = gfd("NVIDIA-L4", 23034, 1, ("8", "9"))
    nodes = [
        node("h1", h100, {"nvidia.com/gpu": "8"}),
        node("h2", h100, {"nvidia.com/gpu": "8"}),
        node("h3", h100x4, {"nvidia.com/gpu": "4"}),
        node("l4", l4, {"nvidia.com/gpu": "1"}),
        node("cpu-only", {}, {}),
    ]
    pools = pools_from_nodes(nodes, [], CAT)
    assert [(p.accelerator, p.gpus_per_node, p.nodes) for p in pools] == [
        ("h100-sxm-80gb", 8, 2),
        ("h100-sxm-80gb", 4, 1),
        ("l4", 1, 1),
    ]


def test_tolerations_only_for_blocking_taints():
    taints = [
        GPU_TAINT,
        {"key": "dedicated", "value": "ai", "effect": "NoExecute"},
        {"key": "soft", "effect": "PreferNoSchedule"},
        {"key": "node.kubernetes.io/unreachable", "effect": "NoExecute"},
        GPU_TAINT,
    ]
    assert tolerations_for(taints) == [
        {"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"},
        {"key": "dedicated", "operator": "Equal", "value": "ai", "effect": "NoExecute"},
    ]


def test_mig_mixed_each_profile_is_a_pool_sized_by_its_slice():
    labels = gfd(
        "NVIDIA-H100-80GB-HBM3",
        81559,
        8,
        ("9", "0"),
        **{
            "nvidia.com/mig.strategy": "mixed",
            "nvidia.com/mig-1g.10gb.memory": "9984",
            "nvidia.com/mig-1g.10gb.count": "14",
            "nvidia.com/mig-3g.40gb.count": "2",
        },
    )
    n = node(
        "mig",
        labels,
        {"nvidia.com/gpu": "0", "nvidia.com/mig-1g.10gb": "14", "nvidia.com/mig-3g.40gb": "2"},
        [GPU_TAINT],
    )
    pools = {
        p.mig["profile"]: p for p in pools_from_nodes([n], [pod("mig", 3, resource="nvidia.com/mig-1g.10gb")], CAT)
    }
    small, big = pools["1g.10gb"], pools["3g.40gb"]
    assert small.resource_name == "nvidia.com/mig-1g.10gb" and small.mig["strategy"] == "mixed"
    assert small.memory_gib == 9.75 and small.gpus_per_node == 14 and small.free_gpus == 11
    assert small.max_tensor_parallel == 1 and small.accelerator == "h100-sxm-80gb"
    assert small.accelerator_obj.usable_memory_gib == 9.75 and small.accelerator_obj.id.endswith("mig-1g.10gb")
    assert big.memory_gib == round(40 * 0.931, 2)  # no memory label: from the profile name
    assert any("tensor parallelism is forced to 1" in note for note in small.notes)


def test_mig_single_strategy_from_product_label():
    labels = gfd("NVIDIA-A100-SXM4-40GB-MIG-1g.5gb", 4864, 7, **{"nvidia.com/mig.strategy": "single"})
    [p] = pools_from_nodes([node("s", labels, {"nvidia.com/gpu": "7"})], [], CAT)
    assert p.accelerator == "a100-sxm-40gb" and p.mig == {"profile": "1g.5gb", "strategy": "single"}
    assert p.memory_gib == 4.75 and p.max_tensor_parallel == 1
    assert p.accelerator_obj.usable_memory_gib == 4.75


def test_time_slicing_shared_gpus():
    labels = gfd(
        "Tesla-T4-SHARED",
        15360,
        1,
        ("7", "5"),
        **{"nvidia.com/gpu.replicas": "4", "nvidia.com/gpu.sharing-strategy": "time-slicing"},
    )
    [p] = pools_from_nodes([node("t4", labels, {"nvidia.com/gpu": "4"})], [pod("t4", 1)], CAT)
    assert p.accelerator == "t4" and p.product == "Tesla-T4-SHARED"
    assert p.sharing == {"strategy": "time-slicing", "replicas": 4, "physical_gpus": 1}
    assert p.gpus_per_node == 4 and p.free_gpus == 3 and p.max_tensor_parallel == 1
    assert p.memory_gib == 15.0 and any("memory is shared" in n for n in p.notes)


def test_shared_suffix_without_sharing_labels_still_detected():
    labels = {"nvidia.com/gpu.product": "NVIDIA-L4-SHARED"}
    [p] = pools_from_nodes([node("l4", labels, {"nvidia.com/gpu": "2"})], [], CAT)
    assert p.accelerator == "l4" and p.sharing["strategy"] == "time-slicing"
    assert p.memory_gib == CAT.accelerators.find("l4").usable_memory_gib  # from the catalog


def test_amd_and_gaudi():
    amd = node(
        "mi",
        {"amd.com/gpu.product-name": "Instinct_MI300X", "amd.com/gpu.vram": "192G"},
        {"amd.com/gpu": "8"},
        [{"key": "amd.com/gpu", "effect": "NoSchedule"}],
    )
    gaudi = node("hl", {}, {"habana.ai/gaudi": "8"})
    pools = {p.resource_name: p for p in pools_from_nodes([amd, gaudi], [pod("mi", 2, resource="amd.com/gpu")], CAT)}
    m = pools["amd.com/gpu"]
    assert (m.accelerator, m.vendor, m.memory_gib, m.free_gpus) == ("mi300x", "amd", 192.0, 6)
    assert m.node_selector == {"amd.com/gpu.product-name": "Instinct_MI300X"}
    assert m.tolerations[0]["key"] == "amd.com/gpu"
    g = pools["habana.ai/gaudi"]
    assert g.accelerator is None and g.accelerator_obj is None and g.vendor == "intel"
    assert any("pass --accelerator" in n for n in g.notes)


def test_unknown_product_is_synthesized_from_labels():
    labels = gfd("NVIDIA-Future-GPU", 98304, 4, ("10", "3"))
    [p] = pools_from_nodes([node("f", labels, {"nvidia.com/gpu": "4"})], [], CAT)
    assert p.accelerator is None and p.unknown and p.product == "NVIDIA-Future-GPU"
    assert p.memory_gib == 96.0 and p.compute_capability == "10.3"
    obj = p.accelerator_obj
    assert obj.usable_memory_gib == 96.0 and obj.extra["unknown"] and "bf16" in obj.tflops
    assert any("not in the accelerator catalog" in n for n in p.notes)
    d = p.to_dict()
    assert d["unknown"] is True and d["accelerator"] is None


def test_gpu_nodes_without_gfd_labels():
    [p] = pools_from_nodes([node("bare", {}, {"nvidia.com/gpu": "2"})], [], CAT)
    assert p.accelerator is None and p.product is None and p.accelerator_obj is None
    assert p.node_selector == {} and p.gpus_per_node == 2
