"""Render and preflight refuse one pod asking for more GPUs than a node has."""

from types import SimpleNamespace

import pytest

from jupyter_optiserve.deploy import render, run_preflight
from jupyter_optiserve.deploy.nodefit import ensure_fits_node
from jupyter_optiserve.errors import InvalidInputError


def test_tp16_pod_is_refused_by_render_and_preflight(make_plan):
    plan = make_plan(model="llama-3.1-8b-instruct", accelerator="h100", tp=16, name="big")
    with pytest.raises(InvalidInputError, match="asks for 16 GPUs.*hold 8"):
        ensure_fits_node(plan)
    report = run_preflight(plan, render(plan))
    check = next(c for c in report.checks if c.id == "node-size")
    assert check.status == "fail" and "stay Pending" in check.message and "at most 8" in check.fix
    assert not report.ok


def test_pool_node_size_wins_over_the_catalog(make_plan):
    pool = SimpleNamespace(
        gpus_per_node=4,
        source="nodes",
        product="NVIDIA-L40S",
        resource_name="nvidia.com/gpu",
        tolerations=[],
        node_selector={},
        mig=None,
        sharing=None,
    )
    plan = make_plan(model="llama-3.1-8b-instruct", accelerator="l40s", tp=8, name="l40s", pool=pool)
    with pytest.raises(InvalidInputError, match="hold 4"):
        ensure_fits_node(plan)


def test_a_pod_that_fits_passes(make_plan):
    plan = make_plan(model="llama-3.1-8b-instruct", accelerator="h100", tp=8, name="ok")
    ensure_fits_node(plan)
    check = next(c for c in run_preflight(plan, render(plan)).checks if c.id == "node-size")
    assert check.status == "pass"
