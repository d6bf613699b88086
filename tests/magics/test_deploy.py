"""``%optiserve deploy`` against the fake Kubernetes API server: the widget view (confirm, follow to
Ready, endpoint and snippets; cancel; a failure's cause and fix), the plain-text path, status, delete."""

import sys

import pytest

from jupyter_optiserve.magics import OptiServeMagicError
from jupyter_optiserve.magics.objects import Deployment, Status
from tests.deploy.openai_stub import OpenAIStub

DEPLOY = "deploy granite-3.1-8b-instruct --kpi latency --accelerator a100-sxm-80gb --gpus 1 --name granite --timeout 30"


def _walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)


def _isvc_names(kube):
    from jupyter_optiserve.deploy import Deployer
    from jupyter_optiserve.kube import connect

    conn = connect(str(kube.kubeconfig), namespace=kube.namespace)
    try:
        return [o["metadata"]["name"] for o in Deployer(conn).list(kube.namespace)["optiserve"]]
    finally:
        conn.close()


@pytest.fixture
def stub(cluster):
    with OpenAIStub(model="granite") as s:
        cluster.scenario("success", step_seconds=0.1, endpoint_url=s.url)
        yield s


def test_confirm_in_the_widget_deploys_to_ready_then_status_stop_delete(magic, cluster, stub):
    import ipywidgets as w

    d = magic(DEPLOY)
    assert isinstance(d, Deployment) and d.state == "planned"
    tree = list(_walk(d.view.widget))
    buttons = {b.description: b for b in tree if isinstance(b, w.Button)}
    assert set(buttons) == {"Deploy", "Cancel"}
    assert d.view.progress in tree and isinstance(d.view.progress, w.IntProgress) and d.view.phases in tree
    preview = d.view.preview.value
    assert "Manifests (2 objects: ServingRuntime/granite, InferenceService/granite)" in preview
    assert "Preflight" in preview and "kind: InferenceService" in preview
    assert _isvc_names(cluster) == []  # nothing is created before the click

    buttons["Deploy"].click()
    assert d.wait(30) == "ready", d
    assert buttons["Deploy"].disabled and d.view.progress.value == d.view.progress.max
    assert d.view.progress.bar_style == "success"
    assert "first-response" in d.view.phases.value and "first token in" in d.view.phases.value
    assert d.endpoint and d.endpoint in d.view.result.value
    assert "curl -s" in d.view.result.value and "from openai import OpenAI" in d.view.result.value
    assert stub.requests and stub.requests[0]["body"]["model"] == "granite"
    assert "ready" in repr(d) and d.endpoint in repr(d)
    shown = " ".join(x.value for x in tree if isinstance(x, w.HTML)) + repr(d.to_dict())
    assert "fakekube-token" not in shown  # the kubeconfig's credential is never displayed

    st = magic("status granite")
    assert isinstance(st, Status) and st.outcome == "ready" and st.endpoint == d.endpoint
    assert "ready" in st._repr_html_() and st.task["state"] == "ready"
    listing = magic("status")
    assert listing.names == ["granite"] and "granite" in listing._repr_html_()
    assert d.stop()["stopped"] and d.status().outcome == "stopped"
    gone = magic("delete granite")
    assert "InferenceService/granite" in gone["deleted"]
    assert _isvc_names(cluster) == []
    after = magic("status granite")  # the object is gone; this kernel still remembers its task
    assert after.exists is False and after.task["state"] == "ready"


def test_cancel_creates_nothing(magic, cluster):
    d = magic(DEPLOY)
    d.view.cancel.click()
    assert d.state == "cancelled" and d.wait(1) == "cancelled"
    assert "nothing was created" in d.view.phases.value
    d.view.confirm.click()  # disabled in the browser; a programmatic click must not deploy either
    assert d.state == "cancelled" and _isvc_names(cluster) == []


def test_yes_starts_at_once_and_a_failure_shows_cause_and_fix(magic, cluster):
    cluster.scenario("oom", step_seconds=0.1)
    d = magic(DEPLOY + " --yes")
    assert d.state != "planned" and d.view.buttons not in d.view.widget.children
    assert d.wait(30) == "failed", d
    assert d.view.progress.bar_style == "danger"
    assert "Cause:" in d.view.result.value and "Fix:" in d.view.result.value
    assert "--max-model-len" in d.view.result.value  # failure mode #1: the KV cache is smaller than the context
    assert d.error and d.error["hint"]


def test_plain_text_path_without_ipywidgets(magic, cluster, stub, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "ipywidgets", None)  # "import ipywidgets" raises ImportError
    d = magic(DEPLOY)
    out = capsys.readouterr().out
    assert d.state == "planned" and d.view is None
    assert "no Deploy button" in out and "preflight: passed" in out and _isvc_names(cluster) == []

    d = magic(DEPLOY + " --yes")
    out = capsys.readouterr().out
    assert d.state == "ready", out
    assert "created: InferenceService/granite" in out and "[following]" in out
    assert "first token in" in out and "outcome: ready" in out and f"endpoint: {d.endpoint}" in out


def test_blocked_preflight_shows_the_plan_and_raises(magic, cluster, capsys):
    with pytest.raises(OptiServeMagicError) as exc:
        magic(DEPLOY + " --storage-uri pvc://no-such-claim/granite --yes")
    assert exc.value.message == "preflight failed (storage): nothing was created"
    assert "PVC 'no-such-claim' does not exist" in capsys.readouterr().out  # the plan with its failing check
    assert _isvc_names(cluster) == []
