import pytest

from jupyter_optiserve.catalog import load_catalog
from jupyter_optiserve.hardware.cpu import cgroup_limits, cpu_accelerator_id, detect_cpu, parse_cpuinfo, parse_meminfo

SPR_FLAGS = "fpu vme sse sse2 avx avx2 avx512f avx512dq avx512_bf16 avx512_vnni amx_bf16 amx_tile amx_int8"
CPUINFO = f"""processor\t: 0
vendor_id\t: GenuineIntel
model name\t: Intel(R) Xeon(R) Platinum 8480+
flags\t\t: {SPR_FLAGS}

processor\t: 1
model name\t: Intel(R) Xeon(R) Platinum 8480+
flags\t\t: {SPR_FLAGS}
"""
ARM_CPUINFO = "processor\t: 0\nFeatures\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 sve\nCPU implementer\t: 0x41\n"
MEMINFO = "MemTotal:       65536000 kB\nMemFree:        1000 kB\nMemAvailable:   32768000 kB\n"


def test_parse_cpuinfo_x86_and_arm():
    model, flags = parse_cpuinfo(CPUINFO)
    assert model == "Intel(R) Xeon(R) Platinum 8480+"
    assert {"amx_bf16", "avx512f", "avx2"} <= flags
    assert parse_cpuinfo(ARM_CPUINFO)[1] >= {"asimd", "sve"}


def test_parse_meminfo_in_gib():
    total, avail = parse_meminfo(MEMINFO)
    assert round(total, 1) == 62.5 and round(avail, 2) == 31.25


@pytest.mark.parametrize(
    "arch,flags,expected",
    [
        ("x86_64", {"avx2", "avx512f", "amx_bf16"}, "cpu-x86-amx"),
        ("x86_64", {"avx2", "avx512f"}, "cpu-x86-avx512"),
        ("x86_64", {"avx2"}, "cpu-x86-avx2"),
        ("x86_64", {"sse4_2"}, None),
        ("aarch64", {"asimd"}, "cpu-arm64"),
        ("s390x", set(), None),
    ],
)
def test_cpu_maps_to_catalog_entries(arch, flags, expected):
    acc = cpu_accelerator_id(arch, flags)
    assert acc == expected
    if acc:
        assert load_catalog().accelerators.find(acc).vendor == "cpu"


def _root(tmp_path, cpuinfo, cpu_max=None, mem_max=None):
    (tmp_path / "proc").mkdir()
    (tmp_path / "proc/cpuinfo").write_text(cpuinfo)
    (tmp_path / "proc/meminfo").write_text(MEMINFO)
    cg = tmp_path / "sys/fs/cgroup"
    cg.mkdir(parents=True)
    if cpu_max:
        (cg / "cpu.max").write_text(cpu_max)
    if mem_max:
        (cg / "memory.max").write_text(mem_max)
    return tmp_path


def test_detect_cpu_in_a_limited_pod(tmp_path):
    cpu = detect_cpu(_root(tmp_path, CPUINFO, "400000 100000\n", str(16 * 1024**3)), arch="x86_64")
    assert cpu.accelerator == "cpu-x86-amx"
    assert cpu.cpu_limit == 4.0 and cpu.memory_limit_gib == 16.0
    assert "amx_bf16" in cpu.isa and "avx512f" in cpu.isa
    assert cpu.cores >= 1 and round(cpu.memory_total_gib, 1) == 62.5


def test_unlimited_cgroup_and_arm(tmp_path):
    root = _root(tmp_path, ARM_CPUINFO, "max 100000", "max")
    assert cgroup_limits(root) == (None, None)
    cpu = detect_cpu(root, arch="aarch64")
    assert cpu.accelerator == "cpu-arm64" and "neon" in cpu.isa and "sve" in cpu.isa
    assert cpu.to_dict()["accelerator"] == "cpu-arm64"


def test_missing_proc_falls_back_to_os(tmp_path):
    cpu = detect_cpu(tmp_path, arch="x86_64")
    assert cpu.model is None and cpu.isa == [] and cpu.accelerator is None
    assert cpu.memory_total_gib and cpu.memory_total_gib > 0
