import pynvml
import pytest

from jupyter_optiserve.catalog import load_catalog
from jupyter_optiserve.hardware import detect
from jupyter_optiserve.hardware.nvml import nvml_pools, pci_id, read_local_gpus

from .fake_nvml import A100_MIG, H100, T4, FakeDevice, FakeNVML

CAT = load_catalog()


def test_pci_id_is_vendor_colon_device():
    assert pci_id(0x233010DE) == "10de:2330"
    assert pci_id(None) is None


def test_h100_sxm_matched_by_pci_id_with_nvlink_and_versions():
    fake = FakeNVML([H100(), H100()])
    res = read_local_gpus(fake, CAT)
    assert res.available and res.reason is None
    assert res.driver_version == "550.54.15" and res.cuda_version == "12.4"
    g = res.gpus[0]
    assert g.accelerator == "h100-sxm-80gb"
    assert g.pci_device_id == "10de:2330"
    assert g.compute_capability == "9.0"
    assert round(g.memory_total_gib, 2) == 79.65  # 81559 MiB
    assert g.nvlink_links_active == 18
    assert not g.mig_enabled and not g.shared
    assert fake.shutdowns == 1 and not fake.initialized


def test_unknown_name_still_matched_by_pci_id_and_unknown_card_is_flagged():
    renamed = FakeDevice("H100 80GB HBM3 (custom)", 0x233010DE, 81559)
    mystery = FakeDevice("NVIDIA Future GPU", 0x999910DE, 98304, cc=(10, 0))
    res = read_local_gpus(FakeNVML([renamed, mystery]), CAT)
    assert res.gpus[0].accelerator == "h100-sxm-80gb"
    assert res.gpus[1].accelerator is None
    assert "not in the accelerator catalog" in res.gpus[1].notes[0]
    pools = nvml_pools(res.gpus, CAT)
    unknown = next(p for p in pools if p.product == "NVIDIA Future GPU")
    assert unknown.unknown and unknown.accelerator is None
    assert unknown.accelerator_obj.usable_memory_gib == 96.0
    assert unknown.accelerator_obj.compute_capability == "10.0"
    assert unknown.to_dict()["unknown"] is True


def test_a100_mig_instances_sized_by_their_own_memory():
    res = read_local_gpus(FakeNVML([A100_MIG()]), CAT)
    g = res.gpus[0]
    assert g.accelerator == "a100-sxm-40gb" and g.mig_enabled
    assert [i["profile"] for i in g.mig_instances] == ["3g.20gb", "1g.5gb", "1g.5gb"]
    assert g.mig_instances[0]["memory_gib"] == 19.5
    assert g.mig_instances[1]["memory_gib"] == 4.75
    pools = {p.mig["profile"]: p for p in nvml_pools(res.gpus, CAT)}
    assert set(pools) == {"3g.20gb", "1g.5gb"}
    small = pools["1g.5gb"]
    assert small.gpus_per_node == 2 and small.memory_gib == 4.75 and small.max_tensor_parallel == 1
    assert small.accelerator == "a100-sxm-40gb"  # the parent card
    assert small.accelerator_obj.usable_memory_gib == 4.75
    assert small.accelerator_obj.tflops["bf16"] < 312 / 6
    assert small.resource_name == "nvidia.com/mig-1g.5gb"


def test_t4_shared_with_another_process():
    res = read_local_gpus(FakeNVML([T4()]), CAT)
    g = res.gpus[0]
    assert g.accelerator == "t4" and g.compute_capability == "7.5"
    assert not g.mig_enabled  # MIG query NotSupported is not an error
    assert g.nvlink_links_active == 0
    assert g.shared and g.other_processes == [{"pid": 4242, "memory_gib": 3.0}]
    assert round(g.memory_free_gib, 2) == 11.76  # (15360 - 3072 - 250) MiB
    assert any("shared GPU" in n for n in g.notes)
    pool = nvml_pools(res.gpus, CAT)[0]
    assert pool.free_gpus == 0 and pool.source == "nvml"


@pytest.mark.parametrize(
    "code,words",
    [
        (pynvml.NVML_ERROR_LIBRARY_NOT_FOUND, "library"),
        (pynvml.NVML_ERROR_DRIVER_NOT_LOADED, "driver not loaded"),
        (pynvml.NVML_ERROR_UNKNOWN, "NVML error"),
    ],
)
def test_no_gpu_is_not_a_crash(code, words):
    res = read_local_gpus(FakeNVML([], init_error=code), CAT)
    assert not res.available and res.gpus == []
    assert words.lower() in res.reason.lower()


def test_nvml_error_mid_enumeration_is_reported():
    fake = FakeNVML([H100()])
    fake.nvmlDeviceGetHandleByIndex = lambda i: (_ for _ in ()).throw(pynvml.NVMLError(pynvml.NVML_ERROR_GPU_IS_LOST))
    res = read_local_gpus(fake, CAT)
    assert res.gpus == [] and "GPU is lost" in res.reason
    assert fake.shutdowns == 1


def test_inventory_without_cluster_uses_nvml_pools(tmp_path):
    inv = detect(cluster=False, nvml=FakeNVML([H100(), H100()]), cpu_root=tmp_path)
    d = inv.to_dict()
    assert d["local"]["gpu_count"] == 2 and d["local"]["gpus"][0]["accelerator"] == "h100-sxm-80gb"
    assert d["pools"][0]["source"] == "nvml" and d["pools"][0]["gpus_per_node"] == 2
    assert any("--no-cluster" in n for n in d["notes"])


def test_inventory_says_why_no_local_gpu(tmp_path):
    inv = detect(cluster=False, nvml=FakeNVML([], init_error=pynvml.NVML_ERROR_DRIVER_NOT_LOADED), cpu_root=tmp_path)
    assert inv.pools == []
    assert inv.to_dict()["local"]["nvml"] == {"available": False, "reason": "NVIDIA driver not loaded"}
    assert any("driver not loaded" in n for n in inv.notes)
