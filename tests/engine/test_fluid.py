"""The fluid model that screens candidates stays close to the step-level simulation it stands for."""

import statistics

import pytest

from jupyter_optiserve.catalog import load_catalog
from jupyter_optiserve.estimate import estimate

CASES = [
    (m, a, tp, prec, isl, osl, c)
    for m in ("llama-3.1-8b-instruct", "llama-3.1-70b-instruct", "mixtral-8x7b-instruct-v0.1")
    for a, tp in (("h100", 4), ("l40s", 2), ("l4", 1))
    for prec in ("fp8",)
    for isl, osl in ((1024, 256), (4000, 200), (200, 1000))
    for c in (1, 8, 32, 128)
]


@pytest.fixture(scope="module")
def errors():
    cat = load_catalog()
    out = {"ttft": [], "itl": [], "throughput": []}
    for m, a, tp, prec, isl, osl, c in CASES:
        kw = dict(gpus=tp, tp=tp, precision=prec, input_len=isl, output_len=osl, concurrency=c, backend="roofline")
        fast = estimate(cat.find_model(m), cat.accelerators.get(a), method="fluid", **kw)
        if not fast.fits:
            continue
        fine = fast.refined()
        assert fast.perf.method == "fluid" and fine.perf.method == "simulate"
        for key, x, y in (
            ("ttft", fast.ttft_ms, fine.ttft_ms),
            ("itl", fast.itl_ms, fine.itl_ms),
            ("throughput", fast.output_tokens_per_s, fine.output_tokens_per_s),
        ):
            out[key].append(abs(x - y) / y * 100)
    return out


@pytest.mark.parametrize("metric,median_pct", [("ttft", 25), ("itl", 10), ("throughput", 10)])
def test_fluid_agrees_with_the_simulation(errors, metric, median_pct):
    assert len(errors[metric]) > 30
    assert statistics.median(errors[metric]) <= median_pct
