"""The live timeline against the fake KServe controller: every scenario, with its cause."""

import pytest

from jupyter_optiserve.deploy import Deployer, follow, render

STEP = 0.3


def _run(make_plan, conn, kube, scenario, **kw):
    kube.scenario(scenario, step_seconds=STEP)
    Deployer(conn).apply(render(make_plan()))
    return follow(conn, "granite", timeout=15, pending_grace=0.5, **kw)


def test_success_walks_every_phase(make_plan, conn, kube):
    tl = _run(make_plan, conn, kube, "success")
    assert tl.outcome == "ready", tl.text()
    states = {n: p.state for n, p in tl.phases.items()}
    assert all(states[n] == "done" for n in ("submitted", "scheduled", "downloading-model", "loading", "ready"))
    assert states["first-response"] == "pending"  # only the smoke request completes it
    assert tl.phases["scheduled"].detail.startswith("on ")
    assert tl.url.endswith(".svc.cluster.local")
    texts = " | ".join(t for _, t in tl.entries)
    assert "downloading-model" in texts and "loading" in texts


@pytest.mark.parametrize(
    "scenario,phase,row,words",
    [
        ("unschedulable", "scheduled", 6, "Insufficient nvidia.com/gpu"),
        ("image-pull", "pulling-image", 14, "manifest unknown"),
        ("storage-failure", "downloading-model", 8, "AccessDenied"),
        ("oom", "loading", 1, "51872"),
        ("crashloop", "loading", 1, "max seq len"),
        ("cuda-oom", "loading", 2, "CUDA out of memory"),
    ],
)
def test_failures_name_cause_and_fix(make_plan, conn, kube, scenario, phase, row, words):
    tl = _run(make_plan, conn, kube, scenario)
    assert tl.outcome == "failed", tl.text()
    assert tl.phases[phase].state == "failed", tl.text()
    assert tl.diagnosis.row == row, tl.text()
    assert words in tl.diagnosis.evidence + tl.diagnosis.cause + tl.diagnosis.fix, tl.text()
    assert tl.diagnosis.fix
    if scenario in ("oom", "cuda-oom"):
        assert any("EngineCore" in ln or "Error" in ln for ln in tl.log_tail)  # last log lines shown


def test_oomkilled_points_at_host_memory(make_plan, conn, kube):
    tl = _run(make_plan, conn, kube, "oomkilled")
    assert tl.outcome == "failed" and "OOMKilled" in tl.diagnosis.cause + tl.diagnosis.evidence
    assert "memory" in tl.diagnosis.fix


def test_dropped_watch_is_resumed(make_plan, conn, kube):
    tl = _run(make_plan, conn, kube, "watch-drop")
    assert tl.outcome == "ready", tl.text()
    assert any("watch dropped; resumed" in t for _, t in tl.entries)


def test_without_pod_access_falls_back_to_isvc_status(make_plan, conn, kube):
    kube.deny(
        [
            {"verb": ["list", "watch"], "group": "", "resource": "pods"},
            {"verb": ["list", "watch"], "group": "", "resource": "events"},
        ]
    )
    tl = _run(make_plan, conn, kube, "oom")
    assert tl.outcome == "failed"  # from lastFailureInfo, which carries only the last log line
    assert "Engine core initialization failed" in tl.diagnosis.evidence and "oc logs" in tl.diagnosis.fix
    assert any("InferenceService status only" in n and "oc create role" in n for n in tl.notes)


def test_timeout_is_bounded(make_plan, conn, kube):
    kube.scenario("unschedulable", step_seconds=STEP)
    Deployer(conn).apply(render(make_plan()))
    tl = follow(conn, "granite", timeout=1.5, pending_grace=600)
    assert tl.outcome == "timeout" and "gave up" in tl.entries[-1][1]
