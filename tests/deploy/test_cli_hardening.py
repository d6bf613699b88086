"""The CLI as a clumsy user or a script runs it (subprocess): clear errors with the documented exit codes."""

import os
import subprocess
import sys

import pytest

MODEL = ["--model", "granite-3.1-8b-instruct", "--kpi", "latency", "--accelerator", "a100-sxm-80gb", "--gpus", "1"]


def _cli(*args, env=None, timeout=90):
    e = {k: v for k, v in os.environ.items() if k != "KUBECONFIG"}
    e.update(env or {})
    r = subprocess.run(
        [sys.executable, "-m", "jupyter_optiserve.cli", *args], capture_output=True, text=True, timeout=timeout, env=e
    )
    assert "Traceback" not in r.stderr, r.stderr
    return r


@pytest.mark.parametrize(
    "args",
    [
        ["deploy", *MODEL, "--timeout", "nan", "--yes"],
        ["deploy", *MODEL, "--timeout", "inf", "--yes"],
        ["recommend", "--model", "granite-3.1-8b-instruct", "--ttft-ms", "inf"],
        ["recommend", "--model", "granite-3.1-8b-instruct", "--itl-ms", "NaN"],
    ],
)
def test_non_finite_numbers_are_rejected(args):
    r = _cli(*args)
    assert r.returncode == 2 and "finite" in r.stderr, r.stderr


def test_a_name_ending_in_a_newline_is_rejected():
    r = _cli("render", *MODEL, "--name", "abc\n", "--namespace", "demo", "--offline")
    assert r.returncode == 2 and "not a valid deployment name" in r.stderr and r.stdout == ""


def test_a_model_string_over_255_bytes_is_a_clear_error():
    r = _cli("render", "--model", "x" * 300, "--kpi", "latency", "--accelerator", "l4", "--offline", "-n", "demo")
    assert r.returncode == 2 and "unknown model" in r.stderr
    r = _cli(
        "render",
        "--model",
        "/" + "y" * 300 + ".json",
        "--kpi",
        "latency",
        "--accelerator",
        "l4",
        "--offline",
        "-n",
        "demo",
    )
    assert r.returncode == 2 and "cannot read a model config" in r.stderr


def test_export_refuses_to_overwrite_without_force(tmp_path):
    out = tmp_path / "gitops"
    out.mkdir()
    (out / "README.md").write_text("my notes\n")
    args = ["export", *MODEL, "--name", "granite", "--namespace", "demo", "--offline", "-o", str(out)]
    r = _cli(*args)
    assert r.returncode == 2 and "README.md" in r.stderr and "--force" in r.stderr
    assert (out / "README.md").read_text() == "my notes\n" and not (out / "kustomization.yaml").exists()
    r = _cli(*args, "--force")
    assert r.returncode == 0 and "oc apply -k" in (out / "README.md").read_text()


def test_the_unreachable_hint_names_flags_the_cli_accepts():
    from jupyter_optiserve.cli import build_parser
    from jupyter_optiserve.kube.client import _UNREACHABLE_HINT

    sub = next(a for a in build_parser()._actions if a.dest == "command").choices
    for cmd, flag in (
        ("render", "--offline"),
        ("preflight", "--offline"),
        ("export", "--offline"),
        ("recommend", "--no-detect"),
        ("recommend", "--accelerator"),
        ("hardware", "--no-cluster"),
    ):
        assert flag in _UNREACHABLE_HINT
        assert any(flag in a.option_strings for a in sub[cmd]._actions), (cmd, flag)


def test_deploying_onto_a_foreign_object_exits_6(kube):
    kube.seed(
        [
            {
                "apiVersion": "serving.kserve.io/v1beta1",
                "kind": "InferenceService",
                "metadata": {
                    "name": "theirs",
                    "namespace": kube.namespace,
                    "labels": {"opendatahub.io/dashboard": "true"},
                },
                "spec": {"predictor": {"model": {"modelFormat": {"name": "vLLM"}}}},
            }
        ]
    )
    r = _cli("deploy", *MODEL, "--name", "theirs", "--yes", "--no-smoke", env={"KUBECONFIG": str(kube.kubeconfig)})
    assert r.returncode == 6 and "not created by OptiServe" in r.stderr and "pick another" in r.stderr


def test_redeploying_a_ready_deployment_exits_0(kube):
    env = {"KUBECONFIG": str(kube.kubeconfig)}
    kube.scenario("success", step_seconds=0.05)
    first = _cli("deploy", *MODEL, "--name", "granite", "--yes", "--no-smoke", "--timeout", "30", env=env)
    assert first.returncode == 0, first.stdout + first.stderr
    for _ in range(2):  # the abort at exit came in most runs, not all
        again = _cli("deploy", *MODEL, "--name", "granite", "--yes", "--no-smoke", "--timeout", "30", env=env)
        assert again.returncode == 0 and "outcome: ready" in again.stdout, (again.returncode, again.stderr[-2000:])


def test_a_failed_rollback_is_named_and_delete_and_list_find_the_leftover(kube):
    env = {"KUBECONFIG": str(kube.kubeconfig)}
    kube.fault(path="/inferenceservices$", method="POST", status=500, after=1)  # after the preflight's dry run
    kube.fault(path="/servingruntimes/granite$", method="DELETE", status=500)
    r = _cli("deploy", *MODEL, "--name", "granite", "--yes", "--no-smoke", env=env)
    assert r.returncode != 0 and "left behind: ServingRuntime/granite" in r.stderr, r.stderr
    assert f"optiserve delete granite -n {kube.namespace}" in r.stderr
    listed = _cli("list", env=env)
    assert "left over: ServingRuntime/granite" in listed.stdout, listed.stdout
    gone = _cli("delete", "granite", "--yes", env=env)
    assert gone.returncode == 0 and "deleted: ServingRuntime/granite" in gone.stdout, gone.stdout + gone.stderr


def test_old_spellings_still_work_with_a_deprecation_warning(capsys, tmp_path):
    from jupyter_optiserve.cli import main

    args = ["--model", "granite-3.1-8b-instruct", "--kpi", "latency", "--accelerator", "a100-sxm-80gb"]
    rc = main(["render", *args, "--namespace", "demo", "--offline", "--rhoai", "3", "--target", "llmisvc"])
    out = capsys.readouterr()
    assert rc == 0 and "kind: LLMInferenceService" in out.out
    assert "--target is deprecated; use --deployment-kind" in out.err
    csv = tmp_path / "empty.csv"
    csv.write_text("source,model\n")
    main(["validate", "--data", str(csv), "--json"])
    assert "`optiserve validate` is deprecated; use `optiserve accuracy`" in capsys.readouterr().err


class _Terminal:
    def isatty(self):
        return True


def test_deploy_asks_after_the_preflight_and_a_no_creates_nothing(kube, monkeypatch, capsys):
    """The CLI's deploy is the server's task pipeline run in the foreground: the preflight is printed
    by a subscriber, then the confirmation gate stops the task before anything is applied."""
    import json

    from jupyter_optiserve.cli import main

    monkeypatch.setenv("KUBECONFIG", str(kube.kubeconfig))
    monkeypatch.setattr(sys, "stdin", _Terminal())
    asked = []
    monkeypatch.setattr("builtins.input", lambda prompt: asked.append(prompt) or "n")
    rc = main(["deploy", *MODEL, "--name", "granite", "--no-smoke", "--request-timeout", "120"])
    out = capsys.readouterr().out
    assert rc == 0 and "preflight: passed" in out and out.rstrip().endswith("cancelled"), out
    assert asked == [f"Create 2 object(s) in {kube.namespace}? [y/N] "]
    assert main(["list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["deployments"] == []
