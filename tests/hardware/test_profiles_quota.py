"""Pure parsing of RHOAI profiles, runtime templates and ResourceQuotas."""

from jupyter_optiserve.catalog import load_catalog
from jupyter_optiserve.hardware.quota import quota_from_objects
from jupyter_optiserve.hardware.rhoai import pools_from_profile, profile_usable, recommended_accelerators
from jupyter_optiserve.hardware.unknown import synthesize

CAT = load_catalog()


def test_quota_tightest_wins_and_units():
    quotas = [
        {
            "metadata": {"name": "gpus"},
            "status": {
                "hard": {"requests.nvidia.com/gpu": "8", "pods": "10"},
                "used": {"requests.nvidia.com/gpu": "2"},
            },
        },
        {
            "metadata": {"name": "team"},
            "status": {
                "hard": {"requests.nvidia.com/gpu": "4", "limits.memory": "64Gi", "requests.cpu": "16"},
                "used": {"requests.nvidia.com/gpu": "4", "limits.memory": "16Gi", "requests.cpu": "500m"},
            },
        },
        {"metadata": {"name": "spec-only"}, "spec": {"hard": {"requests.amd.com/gpu": "2"}}},
    ]
    q = quota_from_objects("proj", quotas)
    assert q.resources["requests.nvidia.com/gpu"] == {"hard": 4, "used": 4, "remaining": 0, "quota": "team"}
    assert q.resources["limits.memory"]["remaining"] == 48.0
    assert q.resources["requests.cpu"]["remaining"] == 15.5
    assert q.remaining("nvidia.com/gpu") == 0 and q.remaining("amd.com/gpu") == 2
    assert q.remaining("habana.ai/gaudi") is None and "pods" not in q.resources
    assert any("used up" in n for n in q.notes)


def test_profile_visibility():
    def obj(ann=None, **spec):
        return {"metadata": {"name": "p", "annotations": ann or {}}, "spec": spec}

    assert profile_usable(obj()) == (True, None)
    assert profile_usable(obj({"opendatahub.io/disabled": "true"}))[0] is False
    assert profile_usable(obj(enabled=False))[0] is False
    assert (
        profile_usable(obj({"opendatahub.io/dashboard-feature-visibility": '["workbench"]'}))[1]
        == "hidden from model serving"
    )
    assert profile_usable(obj({"opendatahub.io/dashboard-feature-visibility": "[]"}))[0] is True


def test_legacy_dashboard_profile_flat_fields_and_kueue():
    legacy = {
        "metadata": {"name": "l40s", "namespace": "opendatahub"},
        "spec": {
            "displayName": "NVIDIA L40S",
            "enabled": True,
            "identifiers": [
                {"identifier": "cpu", "minCount": 1, "maxCount": 4, "defaultCount": 2},
                {"identifier": "nvidia.com/gpu", "minCount": "1", "maxCount": "2", "defaultCount": "1"},
            ],
            "nodeSelectors": [{"key": "nvidia.com/gpu.product", "value": "NVIDIA-L40S"}],
            "tolerations": [{"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}],
        },
    }
    [p] = pools_from_profile(legacy, CAT)
    assert (p.accelerator, p.gpus_per_node, p.counts) == ("l40s", 2, {"min": 1, "max": 2, "default": 1})
    assert p.node_selector == {"nvidia.com/gpu.product": "NVIDIA-L40S"} and p.profile == "opendatahub/l40s"
    queued = {
        "metadata": {"name": "q", "namespace": "ns"},
        "spec": {
            "identifiers": [
                {
                    "identifier": "nvidia.com/mig-1g.10gb",
                    "resourceType": "Accelerator",
                    "minCount": 1,
                    "defaultCount": 1,
                }
            ],
            "scheduling": {"type": "Queue", "kueue": {"localQueueName": "gpu-queue"}},
        },
    }
    [m] = pools_from_profile(queued, CAT)
    assert m.mig["profile"] == "1g.10gb" and m.max_tensor_parallel == 1 and m.gpus_per_node == 1
    assert any("gpu-queue" in n for n in m.notes) and m.vendor == "nvidia"


def test_display_name_identifies_card_without_selector():
    ap = {
        "metadata": {"name": "h100", "namespace": "x"},
        "spec": {"displayName": "H100 SXM5 80GB", "identifier": "nvidia.com/gpu", "enabled": True},
    }
    [p] = pools_from_profile(ap, CAT, "accelerator-profile")
    assert p.accelerator == "h100-sxm-80gb" and p.source == "accelerator-profile" and p.counts["max"] is None


def test_recommended_accelerators_from_template_objects():
    t = {
        "metadata": {"annotations": {}},
        "objects": [{"metadata": {"annotations": {"opendatahub.io/recommended-accelerators": '["nvidia.com/gpu"]'}}}],
    }
    bad = {"metadata": {"annotations": {"opendatahub.io/recommended-accelerators": "not json"}}}
    assert recommended_accelerators([t, bad, t]) == ["nvidia.com/gpu"]


def test_unknown_gpu_estimates_are_conservative_by_generation():
    hopper = synthesize("NVIDIA H800", 79.0, "9.0")
    turing = synthesize("Quadro RTX 8000", 45.0, "7.5")
    amd = synthesize("Instinct MI210", 64.0, vendor="amd")
    h100 = CAT.accelerators.find("h100-sxm-80gb")
    assert hopper.memory_bw_gbps <= h100.memory_bw_gbps and hopper.tflops["bf16"] <= h100.tflops["bf16"]
    assert "fp8" in hopper.tflops and "bf16" not in turing.tflops
    assert amd.resource_name == "amd.com/gpu" and amd.extra["unknown"]
    assert hopper.id == "unknown-nvidia-h800" and "conservative" in hopper.extra["notes"][0]
