"""A fake ``pynvml`` module at the library boundary, with values real drivers report.

Errors are the real ``pynvml`` exception classes, so code under test catches exactly what it
would catch on a real machine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace

import pynvml

MIB = 1024**2


@dataclass
class FakeDevice:
    name: str
    pci_device_id: int
    total_mib: int
    used_mib: int = 0
    cc: tuple = (9, 0)
    nvlinks: int = 0  # active links; NotSupported after them
    mig: list[FakeDevice] | None = None  # MIG instances when MIG is enabled
    processes: list[tuple[int, int]] = field(default_factory=list)  # (pid, used MiB)
    max_mig: int = 7


H100 = lambda: FakeDevice("NVIDIA H100 80GB HBM3", 0x233010DE, 81559, used_mib=530, cc=(9, 0), nvlinks=18)  # noqa: E731
T4 = lambda: FakeDevice(  # noqa: E731
    "Tesla T4",
    0x1EB810DE,
    15360,
    used_mib=3072 + 250,
    cc=(7, 5),
    processes=[(4242, 3072)],
)


def A100_MIG():
    return FakeDevice(
        "NVIDIA A100-SXM4-40GB",
        0x20B010DE,
        40960,
        used_mib=0,
        cc=(8, 0),
        nvlinks=12,
        mig=[
            FakeDevice("NVIDIA A100-SXM4-40GB MIG 3g.20gb", 0, 19968, used_mib=13),
            FakeDevice("NVIDIA A100-SXM4-40GB MIG 1g.5gb", 0, 4864, used_mib=13),
            FakeDevice("NVIDIA A100-SXM4-40GB MIG 1g.5gb", 0, 4864, used_mib=13),
        ],
    )


class FakeNVML:
    NVMLError = pynvml.NVMLError
    NVML_DEVICE_MIG_ENABLE = 1
    NVML_NVLINK_MAX_LINKS = 18

    def __init__(self, devices=(), init_error: int | None = None, driver="550.54.15", cuda=12040):
        self.devices = list(devices)
        self.init_error = init_error
        self.driver, self.cuda = driver, cuda
        self.initialized = False
        self.shutdowns = 0

    def _err(self, code):
        return pynvml.NVMLError(code)  # maps to the NVMLError_* subclass

    def _check(self):
        if not self.initialized:
            raise self._err(pynvml.NVML_ERROR_UNINITIALIZED)

    def nvmlInit(self):
        if self.init_error is not None:
            raise self._err(self.init_error)
        self.initialized = True

    def nvmlShutdown(self):
        self._check()
        self.initialized = False
        self.shutdowns += 1

    def nvmlSystemGetDriverVersion(self):
        return self.driver

    def nvmlSystemGetCudaDriverVersion(self):
        return self.cuda

    def nvmlDeviceGetCount(self):
        self._check()
        return len(self.devices)

    def nvmlDeviceGetHandleByIndex(self, i):
        self._check()
        return self.devices[i]

    def nvmlDeviceGetName(self, h):
        return h.name

    def nvmlDeviceGetPciInfo(self, h):
        if not h.pci_device_id:
            raise self._err(pynvml.NVML_ERROR_NOT_SUPPORTED)
        return SimpleNamespace(pciDeviceId=h.pci_device_id)

    def nvmlDeviceGetMemoryInfo(self, h):
        total = h.total_mib * MIB
        used = h.used_mib * MIB
        return SimpleNamespace(total=total, used=used, free=total - used)

    def nvmlDeviceGetCudaComputeCapability(self, h):
        return h.cc

    def nvmlDeviceGetMigMode(self, h):
        if h.name.startswith("Tesla"):  # pre-Ampere: no MIG at all
            raise self._err(pynvml.NVML_ERROR_NOT_SUPPORTED)
        return [1, 1] if h.mig is not None else [0, 0]

    def nvmlDeviceGetMaxMigDeviceCount(self, h):
        return h.max_mig

    def nvmlDeviceGetMigDeviceHandleByIndex(self, h, i):
        if i >= len(h.mig):
            raise self._err(pynvml.NVML_ERROR_NOT_FOUND)
        return h.mig[i]

    def nvmlDeviceGetNvLinkState(self, h, link):
        if link >= h.nvlinks:
            raise self._err(pynvml.NVML_ERROR_NOT_SUPPORTED if h.nvlinks == 0 else pynvml.NVML_ERROR_INVALID_ARGUMENT)
        return 1

    def nvmlDeviceGetComputeRunningProcesses(self, h):
        return [SimpleNamespace(pid=pid, usedGpuMemory=mib * MIB) for pid, mib in h.processes]

    def nvmlDeviceGetGraphicsRunningProcesses(self, h):
        raise self._err(pynvml.NVML_ERROR_NOT_SUPPORTED)
