"""A real GuideLLM 0.8.1 report (run against the simulated engine) parsed and stored."""

import json

import pytest

from jupyter_optiserve.benchmark.guidellm import parse_report
from jupyter_optiserve.benchmark.store import Store
from jupyter_optiserve.errors import InvalidInputError
from tests.benchmark.conftest import FIXTURE, run_cli


def test_parse_real_report():
    data = json.loads(FIXTURE.read_text())
    levels, workload, meta = parse_report(data)
    assert meta["guidellm_version"] == "0.8.1" and meta["model"] == "granite"
    assert workload["input_len"] == 128 and workload["output_len"] == 32 and workload["api"] == "completions"
    assert [lv["concurrency"] for lv in levels] == [1, 4]
    b = data["benchmarks"][1]["metrics"]
    lv = levels[1]
    assert lv["requests"] == 10 and lv["errors"] == 0
    assert lv["ttft_ms"]["mean"] == pytest.approx(b["time_to_first_token_ms"]["successful"]["mean"], abs=1e-3)
    assert lv["itl_ms"]["p90"] == pytest.approx(
        b["inter_token_latency_ms"]["successful"]["percentiles"]["p90"], abs=1e-3
    )
    assert lv["request_latency_ms"]["p50"] == pytest.approx(
        b["request_latency"]["successful"]["percentiles"]["p50"] * 1000, abs=1e-2
    )
    assert lv["output_tokens_per_s"] == pytest.approx(b["output_tokens_per_second"]["total"]["mean"], abs=1e-2)
    # the simulator's truth (ITL 10 ms + 0.25 ms per extra stream) is within GuideLLM's reach too
    assert levels[0]["itl_ms"]["mean"] == pytest.approx(10.0, rel=0.03)
    assert levels[1]["itl_ms"]["mean"] == pytest.approx(10.75, rel=0.03)
    assert lv["mean_input_tokens"] == 128


def test_cli_import_stores_the_run():
    r = run_cli("benchmark", "--import", str(FIXTURE), "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["stored"] and out["source"] == "guidellm-import" and len(out["levels"]) == 2
    assert Store().get_run(out["id"])["meta"]["guidellm_version"] == "0.8.1"


def test_wrong_version_and_not_a_report(tmp_path):
    data = json.loads(FIXTURE.read_text())
    data["metadata"]["version"] = 1
    with pytest.raises(InvalidInputError, match="version 1"):
        parse_report(data)
    bad = tmp_path / "x.json"
    bad.write_text("{}")
    r = run_cli("benchmark", "--import", str(bad))
    assert r.returncode == 2 and "not a GuideLLM JSON report" in r.stderr
