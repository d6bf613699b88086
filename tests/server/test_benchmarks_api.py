"""REST for benchmarks: a deployment measured in a background task with a progress stream, the
stored run, the list, cancel, calibrate, and the errors."""

import pytest

from jupyter_optiserve.testing.simengine import SimEngine, Timing
from tests.server.test_handlers import GRANITE, parse_sse


@pytest.fixture(autouse=True)
def _db(monkeypatch, tmp_path):
    monkeypatch.setenv("OPTISERVE_BENCHMARK_DB", str(tmp_path / "benchmarks.sqlite"))


async def _deploy(api, kube, url):
    kube.scenario("success", step_seconds=0.05, endpoint_url=url)
    code, task = await api("POST", "deployments", body={**GRANITE, "name": "granite", "no_smoke": True, "timeout": 60})
    assert code == 202, task
    resp = await api("GET", "deployments", "granite", "events", raw=True, request_timeout=60)
    assert parse_sse(resp.body.decode())[-1]["data"]["state"] == "ready"


async def test_benchmark_a_deployment_with_progress_and_prediction(api, kube):
    with SimEngine(model="granite", timing=Timing(5, 0.01, 2, 0.1)) as sim:
        await _deploy(api, kube, sim.url)
        body = {
            "name": "granite",
            "mode": "client",
            "input_len": 32,
            "output_len": 6,
            "concurrency": [1, 3],
            "requests_per_level": 6,
        }
        code, task = await api("POST", "benchmarks", body=body)
        assert code == 202 and task["state"] in ("queued", "running") and task["request"]["namespace"] == "demo"
        resp = await api("GET", "benchmarks", task["id"], "events", raw=True, request_timeout=60)
        events = parse_sse(resp.body.decode())
    types = [e["type"] for e in events]
    assert types[-1] == "end" and "result" in types, types
    progress = [e["data"] for e in events if e["type"] == "progress"]
    assert progress[0]["done"] == 0 and progress[-1]["done"] == progress[-1]["requests"] == 6
    assert {p["index"] for p in progress} == {0, 1}
    levels = [e["data"] for e in events if e["type"] == "level"]
    assert [lv["concurrency"] for lv in levels] == [1, 3] and all(lv["predicted"] for lv in levels)
    run = events[-1]["data"]["run"]
    assert events[-1]["data"]["state"] == "stored" and run["stored"] and run["levels"][1]["error_pct"]
    assert run["id"] == task["id"]  # the task's id finds the stored run afterwards

    code, stored = await api("GET", "benchmarks", run["id"])
    assert code == 200 and stored["levels"][0]["predicted"]["itl_ms"] == run["levels"][0]["predicted"]["itl_ms"]
    code, listed = await api("GET", "benchmarks")
    assert listed["runs"][0]["id"] == run["id"] and listed["tasks"][0]["state"] == "stored"


async def test_errors(api, kube):
    code, err = await api("POST", "benchmarks", body={"name": "nothere", "concurrency": [1]})
    assert code == 404 and "nothere" in err["detail"]
    code, err = await api("POST", "benchmarks", body={"name": "granite", "concurrency": [1], "url": "http://x"})
    assert code == 400 and err["field"] == "url"
    code, err = await api("GET", "benchmarks", "nope-123")
    assert code == 404 and err["error"] == "NotFoundError"
    code, err = await api("POST", "benchmarks", "nope-123", "cancel")
    assert code == 404


async def test_calibrate_endpoint(api):
    code, out = await api("POST", "calibrate", body={})
    assert code == 200 and out["clusters"] == [] and "benchmark a deployment" in out["note"]
    code, out = await api("POST", "calibrate", body={"reset": True})
    assert code == 200 and out["removed"] == 0
