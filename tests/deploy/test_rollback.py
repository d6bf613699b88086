"""A failed deploy undoes what it created and what it changed; what it cannot undo is named, and
``delete NAME`` and ``list`` find it."""

import pytest

from jupyter_optiserve.deploy import Deployer, render
from jupyter_optiserve.deploy.resources import ISVC, SR, Resources
from jupyter_optiserve.errors import OptiServeError


def _get(conn, kind, name="granite"):
    return Resources(conn).get(kind, "demo", name)


def test_a_failed_rollback_names_the_leftover_and_delete_removes_it(make_plan, conn, kube):
    kube.fault(path="/inferenceservices$", method="POST", status=500)
    kube.fault(path="/servingruntimes/granite$", method="DELETE", status=500)
    with pytest.raises(OptiServeError) as exc:
        Deployer(conn).apply(render(make_plan()))
    err = exc.value
    assert err.detail["left_behind"] == ["ServingRuntime/granite"]
    assert "ServingRuntime/granite" in err.message and "optiserve delete granite -n demo" in err.hint
    assert "oc delete servingruntime/granite -n demo" in err.hint
    assert _get(conn, SR) is not None and _get(conn, ISVC) is None

    found = Deployer(conn).list("demo")
    assert [o["metadata"]["name"] for o in found["orphans"]] == ["granite"]
    assert Deployer(conn).delete("demo", "granite") == ["ServingRuntime/granite"]
    assert _get(conn, SR) is None and Deployer(conn).list("demo")["orphans"] == []


def test_a_failed_update_puts_the_previous_version_back(make_plan, conn, kube):
    Deployer(conn).apply(render(make_plan()))
    before = _get(conn, SR)["spec"]
    kube.fault(path="/inferenceservices/granite$", method="PUT", status=403)
    with pytest.raises(OptiServeError) as exc:
        Deployer(conn).apply(render(make_plan(max_model_len=4096)))
    assert "ServingRuntime/granite (previous version restored)" in exc.value.detail["rolled_back"]
    assert _get(conn, SR)["spec"] == before  # the runtime is not left on the new profile
    assert "--max-model-len=4096" not in str(_get(conn, ISVC)["spec"])


def test_delete_of_nothing_is_still_not_found(conn, kube):
    from jupyter_optiserve.errors import NotFoundError

    with pytest.raises(NotFoundError):
        Deployer(conn).delete("demo", "nothing")
