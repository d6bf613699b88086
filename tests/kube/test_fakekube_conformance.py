"""Conformance of the fake API server, driven only through the official `kubernetes` client.

Each check encodes a rule of the real apiserver (docs kubernetes-testing.md §3.3); the client's
strict response models parse every answer, so shape drift fails here too.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time

import pytest
import urllib3
from kubernetes import client, config, watch
from kubernetes.client.rest import ApiException
from kubernetes.dynamic import DynamicClient
from kubernetes.dynamic.exceptions import ResourceNotFoundError

from jupyter_optiserve.testing.fakekube import SCENARIO_ANNOTATION, STOP_ANNOTATION, seeds

KS = ("serving.kserve.io", "v1beta1")
NS = "demo"


def status_of(exc: ApiException) -> dict:
    return json.loads(exc.body)


def isvc(name: str, **predictor) -> dict:
    model = {
        "modelFormat": {"name": "vLLM"},
        "runtime": name,
        "storageUri": "oci://registry/x:1",
        "resources": {"requests": {"nvidia.com/gpu": "1"}, "limits": {"nvidia.com/gpu": "1"}},
    }
    return {
        "apiVersion": "serving.kserve.io/v1beta1",
        "kind": "InferenceService",
        "metadata": {"name": name},
        "spec": {"predictor": {"model": model, **predictor}},
    }


def cm(name: str, **labels) -> dict:
    return {"metadata": {"name": name, "labels": labels}, "data": {"k": "v"}}


@pytest.fixture
def api(kube):
    return kube.api_client()


@pytest.fixture
def core(api):
    return client.CoreV1Api(api)


@pytest.fixture
def co(api):
    return client.CustomObjectsApi(api)


def wait_for(fn, timeout: float = 5.0, interval: float = 0.02):
    deadline = time.monotonic() + timeout
    while True:
        value = fn()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s; last value {value!r}")
        time.sleep(interval)


# ---- discovery ----


def test_version_and_discovery(api, co):
    assert client.VersionApi(api).get_code().git_version.startswith("v1.32")
    dyn = DynamicClient(api)
    isvc_res = dyn.resources.get(api_version="serving.kserve.io/v1beta1", kind="InferenceService")
    assert isvc_res.short_names == ["isvc"] and isvc_res.namespaced
    assert dyn.resources.get(api_version="v1", kind="Node").namespaced is False
    with pytest.raises(ResourceNotFoundError):  # llm-d CRDs are not "installed" on this server
        dyn.resources.get(api_version="serving.kserve.io/v1alpha2", kind="LLMInferenceService")
    pods = dyn.resources.get(api_version="v1", kind="Pod")
    assert pods.get(namespace=NS).items == []
    crds = co.list_cluster_custom_object("apiextensions.k8s.io", "v1", "customresourcedefinitions")
    names = {c["metadata"]["name"] for c in crds["items"]}
    assert {
        "inferenceservices.serving.kserve.io",
        "servingruntimes.serving.kserve.io",
        "hardwareprofiles.infrastructure.opendatahub.io",
    } <= names
    assert "llminferenceservices.serving.kserve.io" not in names
    co.get_cluster_custom_object(
        "apiextensions.k8s.io", "v1", "customresourcedefinitions", "inferenceservices.serving.kserve.io"
    )


# ---- create / read / errors ----


def test_create_fills_server_fields(core, co):
    created = core.create_namespaced_config_map(NS, cm("a"))
    assert created is not None, "create must answer 201 so the generated client returns the object"
    meta = created.metadata
    assert meta.uid and meta.namespace == NS and meta.creation_timestamp and int(meta.resource_version) > 0
    assert meta.generation is None  # built-in kinds without spec have no generation
    gen = core.create_namespaced_config_map(NS, {"metadata": {"generateName": "cfg-"}})
    assert gen.metadata.name.startswith("cfg-") and len(gen.metadata.name) == len("cfg-") + 5
    sr = co.create_namespaced_custom_object(
        "serving.kserve.io",
        "v1alpha1",
        NS,
        "servingruntimes",
        {
            "apiVersion": "serving.kserve.io/v1alpha1",
            "kind": "ServingRuntime",
            "metadata": {"name": "rt"},
            "spec": {"containers": [{"name": "kserve-container", "image": "x"}]},
        },
    )
    assert sr["metadata"]["generation"] == 1 and sr["metadata"]["namespace"] == NS
    assert int(sr["metadata"]["resourceVersion"]) > int(meta.resource_version)


def test_error_statuses(core, co, api):
    with pytest.raises(ApiException) as e:
        core.read_namespaced_config_map("missing", NS)
    st = status_of(e.value)
    assert (e.value.status, st["reason"], st["details"]["name"]) == (404, "NotFound", "missing")
    with pytest.raises(ApiException) as e:
        co.list_namespaced_custom_object("serving.kserve.io", "v1beta1", NS, "nosuchthings")
    assert e.value.status == 404 and status_of(e.value)["reason"] == "NotFound"
    core.create_namespaced_config_map(NS, cm("dup"))
    with pytest.raises(ApiException) as e:
        core.create_namespaced_config_map(NS, cm("dup"))
    assert e.value.status == 409 and status_of(e.value)["reason"] == "AlreadyExists"
    with pytest.raises(ApiException) as e:
        core.create_namespaced_config_map("no-such-ns", cm("x"))
    assert e.value.status == 404 and status_of(e.value)["details"]["kind"] == "namespaces"
    with pytest.raises(ApiException) as e:
        core.create_namespaced_config_map(NS, cm("Bad_Name"))
    st = status_of(e.value)
    assert e.value.status == 422 and st["reason"] == "Invalid"
    assert st["details"]["causes"][0]["field"] == "metadata.name"
    with pytest.raises(ApiException) as e:  # the API version in the body must match the URL
        co.create_namespaced_custom_object(
            *KS, NS, "inferenceservices", {**isvc("v"), "apiVersion": "serving.kserve.io/v1alpha1"}
        )
    assert e.value.status == 400
    raw = api.call_api(
        *api.param_serialize(
            "GET", "/api/v1/namespaces/demo/pods", header_params={"Accept": "application/vnd.kubernetes.protobuf"}
        )
    )
    assert raw.status == 406  # protobuf is out of scope, and said so


def test_update_optimistic_concurrency(co):
    created = co.create_namespaced_custom_object(
        "serving.kserve.io",
        "v1alpha1",
        NS,
        "servingruntimes",
        {
            "apiVersion": "serving.kserve.io/v1alpha1",
            "kind": "ServingRuntime",
            "metadata": {"name": "rt"},
            "spec": {"containers": [{"name": "kserve-container", "image": "a"}]},
        },
    )
    created["spec"]["containers"][0]["image"] = "b"
    updated = co.replace_namespaced_custom_object("serving.kserve.io", "v1alpha1", NS, "servingruntimes", "rt", created)
    assert updated["metadata"]["generation"] == 2
    assert updated["metadata"]["resourceVersion"] != created["metadata"]["resourceVersion"]
    # metadata-only change: no generation bump
    updated["metadata"]["labels"] = {"x": "y"}
    relabeled = co.replace_namespaced_custom_object(
        "serving.kserve.io", "v1alpha1", NS, "servingruntimes", "rt", updated
    )
    assert relabeled["metadata"]["generation"] == 2
    with pytest.raises(ApiException) as e:  # stale resourceVersion
        co.replace_namespaced_custom_object("serving.kserve.io", "v1alpha1", NS, "servingruntimes", "rt", created)
    assert e.value.status == 409 and status_of(e.value)["reason"] == "Conflict"
    created["metadata"].pop("resourceVersion")
    with pytest.raises(ApiException) as e:  # custom resources refuse unconditional updates
        co.replace_namespaced_custom_object("serving.kserve.io", "v1alpha1", NS, "servingruntimes", "rt", created)
    assert e.value.status == 422


# ---- schema: validation, pruning, defaulting ----


@pytest.mark.parametrize(
    "mutate, field",
    [
        (lambda o: o["spec"]["predictor"]["model"]["modelFormat"].pop("name"), "spec.predictor.model.modelFormat.name"),
        (lambda o: o["spec"]["predictor"].update(minReplicas="two"), "spec.predictor.minReplicas"),
    ],
)
def test_invalid_inferenceservice(kube_crds, co, mutate, field):
    body = isvc("bad")
    mutate(body)
    with pytest.raises(ApiException) as e:
        co.create_namespaced_custom_object(*KS, NS, "inferenceservices", body)
    st = status_of(e.value)
    assert e.value.status == 422 and st["reason"] == "Invalid"
    assert field in [c["field"] for c in st["details"]["causes"]]


def test_invalid_servingruntime(kube_crds, co):
    sr = {
        "apiVersion": "serving.kserve.io/v1alpha1",
        "kind": "ServingRuntime",
        "metadata": {"name": "rt"},
        "spec": {"containers": [{"image": "x"}]},
    }
    with pytest.raises(ApiException) as e:
        co.create_namespaced_custom_object("serving.kserve.io", "v1alpha1", NS, "servingruntimes", sr)
    assert [c["field"] for c in status_of(e.value)["details"]["causes"]] == ["spec.containers[0].name"]
    sr["spec"]["containers"] = {"name": "x"}
    with pytest.raises(ApiException) as e:
        co.create_namespaced_custom_object("serving.kserve.io", "v1alpha1", NS, "servingruntimes", sr)
    assert e.value.status == 422


def test_pruning_warning_and_strict(kube_crds, co):
    body = isvc("pruned")
    body["spec"]["predictor"]["bogus"] = 1
    data, code, headers = co.create_namespaced_custom_object_with_http_info(*KS, NS, "inferenceservices", body)
    assert code == 201
    assert "bogus" not in data["spec"]["predictor"]
    assert 'unknown field \\"spec.predictor.bogus\\"' in headers.get("Warning", "")
    stored = co.get_namespaced_custom_object(*KS, NS, "inferenceservices", "pruned")
    assert "bogus" not in stored["spec"]["predictor"]
    body["metadata"]["name"] = "strict"
    with pytest.raises(ApiException) as e:  # the apiserver answers 400 BadRequest for strict decoding
        co.create_namespaced_custom_object(*KS, NS, "inferenceservices", body, field_validation="Strict")
    assert e.value.status == 400 and "spec.predictor.bogus" in status_of(e.value)["message"]


def test_defaults_applied(kube_crds, co):
    sr = {
        "apiVersion": "serving.kserve.io/v1alpha1",
        "kind": "ServingRuntime",
        "metadata": {"name": "rt"},
        "spec": {"containers": [{"name": "kserve-container", "image": "x", "ports": [{"containerPort": 8080}]}]},
    }
    out = co.create_namespaced_custom_object("serving.kserve.io", "v1alpha1", NS, "servingruntimes", sr)
    assert out["spec"]["containers"][0]["ports"][0]["protocol"] == "TCP"  # `default: TCP` in the CRD


def test_llmisvc_mutual_exclusion_rule(tmp_path):
    from jupyter_optiserve.testing.fakekube import FakeKubeServer

    with FakeKubeServer(namespace=NS, llmisvc=True) as srv:
        if not srv.has_crds:
            pytest.skip("KServe CRDs not found")
        co = client.CustomObjectsApi(
            config.new_client_from_config(config_file=str(srv.write_kubeconfig(tmp_path / "kc")))
        )
        body = {
            "apiVersion": "serving.kserve.io/v1alpha2",
            "kind": "LLMInferenceService",
            "metadata": {"name": "llm"},
            "spec": {
                "model": {"uri": "hf://Qwen/Qwen3-8B"},
                "replicas": 1,
                "scaling": {"minReplicas": 1, "maxReplicas": 2, "wva": {}},
            },
        }
        with pytest.raises(ApiException) as e:
            co.create_namespaced_custom_object("serving.kserve.io", "v1alpha2", NS, "llminferenceservices", body)
        causes = status_of(e.value)["details"]["causes"]
        assert any(c["field"] == "spec" and "mutually exclusive" in c["message"] for c in causes)
        del body["spec"]["scaling"]
        co.create_namespaced_custom_object("serving.kserve.io", "v1alpha2", NS, "llminferenceservices", body)
        # one stored object, served in both versions
        old = co.get_namespaced_custom_object("serving.kserve.io", "v1alpha1", NS, "llminferenceservices", "llm")
        assert old["apiVersion"] == "serving.kserve.io/v1alpha1"


# ---- patch / apply / status / dry-run ----


def test_patches(core, co):
    core.create_namespaced_config_map(NS, cm("p", a="1"))
    merged = core.patch_namespaced_config_map("p", NS, {"metadata": {"labels": {"a": None, "b": "2"}}})
    assert merged.metadata.labels == {"b": "2"}
    jp = core.patch_namespaced_config_map(
        "p", NS, [{"op": "add", "path": "/data/k2", "value": "v2"}, {"op": "test", "path": "/data/k", "value": "v"}]
    )
    assert jp.data == {"k": "v", "k2": "v2"}
    with pytest.raises(ApiException) as e:
        core.patch_namespaced_config_map("p", NS, [{"op": "test", "path": "/data/k", "value": "nope"}])
    assert e.value.status == 422
    co.create_namespaced_custom_object(
        "serving.kserve.io",
        "v1alpha1",
        NS,
        "servingruntimes",
        {
            "apiVersion": "serving.kserve.io/v1alpha1",
            "kind": "ServingRuntime",
            "metadata": {"name": "rt"},
            "spec": {"containers": [{"name": "kserve-container", "image": "a"}]},
        },
    )
    out = co.patch_namespaced_custom_object(
        "serving.kserve.io", "v1alpha1", NS, "servingruntimes", "rt", {"metadata": {"annotations": {"x": "y"}}}
    )
    assert out["metadata"]["annotations"] == {"x": "y"} and out["metadata"]["generation"] == 1
    with pytest.raises(ApiException) as e:  # strategic merge patch is not supported for custom resources
        co.patch_namespaced_custom_object(
            "serving.kserve.io",
            "v1alpha1",
            NS,
            "servingruntimes",
            "rt",
            {},
            _content_type="application/strategic-merge-patch+json",
        )
    assert e.value.status == 415


def test_server_side_apply_creates_then_merges(co):
    body = {
        "apiVersion": "serving.kserve.io/v1alpha1",
        "kind": "ServingRuntime",
        "metadata": {"name": "applied", "labels": {"a": "1"}},
        "spec": {"containers": [{"name": "kserve-container", "image": "a"}]},
    }
    args = ("serving.kserve.io", "v1alpha1", NS, "servingruntimes", "applied")
    with pytest.raises(ApiException) as e:
        co.patch_namespaced_custom_object(*args, body, _content_type="application/apply-patch+yaml")
    assert e.value.status == 400  # fieldManager is required
    data, code, _ = co.patch_namespaced_custom_object_with_http_info(
        *args, body, field_manager="optiserve", _content_type="application/apply-patch+yaml"
    )
    assert code == 201 and data is None  # created; kubernetes 37 maps only 200 here (doc §5 quirk)
    body["metadata"]["labels"] = {"b": "2"}
    out = co.patch_namespaced_custom_object(
        *args, body, field_manager="optiserve", _content_type="application/apply-patch+yaml"
    )
    assert out["metadata"]["labels"] == {"a": "1", "b": "2"}


def test_status_subresource_isolation(kube, co):
    created = co.create_namespaced_custom_object(
        *KS, NS, "inferenceservices", {**isvc("st"), "status": {"url": "http://ignored"}}
    )
    assert "url" not in created.get("status", {})  # status is ignored on create
    created["status"] = {"url": "http://main-endpoint"}
    created["spec"]["predictor"]["minReplicas"] = 2
    via_main = co.replace_namespaced_custom_object(*KS, NS, "inferenceservices", "st", created)
    assert "url" not in via_main.get("status", {}) and via_main["metadata"]["generation"] == 2
    via_main["status"] = {"url": "http://st.demo"}
    via_main["spec"]["predictor"]["minReplicas"] = 5
    via_status = co.replace_namespaced_custom_object_status(*KS, NS, "inferenceservices", "st", via_main)
    assert via_status["status"]["url"] == "http://st.demo"
    assert via_status["spec"]["predictor"]["minReplicas"] == 2 and via_status["metadata"]["generation"] == 2
    patched = co.patch_namespaced_custom_object_status(
        *KS, NS, "inferenceservices", "st", {"status": {"observedGeneration": 2}}
    )
    assert patched["status"] == {"url": "http://st.demo", "observedGeneration": 2}


def test_dry_run_not_persisted(core, co):
    out = core.create_namespaced_config_map(NS, cm("dry"), dry_run="All")
    assert out.metadata.name == "dry" and out.metadata.uid
    assert core.list_namespaced_config_map(NS).items == []
    core.create_namespaced_config_map(NS, cm("real"))
    core.delete_namespaced_config_map("real", NS, dry_run="All")
    assert core.read_namespaced_config_map("real", NS).metadata.name == "real"


# ---- list selectors ----


def test_label_and_field_selectors(core):
    for name, labels in (("a", {"app": "x", "tier": "gpu"}), ("b", {"app": "y"}), ("c", {"app": "z", "tier": "cpu"})):
        core.create_namespaced_config_map(NS, cm(name, **labels))

    def names(**kw):
        return sorted(i.metadata.name for i in core.list_namespaced_config_map(NS, **kw).items)

    assert names(label_selector="app=x") == ["a"]
    assert names(label_selector="app==y") == ["b"]
    assert names(label_selector="app!=x") == ["b", "c"]
    assert names(label_selector="app in (x, z)") == ["a", "c"]
    assert names(label_selector="app notin (x)") == ["b", "c"]
    assert names(label_selector="tier") == ["a", "c"]
    assert names(label_selector="!tier") == ["b"]
    assert names(label_selector="app in (x,y,z),tier!=gpu") == ["b", "c"]  # != matches a missing key
    assert names(field_selector="metadata.name=b") == ["b"]
    assert names(field_selector="metadata.name!=b") == ["a", "c"]
    with pytest.raises(ApiException) as e:
        core.list_namespaced_config_map(NS, field_selector="spec.nodeName=x")
    assert e.value.status == 400  # only declared fields are selectable
    page = core.list_namespaced_config_map(NS, limit=2)
    assert len(page.items) == 2 and page.metadata._continue
    rest = core.list_namespaced_config_map(NS, limit=2, _continue=page.metadata._continue)
    assert [i.metadata.name for i in rest.items] == ["c"] and not rest.metadata._continue


def test_pod_field_selectors(kube, core):
    kube.seed(
        [
            seeds.gpu_node("n1"),
            seeds.busy_pod("n1", 2, namespace=NS, name="p1"),
            seeds.busy_pod("n2", 1, namespace=NS, name="p2", phase="Pending"),
        ]
    )
    assert [p.metadata.name for p in core.list_pod_for_all_namespaces(field_selector="spec.nodeName=n1").items] == [
        "p1"
    ]
    assert [p.metadata.name for p in core.list_namespaced_pod(NS, field_selector="status.phase=Pending").items] == [
        "p2"
    ]
    node = core.read_node("n1")
    assert node.status.allocatable["nvidia.com/gpu"] == "8"
    assert node.metadata.labels["nvidia.com/gpu.product"] == "NVIDIA-H100-80GB-HBM3"


# ---- watch ----


def test_watch_events_from_resource_version(core):
    rv = core.list_namespaced_config_map(NS).metadata.resource_version
    core.create_namespaced_config_map(NS, cm("w1", app="x"))
    core.patch_namespaced_config_map("w1", NS, {"data": {"k": "v2"}})
    core.create_namespaced_config_map(NS, cm("other", app="y"))
    core.delete_namespaced_config_map("w1", NS)
    seen = [
        (e["type"], e["object"].metadata.name)
        for e in watch.Watch().stream(
            core.list_namespaced_config_map, NS, label_selector="app=x", resource_version=rv, timeout_seconds=1
        )
    ]
    assert seen == [("ADDED", "w1"), ("MODIFIED", "w1"), ("DELETED", "w1")]


def test_watch_live_and_timeout(core):
    rv = core.list_namespaced_config_map(NS).metadata.resource_version
    threading.Timer(0.2, lambda: core.create_namespaced_config_map(NS, cm("late"))).start()
    start = time.monotonic()
    events = [
        e["type"]
        for e in watch.Watch().stream(core.list_namespaced_config_map, NS, resource_version=rv, timeout_seconds=1)
    ]
    assert events == ["ADDED"]
    assert 0.9 <= time.monotonic() - start < 3  # the server ends the stream at timeoutSeconds


def test_watch_too_old_resource_version_is_410(kube, core):
    core.create_namespaced_config_map(NS, cm("old"))
    rv = core.list_namespaced_config_map(NS).metadata.resource_version
    core.create_namespaced_config_map(NS, cm("newer"))
    kube.server.store.compact()  # etcd compaction: the event after `rv` is gone
    with pytest.raises(ApiException) as e:
        list(watch.Watch().stream(core.list_namespaced_config_map, NS, resource_version=rv, timeout_seconds=1))
    assert e.value.status == 410


# ---- delete, finalizers, GC, secrets ----


def test_delete_and_finalizers(core):
    core.create_namespaced_config_map(NS, cm("gone"))
    core.delete_namespaced_config_map("gone", NS)
    with pytest.raises(ApiException) as e:
        core.delete_namespaced_config_map("gone", NS)
    assert e.value.status == 404
    core.create_namespaced_config_map(NS, {**cm("held"), "metadata": {"name": "held", "finalizers": ["x/y"]}})
    core.delete_namespaced_config_map("held", NS)
    held = core.read_namespaced_config_map("held", NS)
    assert held.metadata.deletion_timestamp is not None
    core.patch_namespaced_config_map("held", NS, {"metadata": {"finalizers": None}})
    with pytest.raises(ApiException) as e:
        core.read_namespaced_config_map("held", NS)
    assert e.value.status == 404


def test_garbage_collection_of_owned_objects(core):
    owner = core.create_namespaced_config_map(NS, cm("owner"))
    ref = {"apiVersion": "v1", "kind": "ConfigMap", "name": "owner", "uid": owner.metadata.uid}
    core.create_namespaced_config_map(NS, {"metadata": {"name": "child", "ownerReferences": [ref]}})
    core.create_namespaced_config_map(NS, {"metadata": {"name": "bystander"}})
    core.delete_namespaced_config_map("owner", NS)
    assert [c.metadata.name for c in core.list_namespaced_config_map(NS).items] == ["bystander"]


def test_secret_string_data(core):
    s = core.create_namespaced_secret(NS, {"metadata": {"name": "s3"}, "stringData": {"AWS_ACCESS_KEY_ID": "AKIA"}})
    assert s.data == {"AWS_ACCESS_KEY_ID": "QUtJQQ=="} and s.string_data is None and s.type == "Opaque"


# ---- RBAC ----


def test_rbac_deny_list_and_access_reviews(kube, api, core, co):
    kube.deny(
        [
            {"verb": "create", "group": "serving.kserve.io", "resource": "inferenceservices"},
            {"verb": ["list", "watch"], "group": "", "resource": "nodes"},
        ]
    )
    authz = client.AuthorizationV1Api(api)

    def ssar(verb, group, resource, namespace=NS):
        body = {
            "spec": {"resourceAttributes": {"verb": verb, "group": group, "resource": resource, "namespace": namespace}}
        }
        return authz.create_self_subject_access_review(body).status

    denied = ssar("create", "serving.kserve.io", "inferenceservices")
    assert denied.allowed is False and denied.reason
    assert ssar("get", "serving.kserve.io", "inferenceservices").allowed is True
    assert ssar("list", "", "nodes", namespace=None).allowed is False
    with pytest.raises(ApiException) as e:
        co.create_namespaced_custom_object(*KS, NS, "inferenceservices", isvc("nope"))
    st = status_of(e.value)
    assert e.value.status == 403 and st["reason"] == "Forbidden"
    assert (
        'User "system:serviceaccount:demo:workbench" cannot create resource "inferenceservices" in API '
        'group "serving.kserve.io" in the namespace "demo"' in st["message"]
    )
    with pytest.raises(ApiException) as e:
        core.list_node()
    assert e.value.status == 403 and "at the cluster scope" in status_of(e.value)["message"]
    rules = authz.create_self_subject_rules_review({"spec": {"namespace": NS}}).status.resource_rules
    isvc_rules = [r for r in rules if r.resources == ["inferenceservices"]]
    assert isvc_rules and "create" not in isvc_rules[0].verbs and "get" in isvc_rules[0].verbs
    kube.deny([])
    assert ssar("create", "serving.kserve.io", "inferenceservices").allowed is True


# ---- simulated KServe ----


def _state(co, name):
    st = co.get_namespaced_custom_object(*KS, NS, "inferenceservices", name).get("status") or {}
    ready = {c["type"]: c["status"] for c in st.get("conditions", [])}.get("Ready")
    return ready, (st.get("modelStatus") or {}).get("states", {}).get("targetModelState"), st


def test_simulated_kserve_scenarios(kube, co, core):
    kube.seed([seeds.gpu_node("h100-1")])
    kube.scenario("success", step_seconds=0.05, endpoint_url="http://127.0.0.1:9999")
    scenarios = ("success", "unschedulable", "image-pull", "storage-failure", "oom", "cuda-oom")
    for s in scenarios:
        body = isvc(s)
        body["metadata"]["annotations"] = {SCENARIO_ANNOTATION: s}
        co.create_namespaced_custom_object(*KS, NS, "inferenceservices", body)

    ready, _, st = wait_for(lambda: (r := _state(co, "success"))[0] == "True" and r)
    assert st["url"] == "http://127.0.0.1:9999" and st["modelStatus"]["transitionStatus"] == "UpToDate"
    assert st["modelStatus"]["states"]["activeModelState"] == "Loaded" and st["observedGeneration"] == 1
    pod = core.list_namespaced_pod(NS, label_selector="serving.kserve.io/inferenceservice=success").items[0]
    assert pod.spec.node_name == "h100-1" and pod.status.container_statuses[0].ready
    assert pod.spec.containers[0].resources.limits["nvidia.com/gpu"] == "1"

    def pod_of(name):
        pods = core.list_namespaced_pod(NS, label_selector=f"serving.kserve.io/inferenceservice={name}").items
        return pods[0] if pods else None

    unsched = wait_for(lambda: (p := pod_of("unschedulable")) and p.status.conditions and p)
    assert unsched.status.conditions[0].reason == "Unschedulable"
    assert "Insufficient nvidia.com/gpu" in unsched.status.conditions[0].message
    events = core.list_namespaced_event(NS, field_selector=f"involvedObject.name={unsched.metadata.name}")
    assert [ev.reason for ev in events.items] == ["FailedScheduling"]

    pulled = wait_for(
        lambda: (
            (p := pod_of("image-pull"))
            and p.status.container_statuses
            and (p.status.container_statuses[0].state.waiting or None)
            and p.status.container_statuses[0].state.waiting.reason == "ImagePullBackOff"
            and p
        )
    )
    assert pulled.status.phase == "Pending"

    for name, needle in (
        ("oom", "larger than the maximum number of tokens"),
        ("cuda-oom", "torch.OutOfMemoryError: CUDA out of memory"),
    ):
        _, target, st = wait_for(lambda name=name: (r := _state(co, name))[1] == "FailedToLoad" and r)
        assert st["modelStatus"]["lastFailureInfo"]["reason"] == "ModelLoadFailed"
        pod = pod_of(name)
        main = pod.status.container_statuses[0]
        assert main.state.waiting.reason == "CrashLoopBackOff" and main.restart_count >= 1
        assert needle in core.read_namespaced_pod_log(
            pod.metadata.name, NS, container="kserve-container", previous=True
        )

    _, _, st = wait_for(lambda: (r := _state(co, "storage-failure"))[1] == "FailedToLoad" and r)
    assert "AccessDenied" in st["modelStatus"]["lastFailureInfo"]["message"]
    init = pod_of("storage-failure").status.init_container_statuses[0]
    assert (init.last_state.terminated or init.state.terminated).exit_code == 1


def test_stop_annotation_and_gc(kube, co, core):
    kube.scenario("success", step_seconds=0.03)
    co.create_namespaced_custom_object(*KS, NS, "inferenceservices", isvc("m"))
    wait_for(lambda: _state(co, "m")[0] == "True")
    co.patch_namespaced_custom_object(
        *KS, NS, "inferenceservices", "m", {"metadata": {"annotations": {STOP_ANNOTATION: "true"}}}
    )
    _, _, st = wait_for(lambda: (r := _state(co, "m"))[0] == "False" and r)
    assert {c["type"]: c["status"] for c in st["conditions"]}["Stopped"] == "True"
    assert core.list_namespaced_pod(NS).items == []  # removed in the same step that set Stopped
    co.patch_namespaced_custom_object(
        *KS, NS, "inferenceservices", "m", {"metadata": {"annotations": {STOP_ANNOTATION: "false"}}}
    )
    wait_for(lambda: _state(co, "m")[0] == "True")
    assert len(core.list_namespaced_pod(NS).items) == 1
    co.delete_namespaced_custom_object(*KS, NS, "inferenceservices", "m")
    assert core.list_namespaced_pod(NS).items == []  # owned pods are garbage-collected


def test_watch_drop_scenario_requires_resume(kube, co):
    kube.scenario("watch-drop", step_seconds=0.1)
    rv = co.list_namespaced_custom_object(*KS, NS, "inferenceservices")["metadata"]["resourceVersion"]
    co.create_namespaced_custom_object(*KS, NS, "inferenceservices", isvc("wd"))
    start = time.monotonic()
    first = list(
        watch.Watch().stream(
            co.list_namespaced_custom_object, *KS, NS, "inferenceservices", resource_version=rv, timeout_seconds=5
        )
    )
    assert time.monotonic() - start < 4, "the stream should have been closed mid-way"
    last_rv = first[-1]["object"]["metadata"]["resourceVersion"]
    resumed = watch.Watch().stream(
        co.list_namespaced_custom_object, *KS, NS, "inferenceservices", resource_version=last_rv, timeout_seconds=3
    )
    for ev in resumed:
        if {c["type"]: c["status"] for c in (ev["object"].get("status") or {}).get("conditions", [])}.get(
            "Ready"
        ) == "True":
            break
    else:
        pytest.fail("resumed watch never saw Ready")


# ---- fault injection ----


def test_fault_injection(kube, core):
    kube.fault(path=r"/configmaps$", status=500, count=1)
    with pytest.raises(ApiException) as e:
        core.list_namespaced_config_map(NS)
    assert e.value.status == 500
    assert core.list_namespaced_config_map(NS).items == []  # only the next N requests fail
    kube.fault(path=r"/configmaps$", status=429, retry_after=2, method="POST")
    with pytest.raises(ApiException) as e:
        core.create_namespaced_config_map(NS, cm("x"))
    assert e.value.status == 429 and e.value.headers["Retry-After"] == "2"
    kube.fault(path=r"/secrets$", hang=1.0, count=10)
    start = time.monotonic()
    with pytest.raises((urllib3.exceptions.ReadTimeoutError, urllib3.exceptions.MaxRetryError)):
        core.list_namespaced_secret(NS, _request_timeout=0.15)
    assert time.monotonic() - start < 1.0
    kube.server.clear_faults()
    assert any(r["path"].endswith("/secrets") for r in kube.requests)


# ---- admin endpoints (for test processes that do not share our Python objects) ----


def test_admin_endpoints(kube, api, core):
    def call(method, path, body=None):
        resp = api.call_api(
            *api.param_serialize(method, path, body=body, header_params={"Content-Type": "application/json"})
        )
        resp.read()
        return resp.status, json.loads(resp.data or b"null")

    assert call("POST", "/_fake/seed", [seeds.gpu_node("seeded")])[0] == 200
    assert core.read_node("seeded").status.allocatable["nvidia.com/gpu"] == "8"
    call("POST", "/_fake/deny", [{"verb": "get", "group": "", "resource": "nodes"}])
    with pytest.raises(ApiException) as e:
        core.read_node("seeded")
    assert e.value.status == 403
    assert call("POST", "/_fake/scenario", {"default": "nope"})[0] == 400
    assert call("POST", "/_fake/scenario", {"default": "oom", "step_seconds": 0.5})[0] == 200
    assert kube.server.simulator.enabled and kube.server.simulator.scenario == "oom"
    call("POST", "/_fake/faults", {"path": "/nodes$", "status": 503})
    with pytest.raises(ApiException) as e:
        core.list_node()
    assert e.value.status == 503
    status, log = call("GET", "/_fake/requests")
    assert {"method": "GET", "path": "/api/v1/nodes", "status": 503} in [
        {k: r[k] for k in ("method", "path", "status")} for r in log["requests"]
    ]
    call("POST", "/_fake/reset")
    with pytest.raises(ApiException) as e:
        core.read_node("seeded")
    assert e.value.status == 404 and not kube.server.simulator.enabled


# ---- the standalone entry point ----


def test_python_m_entry_point(tmp_path):
    kubeconfig = tmp_path / "kubeconfig"
    seed = tmp_path / "seed.yaml"
    seed.write_text("apiVersion: v1\nkind: Node\nmetadata:\n  name: seeded-node\n---\n")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyter_optiserve.testing.fakekube",
            "--port",
            "0",
            "--kubeconfig",
            str(kubeconfig),
            "--namespace",
            "demo",
            "--seed",
            str(seed),
            "--preset",
            "shared",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "FAKEKUBE_DENY": '[{"verb": "list", "group": "", "resource": "secrets"}]'},
    )
    try:
        port = int(proc.stdout.readline())
        assert port > 0
        core = client.CoreV1Api(config.new_client_from_config(config_file=str(kubeconfig)))
        names = {n.metadata.name for n in core.list_node().items}
        assert {"seeded-node", "l4-shared-1"} <= names
        node = core.read_node("l4-shared-1")
        assert node.metadata.labels["nvidia.com/gpu.product"] == "NVIDIA-L4-SHARED"
        assert node.status.allocatable["nvidia.com/gpu"] == "4"
        with pytest.raises(ApiException) as e:  # FAKEKUBE_DENY is read at start-up
            core.list_namespaced_secret("demo")
        assert e.value.status == 403
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert proc.returncode == 0
