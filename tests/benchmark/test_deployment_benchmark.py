"""deploy -> benchmark -> compare on the fake cluster: the in-process client and the GuideLLM Job
(the fake Job controller completes it with the committed real GuideLLM report)."""

import json
import re
import subprocess
import sys

import pytest

from jupyter_optiserve.benchmark.job import _EXTRACT
from jupyter_optiserve.benchmark.store import Store
from tests.benchmark.conftest import FIXTURE, run_cli

MODEL = ["--model", "granite-3.1-8b-instruct", "--kpi", "latency", "--accelerator", "a100-sxm-80gb", "--gpus", "1"]


def container_log(tmp_path) -> str:
    """What the Job's container prints: the real extraction snippet run on the committed report."""
    report = tmp_path / "report.json"
    report.write_text(FIXTURE.read_text())
    code = _EXTRACT.replace("/tmp/report.json", str(report))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return "INFO guidellm run ... All benchmarks finalized\n" + out


def deploy(kube, url, monkeypatch) -> dict:
    """``optiserve deploy`` in this process (the fake cluster points the InferenceService at ``url``)."""
    from jupyter_optiserve.cli import main

    kube.scenario("success", step_seconds=0.1, endpoint_url=url)
    monkeypatch.setenv("KUBECONFIG", str(kube.kubeconfig))
    assert main(["deploy", *MODEL, "--name", "granite", "--yes", "--timeout", "30", "--no-smoke"]) == 0
    return {"KUBECONFIG": str(kube.kubeconfig)}


@pytest.fixture
def deployed(kube, sim_process, monkeypatch):
    return deploy(kube, sim_process(model="granite", itl_base_ms=2, ttft_base_ms=5), monkeypatch)


def test_client_mode_puts_the_prediction_beside_each_level(deployed):
    r = run_cli(
        "benchmark",
        "granite",
        "--mode",
        "client",
        "--input-len",
        "64",
        "--output-len",
        "8",
        "--concurrency",
        "1,4",
        "--requests-per-level",
        "4",
        "--json",
        env=deployed,
    )
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["model"] == "granite" and out["source"] == "client" and out["stored"]
    ctx = out["context"]
    assert ctx["deployment"] == "granite" and ctx["namespace"] == "demo" and ctx["accelerator"] == "a100-sxm-80gb"
    assert ctx["gpus"] == 1 and ctx["profile_id"] and any(a.startswith("--max-model-len") for a in ctx["runtime_args"])
    for lv in out["levels"]:
        assert lv["predicted"]["label"] == "estimated" and lv["predicted"]["itl_ms"] > 0
        assert set(lv["error_pct"]) == {
            "ttft_ms",
            "itl_ms",
            "request_latency_ms",
            "output_tokens_per_s",
            "requests_per_s",
        }
        exp = (lv["predicted"]["itl_ms"] - lv["itl_ms"]["mean"]) / lv["itl_ms"]["mean"] * 100
        assert lv["error_pct"]["itl_ms"] == pytest.approx(exp, abs=0.1)
    stored = Store().get_run(out["id"])
    assert stored["context"]["cluster"].startswith("127.0.0.1:") and stored["levels"][0]["predicted"]


def test_job_mode_reads_the_guidellm_report_and_cleans_up(deployed, kube, tmp_path):
    kube.server.jobs.log_for = lambda job: container_log(tmp_path)
    r = run_cli(
        "benchmark",
        "granite",
        "--input-len",
        "128",
        "--output-len",
        "32",
        "--concurrency",
        "1,4",
        "--requests-per-level",
        "10",
        "--image",
        "mirror.local/guidellm:v0.8.1",
        "--json",
        env=deployed,
    )
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["source"] == "guidellm-job" and out["meta"]["guidellm_version"] == "0.8.1"
    assert [lv["concurrency"] for lv in out["levels"]] == [1, 4] and out["levels"][1]["requests"] == 10
    assert out["levels"][0]["predicted"] and "error_pct" in out["levels"][0]
    job = kube.server.jobs.seen[-1]
    c = job["spec"]["template"]["spec"]["containers"][0]
    assert c["image"] == "mirror.local/guidellm:v0.8.1" and job["metadata"]["namespace"] == "demo"
    assert "profile.streams 1,4" in c["args"][0] and "prompt_tokens=128" in c["args"][0]
    backend = next(e["value"] for e in c["env"] if e["name"] == "BACKEND")
    assert "target=http://" in backend and "model=granite" in backend
    # cleaned up: the Job and (by garbage collection) its pod
    from kubernetes import client as k8s

    api = kube.api_client()
    assert k8s.BatchV1Api(api).list_namespaced_job("demo").items == []
    assert not [p for p in k8s.CoreV1Api(api).list_namespaced_pod("demo", label_selector="job-name").items]


def test_failed_job_is_a_clear_error_and_nothing_stored(deployed, kube):
    kube.server.jobs.log_for = lambda job: None  # the container fails
    r = run_cli("benchmark", "granite", "--concurrency", "1", "--json", env=deployed)
    assert r.returncode == 4 and "GuideLLM Job" in r.stderr and "--mode client" in r.stderr
    assert Store().list_runs() == []


def test_jobs_not_allowed_preflight_offers_the_client(deployed, kube):
    kube.deny([{"verb": "create", "group": "batch", "resource": "jobs"}])
    r = run_cli("benchmark", "granite", "--concurrency", "1", env=deployed)
    assert r.returncode == 5
    assert "not allowed" in r.stderr and "create jobs.batch" in r.stderr and "--mode client" in r.stderr


def test_token_is_a_secret_reference_never_inline():
    from jupyter_optiserve.benchmark.job import guidellm_args, job_manifest
    from jupyter_optiserve.benchmark.runner import Sweep
    from jupyter_optiserve.benchmark.workload import Workload

    args = guidellm_args("https://granite.demo.svc", "granite", Workload(8, 8), Sweep(concurrency=[1]), "ibm/granite")
    m = job_manifest("j", "demo", "granite", args, image_ref="img", token_secret="default-granite-sa", deadline_s=60)
    c = m["spec"]["template"]["spec"]["containers"][0]
    ref = next(e for e in c["env"] if e["name"] == "OPTISERVE_TOKEN")
    assert ref == {
        "name": "OPTISERVE_TOKEN",
        "valueFrom": {"secretKeyRef": {"name": "default-granite-sa", "key": "token"}},
    }
    assert "api_key=$OPTISERVE_TOKEN" in c["args"][0] and "api_key=" not in json.dumps(c["env"])


def test_not_ready_deployment_is_a_conflict(kube):
    env = {"KUBECONFIG": str(kube.kubeconfig)}
    r = run_cli("benchmark", "nothere", "--concurrency", "1", env=env)
    assert r.returncode == 2 and "nothere" in r.stderr


def test_calibrated_predictions_after_calibrate(deployed):
    from jupyter_optiserve.benchmark.calibrate import calibrate

    args = [
        "benchmark",
        "granite",
        "--mode",
        "client",
        "--input-len",
        "16",
        "--output-len",
        "4",
        "--concurrency",
        "8",
        "--requests-per-level",
        "8",
        "--json",
    ]
    first = json.loads(run_cli(*args, env=deployed).stdout)
    assert "calibration" not in first
    store = Store()
    for i in range(3):  # three earlier runs on this cluster, measured at 2x the prediction
        lv = first["levels"][0]
        pred = {k: v for k, v in lv["predicted"].items() if k != "label"}
        measured = {
            m: ({"mean": pred[m] * 2, "p50": 0, "p90": 0, "p99": 0} if m.endswith("_ms") else pred[m] * 2) for m in pred
        }
        store.add_run(
            {
                "id": f"old-{i}",
                "endpoint": "e",
                "model": "granite",
                "workload": first["workload"],
                "context": first["context"],
                "levels": [{**lv, **measured, "predicted": lv["predicted"]}],
            }
        )
    fit = calibrate(store)
    assert fit["clusters"][0]["corrections"]
    second = json.loads(run_cli(*args, env=deployed).stdout)
    # the three runs at 2x, plus the first real run unless the fit rejected it as an outlier
    m = re.fullmatch(r"calibrated from (\d+) runs on this cluster", second["calibration"])
    assert m and int(m.group(1)) in (3, 4)
    lv = second["levels"][0]
    assert lv["calibrated"]["ttft_ms"] > lv["predicted"]["ttft_ms"]


def test_job_progress_from_guidellm_log_lines():
    from jupyter_optiserve.benchmark.job import level_progress

    tail = (
        "26-12-02 10:47:46|INFO|guidellm.benchmark.progress:_log_update:420 - Benchmark 1 (concurrent@1): completed"
        " | elapsed=6.2s | successful=4 errored=0 incomplete=0 | requests/s=9.73 output_tokens/s=77.88\n"
        "26-12-02 10:47:47|INFO|guidellm.benchmark.progress:_log_update:420 - Benchmark 2 (concurrent@4): started"
        " | elapsed=0.4s | successful=2 errored=1 incomplete=4 | requests/s=0.00 output_tokens/s=0.00\n"
    )
    assert level_progress(tail, 2, 10) == {
        "event": "request",
        "index": 1,
        "levels": 2,
        "done": 3,
        "requests": 10,
        "concurrency": 4,
    }
    assert level_progress("pulling image", 2, 10) is None


def test_workload_and_levels_default_to_the_deployments_kpi(deployed):
    r = run_cli(
        "benchmark",
        "granite",
        "--mode",
        "client",
        "--requests-per-level",
        "1",
        "--output-len",
        "4",
        "--json",
        env=deployed,
    )
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    # deployed for --kpi latency: its workload is 1024 prompt tokens at concurrency 1
    assert out["workload"]["input_len"] == 1024 and out["workload"]["output_len"] == 4
    assert out["workload"]["kpi"] == "latency" and [lv["concurrency"] for lv in out["levels"]] == [1]
