"""Create/update/delete against the fake API server: idempotency, ownership, rollback, RBAC."""

import pytest

from jupyter_optiserve.deploy import Deployer, render
from jupyter_optiserve.deploy.resources import ISVC, SR
from jupyter_optiserve.errors import ConflictError, NotFoundError, PermissionDeniedError


def _get(conn, kind, name="granite"):
    return Deployer(conn).res.get(kind, "demo", name)


def test_create_then_rerun_changes_nothing(make_plan, conn, kube):
    objs = render(make_plan())
    first = Deployer(conn).apply(objs)
    assert [a for _, _, a in first.actions] == ["created", "created"]
    rv = _get(conn, ISVC)["metadata"]["resourceVersion"]
    writes = len([r for r in kube.requests if r.get("method") in ("POST", "PUT", "PATCH")])
    again = Deployer(conn).apply(render(make_plan()))
    assert not again.changed and [a for _, _, a in again.actions] == ["unchanged", "unchanged"]
    assert _get(conn, ISVC)["metadata"]["resourceVersion"] == rv
    assert len([r for r in kube.requests if r.get("method") in ("POST", "PUT", "PATCH")]) == writes


def test_owner_reference_so_deleting_the_isvc_removes_the_runtime(make_plan, conn):
    Deployer(conn).apply(render(make_plan()))
    isvc, sr = _get(conn, ISVC), _get(conn, SR)
    assert sr["metadata"]["ownerReferences"][0]["uid"] == isvc["metadata"]["uid"]
    gone = Deployer(conn).delete("demo", "granite")
    assert "InferenceService/granite" in gone
    assert _get(conn, ISVC) is None and _get(conn, SR) is None


def test_changed_profile_updates_in_place(make_plan, conn):
    Deployer(conn).apply(render(make_plan()))
    uid = _get(conn, ISVC)["metadata"]["uid"]
    res = Deployer(conn).apply(render(make_plan(max_model_len=4096, tp=2)))
    assert ("InferenceService", "granite", "updated") in res.actions
    isvc = _get(conn, ISVC)
    assert isvc["metadata"]["uid"] == uid and isvc["metadata"]["generation"] == 2
    assert "--max-model-len=4096" in isvc["spec"]["predictor"]["model"]["args"]
    assert _get(conn, SR)["metadata"]["ownerReferences"][0]["uid"] == uid  # kept across the update


def test_foreign_object_is_never_touched(make_plan, conn, kube):
    kube.seed(
        [
            {
                "apiVersion": "serving.kserve.io/v1alpha1",
                "kind": "ServingRuntime",
                "metadata": {"name": "granite", "namespace": "demo", "labels": {"opendatahub.io/dashboard": "true"}},
                "spec": {
                    "containers": [{"name": "kserve-container", "image": "theirs"}],
                    "supportedModelFormats": [{"name": "vLLM"}],
                },
            }
        ]
    )
    with pytest.raises(ConflictError) as exc:
        Deployer(conn).apply(render(make_plan()))
    assert "not created by OptiServe" in exc.value.message
    assert _get(conn, SR)["spec"]["containers"][0]["image"] == "theirs"
    assert _get(conn, ISVC) is None  # checked before anything was written


def test_failure_midway_removes_only_what_this_run_created(make_plan, conn, kube):
    kube.seed([{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "bystander", "namespace": "demo"}}])
    kube.fault(path="/inferenceservices$", method="POST", status=500)
    with pytest.raises(Exception) as exc:
        Deployer(conn).apply(render(make_plan()))
    assert exc.value.detail.get("rolled_back") == ["ServingRuntime/granite"]
    assert _get(conn, SR) is None and _get(conn, ISVC) is None
    assert conn.get_json(conn.core.read_namespaced_config_map, "bystander", "demo")["metadata"]["name"] == "bystander"


def test_failure_on_update_keeps_existing_objects(make_plan, conn, kube):
    Deployer(conn).apply(render(make_plan()))
    kube.fault(path="/inferenceservices/granite$", method="PUT", status=500)
    with pytest.raises(Exception):  # noqa: B017 (whichever error the 500 maps to, nothing is lost)
        Deployer(conn).apply(render(make_plan(max_model_len=4096)))
    assert _get(conn, SR) is not None and _get(conn, ISVC) is not None


def test_permission_denied_names_the_grant(make_plan, conn, kube):
    kube.deny([{"verb": "create", "group": "serving.kserve.io", "resource": "inferenceservices"}])
    with pytest.raises(PermissionDeniedError) as exc:
        Deployer(conn).apply(render(make_plan()))
    assert "oc create role" in exc.value.hint and "inferenceservices.serving.kserve.io" in exc.value.hint
    assert "--serviceaccount=demo:workbench" in exc.value.hint
    assert _get(conn, SR) is None  # rolled back


def test_dry_run_creates_nothing(make_plan, conn):
    res = Deployer(conn).apply(render(make_plan()), dry_run=True)
    assert res.dry_run and [a for _, _, a in res.actions] == ["created", "created"]
    assert _get(conn, SR) is None and _get(conn, ISVC) is None


def test_stop_start_list_and_delete(make_plan, conn, kube):
    Deployer(conn).apply(render(make_plan()))
    kube.seed(
        [
            {
                "apiVersion": "serving.kserve.io/v1beta1",
                "kind": "InferenceService",
                "metadata": {"name": "theirs", "namespace": "demo"},
                "spec": {"predictor": {"model": {"modelFormat": {"name": "vLLM"}}}},
            }
        ]
    )
    d = Deployer(conn)
    d.stop("demo", "granite")
    assert _get(conn, ISVC)["metadata"]["annotations"]["serving.kserve.io/stop"] == "true"
    d.stop("demo", "granite", stopped=False)
    assert _get(conn, ISVC)["metadata"]["annotations"]["serving.kserve.io/stop"] == "false"
    listed = d.list("demo")
    assert [o["metadata"]["name"] for o in listed["optiserve"]] == ["granite"]
    assert [o["metadata"]["name"] for o in listed["other"]] == ["theirs"]
    with pytest.raises(ConflictError):
        d.stop("demo", "theirs")
    with pytest.raises(ConflictError):
        d.delete("demo", "theirs")
    with pytest.raises(NotFoundError):
        d.delete("demo", "missing")


def test_auth_objects_owned_by_the_isvc(make_plan, conn):
    Deployer(conn).apply(render(make_plan(auth=True)))
    uid = _get(conn, ISVC)["metadata"]["uid"]
    sa = conn.get_json(conn.core.read_namespaced_service_account, "granite-sa", "demo")
    assert sa["metadata"]["ownerReferences"][0]["uid"] == uid
    Deployer(conn).delete("demo", "granite")
    with pytest.raises(NotFoundError):
        conn.get_json(conn.core.read_namespaced_service_account, "granite-sa", "demo")
