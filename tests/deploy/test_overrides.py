"""Settings beyond the profile (RHOAI "Deploy model" dialog parity): replicas, runtime args, env."""

import json
import os
import subprocess
import sys

import pytest
import yaml

from jupyter_optiserve.deploy.diagnose import diagnose
from jupyter_optiserve.deploy.manifests import SETTINGS, render
from jupyter_optiserve.deploy.validate import problems
from jupyter_optiserve.errors import InvalidInputError
from jupyter_optiserve.kube import crdschema

needs_crds = pytest.mark.skipif(
    crdschema.crds_dir() is None, reason="../shared/reference/kserve-crds absent: set OPTISERVE_KSERVE_CRDS"
)
EXTRA = dict(
    replicas=2,
    runtime_args=["--enable-auto-tool-choice", "--tool-call-parser=granite"],
    env=[{"name": "VLLM_LOGGING_LEVEL", "value": "DEBUG"}],
    external=True,
    auth=True,
)


@pytest.fixture
def plan_with(make_plan, catalog):
    """The test profile's plan with the dialog's settings (``make_plan`` routes replicas/max_model_len
    into the profile itself)."""
    from jupyter_optiserve.deploy import plan_from_profile

    base = make_plan()

    def make(**kw):
        return plan_from_profile(base.profile, name="granite", namespace="demo", catalog=catalog, **kw)

    return make


@needs_crds
def test_rendered_as_the_dashboard_writes_them(plan_with):
    plan = plan_with(**EXTRA)
    objs = render(plan)
    found, checked = problems(objs)
    assert found == [] and checked
    isvc = next(o for o in objs if o["kind"] == "InferenceService")
    pred = isvc["spec"]["predictor"]
    assert pred["minReplicas"] == pred["maxReplicas"] == 2
    args = pred["model"]["args"]
    assert args[-2:] == ["--enable-auto-tool-choice", "--tool-call-parser=granite"]
    assert "--max-model-len=8192" in args  # the profile's flags stay, first
    assert {"name": "VLLM_LOGGING_LEVEL", "value": "DEBUG"} in pred["model"]["env"]
    assert isvc["metadata"]["labels"]["networking.kserve.io/visibility"] == "exposed"
    assert [o["kind"] for o in objs][2:] == ["ServiceAccount", "Role", "RoleBinding", "Secret"]
    saved = json.loads(isvc["metadata"]["annotations"][SETTINGS])
    assert saved["replicas"] == 2 and saved["runtime_args"] == EXTRA["runtime_args"]
    assert saved["env"] == ["VLLM_LOGGING_LEVEL"]  # names only: values stay in the spec
    assert saved["external"] is True and saved["auth"] is True and saved["profile"] == plan.profile.id
    summary = plan.summary()
    assert summary["replicas"] == 2 and summary["env"] == ["VLLM_LOGGING_LEVEL"] and "DEBUG" not in json.dumps(summary)


def test_defaults_are_the_profiles(make_plan):
    isvc = render(make_plan())[1]
    pred = isvc["spec"]["predictor"]
    assert pred["minReplicas"] == pred["maxReplicas"] == 1
    assert "env" not in pred["model"]  # no storage env, no user env


def test_llmisvc_gets_replicas_args_and_env(plan_with):
    (llm,) = render(
        plan_with(target="llmisvc", storage_uri="hf://ibm-granite/granite-3.1-8b-instruct", **{**EXTRA, "auth": False})
    )
    assert llm["spec"]["replicas"] == 2
    env = {e["name"]: e.get("value") for e in llm["spec"]["template"]["containers"][0]["env"]}
    assert env["VLLM_LOGGING_LEVEL"] == "DEBUG" and env["VLLM_ADDITIONAL_ARGS"].endswith("--tool-call-parser=granite")


@pytest.mark.parametrize(
    "kw, says",
    [
        ({"runtime_args": ["--max-model-len=4096"]}, "--max-model-len would override --max-model-len=8192"),
        ({"runtime_args": ["--max_model_len=4096"]}, "--max-model-len would override"),
        ({"runtime_args": ["--port=9000"]}, "--port is set by the serving runtime"),
        ({"runtime_args": ["enforce-eager"]}, "is not a flag"),
        ({"runtime_args": ["--enforce-eager", "--enforce-eager"]}, "given twice"),
        ({"env": [{"name": "1BAD", "value": "x"}]}, "'1BAD' is not valid"),
        ({"env": [{"name": "HF_HOME", "value": "/tmp"}]}, "HF_HOME is set by OptiServe"),
        ({"env": [{"name": "MY_API_KEY", "value": "sk-very-secret"}]}, "MY_API_KEY looks like a credential"),
        ({"env": [{"name": "A", "value": "1"}, {"name": "A", "value": "2"}]}, "A is given twice"),
        ({"replicas": 0}, "replicas must be a whole number"),
        ({"max_model_len": 12}, "max_model_len must be"),
    ],
)
def test_bad_settings_name_the_problem(plan_with, kw, says):
    with pytest.raises(InvalidInputError) as exc:
        plan_with(**kw)
    assert says in exc.value.message and exc.value.hint
    assert "sk-very-secret" not in str(exc.value.to_dict())  # values are never echoed back


def test_max_model_len_fix_keeps_the_ranked_profile(plan_with):
    plain = plan_with()
    fixed = plan_with(max_model_len=4096)
    assert "--max-model-len=4096" in render(fixed)[1]["spec"]["predictor"]["model"]["args"]
    assert fixed.settings()["profile"] == plain.profile.id and fixed.settings()["max_model_len"] == 4096
    assert "max_model_len" not in plain.settings()


def test_diagnoses_carry_a_remedy():
    d = diagnose(
        "ValueError: The model's max seq len (32768) is larger than the maximum number of tokens that can be "
        "stored in KV cache (10000). Try increasing gpu_memory_utilization"
    )
    assert d.row == 1 and d.remedy == {"max_model_len": 9984}
    assert diagnose("torch.OutOfMemoryError: CUDA out of memory").remedy == {"runtime_args": ["--enforce-eager"]}
    assert d.about("pod x").subject == "pod x" and d.about("pod x").about("pod y").subject == "pod x"


def _cli(*args):
    env = {k: v for k, v in os.environ.items() if k != "KUBECONFIG"}
    return subprocess.run(
        [sys.executable, "-m", "jupyter_optiserve.cli", *args], capture_output=True, text=True, timeout=90, env=env
    )


MODEL = ["--model", "granite-3.1-8b-instruct", "--kpi", "latency", "--accelerator", "a100-sxm-80gb", "--gpus", "1"]


def test_cli_flags():
    r = _cli(
        "render", *MODEL, "--namespace", "demo", "--offline", "--replicas", "3",
        "--runtime-arg=--enable-auto-tool-choice", "--env", "VLLM_LOGGING_LEVEL=DEBUG", "--env", "EMPTY=",
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    isvc = list(yaml.safe_load_all(r.stdout))[1]
    pred = isvc["spec"]["predictor"]
    assert pred["minReplicas"] == 3 and pred["model"]["args"][-1] == "--enable-auto-tool-choice"
    assert {"name": "EMPTY", "value": ""} in pred["model"]["env"]
    bad = _cli("render", *MODEL, "--namespace", "demo", "--offline", "--runtime-arg=--tensor-parallel-size=2")
    assert bad.returncode == 2 and "--tensor-parallel-size would override" in bad.stderr
    assert "Traceback" not in bad.stderr
    bad = _cli("render", *MODEL, "--namespace", "demo", "--offline", "--env", "NOVALUE")
    assert bad.returncode == 2 and "--env NOVALUE has no value" in bad.stderr
