"""deploy/state.py: the one reading of a deployment's state from its InferenceService."""

import pytest

from jupyter_optiserve.deploy.state import DeploymentState
from jupyter_optiserve.errors import ConflictError


def isvc(ready=None, stopped=False, url=None, internal=None, auth=False, profile=None, kind="InferenceService"):
    ann = {"serving.kserve.io/stop": "true" if stopped else "false"}
    if auth:
        ann["security.opendatahub.io/enable-auth"] = "true"
    if profile:
        ann["optiserve.io/profile"] = profile
    status = {}
    if ready is not None:
        status["conditions"] = [{"type": "PredictorReady", "status": "True"}, {"type": "Ready", "status": ready}]
    if url:
        status["url"] = url
    if internal:
        status["address"] = {"url": internal}
    return {"kind": kind, "metadata": {"name": "granite", "annotations": ann}, "status": status}


@pytest.mark.parametrize(
    "obj,phase",
    [
        (isvc(), "Unknown"),
        (isvc(ready="True", url="https://x"), "Ready"),
        (isvc(ready="False"), "NotReady"),
        (isvc(ready="True", stopped=True), "Stopped"),
    ],
)
def test_phase(obj, phase):
    assert DeploymentState.of(obj).phase == phase


def test_list_row_shows_the_external_url_and_the_serving_profile():
    row = DeploymentState.of(isvc(ready="True", internal="http://granite.demo.svc", profile="p1")).row(True)
    assert row == {
        "name": "granite",
        "kind": "InferenceService",
        "optiserve": True,
        "state": "Ready",
        "profile": "p1",
        "url": None,
    }


def test_serving_needs_ready_not_stopped_and_an_address():
    assert DeploymentState.of(isvc(ready="True", internal="http://granite.demo.svc")).serving
    assert DeploymentState.of(isvc(ready="True", internal="http://a", auth=True)).auth
    for obj in (isvc(ready="True"), isvc(ready="False", url="https://x"), isvc(ready="True", url="x", stopped=True)):
        state = DeploymentState.of(obj)
        assert not state.serving
        with pytest.raises(ConflictError, match="'granite' is not Ready yet"):
            state.ensure_serving(" yet", hint="wait")


def test_an_llminferenceservice_is_read_the_same_way():
    state = DeploymentState.of(isvc(ready="True", url="https://x", kind="LLMInferenceService"))
    assert state.kind == "LLMInferenceService" and state.row(False)["state"] == "Ready"
