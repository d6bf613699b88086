"""``optiserve benchmark --url`` against the simulated engine: the JSON contract, errors and exit codes."""

import json

from jupyter_optiserve.benchmark.store import Store
from tests.benchmark.conftest import run_cli

LEVEL_KEYS = {
    "concurrency",
    "requests",
    "errors",
    "ttft_ms",
    "itl_ms",
    "request_latency_ms",
    "output_tokens_per_s",
    "requests_per_s",
}


def test_json_contract_and_stored(sim_process):
    url = sim_process(itl_base_ms=2, ttft_base_ms=5)
    r = run_cli(
        "benchmark",
        "--url",
        url,
        "--model",
        "granite",
        "--input-len",
        "64",
        "--output-len",
        "8",
        "--concurrency",
        "1,4",
        "--requests-per-level",
        "6",
        "--api",
        "chat",
        "--json",
    )
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert {"id", "endpoint", "model", "workload", "levels", "stored"} <= set(out) and out["stored"] is True
    assert out["workload"]["input_len"] == 64 and out["workload"]["api"] == "chat"
    assert [lv["concurrency"] for lv in out["levels"]] == [1, 4]
    for lv in out["levels"]:
        assert LEVEL_KEYS <= set(lv) and lv["requests"] == 6 and lv["errors"] == 0
        for m in ("ttft_ms", "itl_ms", "request_latency_ms"):
            assert set(lv[m]) == {"mean", "p50", "p90", "p99"}
    stored = Store().get_run(out["id"])
    assert stored["levels"][1]["ttft_ms"] == out["levels"][1]["ttft_ms"]
    listed = json.loads(run_cli("benchmarks", "--json").stdout)
    assert listed["runs"][0]["id"] == out["id"]
    shown = json.loads(run_cli("benchmarks", "show", out["id"], "--json").stdout)
    assert shown["levels"][0]["requests"] == 6


def test_rate_levels(sim_process):
    url = sim_process(itl_base_ms=1, ttft_base_ms=2)
    r = run_cli(
        "benchmark",
        "--url",
        url,
        "--model",
        "granite",
        "--input-len",
        "16",
        "--output-len",
        "4",
        "--rate",
        "50",
        "--requests-per-level",
        "10",
        "--json",
    )
    assert r.returncode == 0, r.stderr
    lv = json.loads(r.stdout)["levels"][0]
    assert lv["rate"] == 50 and lv["concurrency"] is None and lv["requests"] == 10


def test_unreachable_is_exit_4_and_nothing_stored():
    r = run_cli("benchmark", "--url", "http://127.0.0.1:9", "--model", "granite", "--concurrency", "1")
    assert r.returncode == 4 and "cannot reach" in r.stderr and "hint" in r.stderr
    assert Store().list_runs() == []


def test_wrong_model_is_exit_2_with_the_served_names(sim_process):
    url = sim_process()
    r = run_cli("benchmark", "--url", url, "--model", "granit", "--concurrency", "1", "--json")
    assert r.returncode == 2
    err = json.loads(r.stderr[: r.stderr.rindex("}") + 1])
    assert err["error"] == "UnknownServedModelError" and "granite" in err["matches"]
    assert Store().list_runs() == []


def test_401_is_exit_5(sim_process):
    url = sim_process(token="s3cret")
    r = run_cli(
        "benchmark",
        "--url",
        url,
        "--model",
        "granite",
        "--concurrency",
        "1",
        "--token-env",
        "TOK",
        "--insecure-token",
        env={"TOK": "wrong"},
    )
    assert r.returncode == 5 and "token" in r.stderr and "wrong" not in r.stderr
    ok = run_cli(
        "benchmark",
        "--url",
        url,
        "--model",
        "granite",
        "--concurrency",
        "1",
        "--requests-per-level",
        "2",
        "--output-len",
        "2",
        "--input-len",
        "4",
        "--token-env",
        "TOK",
        "--insecure-token",
        "--json",
        env={"TOK": "s3cret"},
    )
    assert ok.returncode == 0, ok.stderr
    assert "s3cret" not in ok.stdout + ok.stderr
    assert len(Store().list_runs()) == 1


def test_token_over_plain_http_is_refused():
    r = run_cli(
        "benchmark",
        "--url",
        "http://example.invalid",
        "--model",
        "m",
        "--concurrency",
        "1",
        "--token-env",
        "TOK",
        env={"TOK": "abc"},
    )
    assert r.returncode == 2 and "plain http" in r.stderr and "--insecure-token" in r.stderr


def test_no_levels_is_a_clear_error():
    r = run_cli("benchmark", "--url", "http://127.0.0.1:9", "--model", "m")
    assert r.returncode == 2 and "--concurrency" in r.stderr


def test_every_request_rejected_names_the_cause():
    from jupyter_optiserve.benchmark.errors import EndpointAuthError, NothingMeasuredError, UnknownServedModelError
    from jupyter_optiserve.benchmark.runner import _nothing_measured

    assert isinstance(_nothing_measured("HTTP 401: Unauthorized"), EndpointAuthError)
    assert _nothing_measured("HTTP 401: x").exit_code == 5
    assert isinstance(
        _nothing_measured('HTTP 404: {"message": "The model `x` does not exist."}'), UnknownServedModelError
    )
    assert _nothing_measured("HTTP 404: the model x").exit_code == 2
    assert type(_nothing_measured("ClientConnectionError: reset")) is NothingMeasuredError
