"""RHOAI model-catalog performance data beside the estimates: discovery, parsing, matching, replicas."""

import json
import subprocess
import sys
import time

import pytest

from jupyter_optiserve.catalog import benchmarked, load_catalog
from jupyter_optiserve.service.engine import recommend
from jupyter_optiserve.service.settings import Settings
from jupyter_optiserve.testing.fakecatalog import FakeCatalog, performance_artifact, service

MODEL = ("redhat_ai_validated_models", "ibm-granite/granite-3.1-8b-instruct")
H100x2 = performance_artifact(
    "H100", 2, 4.0, ttft_p90=102.5, itl_p90=27.4, e2e_p90=9100.2, tps_mean=1105.4, mean_input_tokens=512.3
)
H100x1 = performance_artifact("H100", 1, 1.5, use_case="rag", ttft_p90=285.3, itl_p90=30.1)
A100x1 = performance_artifact("A100", 1, 0.9, ttft_p90=400.0)
BODY = {"model": "granite-3.1-8b-instruct", "kpi": "balanced", "accelerator": "h100", "gpus": 2, "limit": 20}


@pytest.fixture(autouse=True)
def _fresh(no_ambient_cluster):
    benchmarked.clear_cache()
    yield
    benchmarked.clear_cache()


def _settings(kube):
    return Settings(kubeconfig=str(kube.kubeconfig), namespace="demo", request_timeout=5)


def test_parse_reads_the_catalog_wire_shape():
    p = benchmarked.parse(H100x2, load_catalog().accelerators)
    assert p["hardware"] == "H100" and p["gpus"] == 2 and p["accelerator"] == "h100-sxm-80gb"
    assert p["hardware_configuration"] == "2 x H100" and p["use_case"] == "chatbot"
    assert p["requests_per_second"] == 4.0 and p["ttft_ms"] == {"p90": 102.5} and p["tokens_per_s"] == {"mean": 1105.4}
    assert p["input_tokens"] == 512.3 and p["e2e_ms"] == {"p90": 9100.2} and p["itl_ms"] == {"p90": 27.4}
    assert benchmarked.parse(performance_artifact("H100", 1, 0.0), None) is None  # no rate, nothing to size with


def test_replicas_for_a_target_rate_round_up_like_the_catalog():
    point = {"requests_per_second": 4.0}
    assert benchmarked.replicas_for(point, 10) == {"replicas": 3, "total_requests_per_second": 12.0}
    assert benchmarked.replicas_for(point, 0.5) == {"replicas": 1, "total_requests_per_second": 4.0}


def test_recommend_shows_the_catalog_points_beside_matching_profiles(kube):
    with FakeCatalog({MODEL: [H100x2, H100x1, A100x1]}, token="fakekube-token", page_size=2) as cat:
        kube.seed([service(cat.port)])
        out = recommend({**BODY, "target_rps": 10}, _settings(kube))
    bench = out["benchmarked"]
    assert bench["source"] == "Service rhoai-model-registries/model-catalog" and bench["target_rps"] == 10
    assert {(p["hardware"], p["gpus"]) for p in bench["points"]} == {("H100", 2), ("H100", 1), ("A100", 1)}
    two = next(p for p in bench["points"] if p["gpus"] == 2)
    assert two["replicas"] == 3 and two["total_requests_per_second"] == 12.0
    for rec in out["recommendations"]:
        prof = rec["profile"]
        want = {(p["accelerator"], p["gpus"]) for p in bench["points"]} & {(prof["accelerator"], prof["gpus"])}
        assert {(p["accelerator"], p["gpus"]) for p in rec["benchmarked"]} == want
    assert any(rec["benchmarked"] for rec in out["recommendations"])


def test_without_a_catalog_nothing_changes_and_the_lookup_is_remembered(kube):
    settings = _settings(kube)
    t0 = time.monotonic()
    out = recommend(BODY, settings)
    assert "benchmarked" not in out and all("benchmarked" not in r for r in out["recommendations"])
    looked = [r for r in kube.requests if "/services/model-catalog" in r.get("path", "")]
    assert len(looked) == len(benchmarked.NAMESPACES)
    recommend({**BODY, "limit": 3}, settings)  # another answer, same session: no second lookup
    assert len([r for r in kube.requests if "/services/model-catalog" in r.get("path", "")]) == len(looked)
    assert time.monotonic() - t0 < 30


def test_a_service_that_is_not_the_catalog_is_ignored(kube):
    with FakeCatalog({MODEL: [H100x2]}) as cat:
        svc = service(cat.port)
        svc["metadata"]["labels"] = {"component": "model-registry"}
        kube.seed([svc])
        out = recommend(BODY, _settings(kube))
    assert "benchmarked" not in out and not cat.requests


def test_a_configured_url_needs_no_service_and_a_missing_model_adds_nothing(kube, monkeypatch):
    with FakeCatalog({MODEL: [H100x2]}) as cat:
        monkeypatch.setenv(benchmarked.ENV_URL, cat.url)
        out = recommend(BODY, _settings(kube))
        assert out["benchmarked"]["source"] == benchmarked.ENV_URL
        other = recommend({**BODY, "model": "qwen3-8b"}, _settings(kube))
    assert "benchmarked" not in other


def test_no_detect_and_offline_never_look(kube):
    with FakeCatalog({MODEL: [H100x2]}) as cat:
        kube.seed([service(cat.port)])
        assert "benchmarked" not in recommend({**BODY, "no_detect": True}, _settings(kube))
        off = Settings(kubeconfig=str(kube.kubeconfig), offline=True)
        assert "benchmarked" not in recommend(BODY, off)
    assert not cat.requests


def test_cli_recommend_prints_the_benchmarked_table(kube):
    with FakeCatalog({MODEL: [H100x2, A100x1]}) as cat:
        kube.seed([service(cat.port)])
        args = [sys.executable, "-m", "jupyter_optiserve", "recommend", "--model", "granite-3.1-8b-instruct"]
        args += ["--accelerator", "h100", "--gpus", "2", "--kubeconfig", str(kube.kubeconfig), "--target-rps", "10"]
        text = subprocess.run(args, capture_output=True, text=True, timeout=120)
        js = subprocess.run([*args, "--json"], capture_output=True, text=True, timeout=120)
    assert text.returncode == 0, text.stderr
    assert "benchmarked (measured, RHOAI model catalog" in text.stdout
    assert "2 x H100" in text.stdout and "replicas for 10 req/s" in text.stdout and "102.5" in text.stdout
    assert json.loads(js.stdout)["benchmarked"]["points"][0]["replicas"] == 3
