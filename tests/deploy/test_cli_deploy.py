"""The CLI as a user runs it (subprocess): render, export, deploy -> status -> stop -> delete."""

import os
import subprocess
import sys

import yaml

from tests.deploy.openai_stub import OpenAIStub

MODEL = ["--model", "granite-3.1-8b-instruct", "--kpi", "latency", "--accelerator", "a100-sxm-80gb", "--gpus", "1"]


def _cli(*args, env=None, timeout=90):
    e = {k: v for k, v in os.environ.items() if k != "KUBECONFIG"}  # never the developer's cluster
    e.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "jupyter_optiserve.cli", *args], capture_output=True, text=True, timeout=timeout, env=e
    )


def test_render_prints_valid_multi_document_yaml():
    r = _cli("render", *MODEL, "--name", "granite", "--namespace", "demo", "--offline")
    assert r.returncode == 0, r.stderr
    docs = list(yaml.safe_load_all(r.stdout))
    assert [d["kind"] for d in docs] == ["ServingRuntime", "InferenceService"]
    assert docs[1]["spec"]["predictor"]["model"]["runtime"] == "granite"
    assert "Traceback" not in r.stderr


def test_bad_name_is_a_clear_error_without_traceback():
    r = _cli("render", *MODEL, "--name", "Bad_Name", "--namespace", "demo", "--offline")
    assert r.returncode == 2
    assert "--name 'Bad_Name' is not a valid deployment name" in r.stderr and "hint: try --name" in r.stderr
    assert "Traceback" not in r.stderr and r.stdout == ""


def test_export_writes_a_kustomization(tmp_path):
    r = _cli("export", *MODEL, "--name", "granite", "--namespace", "demo", "--offline", "-o", str(tmp_path / "out"))
    assert r.returncode == 0, r.stderr
    kust = yaml.safe_load((tmp_path / "out" / "kustomization.yaml").read_text())
    assert kust["namespace"] == "demo" and len(kust["resources"]) == 2
    assert all((tmp_path / "out" / f).is_file() for f in kust["resources"])
    assert "oc apply -k" in (tmp_path / "out" / "README.md").read_text()


def test_deploy_follow_first_response_then_lifecycle(kube):
    env = {"KUBECONFIG": str(kube.kubeconfig)}
    with OpenAIStub() as stub:
        kube.scenario("success", step_seconds=0.2, endpoint_url=stub.url)
        r = _cli("deploy", *MODEL, "--name", "granite", "--yes", "--timeout", "30", env=env)
        assert r.returncode == 0, r.stdout + r.stderr
        assert "preflight: passed" in r.stdout and "created: InferenceService/granite" in r.stdout
        assert "first token in" in r.stdout and "outcome: ready" in r.stdout and "curl -s" in r.stdout
        again = _cli("deploy", *MODEL, "--name", "granite", "--yes", "--no-follow", env=env)
        assert "unchanged: InferenceService/granite" in again.stdout, again.stdout + again.stderr
    status = _cli("status", "granite", env=env)
    assert status.returncode == 0 and "outcome: ready" in status.stdout, status.stdout + status.stderr
    assert _cli("stop", "granite", env=env).returncode == 0
    deleted = _cli("delete", "granite", "--yes", env=env)
    assert deleted.returncode == 0 and "deleted: InferenceService/granite" in deleted.stdout
    missing = _cli("status", "granite", env=env)
    assert missing.returncode == 2 and "Traceback" not in missing.stderr
