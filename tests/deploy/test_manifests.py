"""Rendered manifests: dashboard compatibility, sizing, placement, storage, and the real CRD schemas."""

import pytest

from jupyter_optiserve.deploy.manifests import render, to_yaml
from jupyter_optiserve.deploy.validate import problems
from jupyter_optiserve.errors import InvalidInputError
from jupyter_optiserve.hardware.inventory import Pool
from jupyter_optiserve.kube import crdschema

needs_crds = pytest.mark.skipif(
    crdschema.crds_dir() is None, reason="../shared/reference/kserve-crds absent: set OPTISERVE_KSERVE_CRDS"
)


def _pool(**kw):
    base = dict(
        accelerator="a100-sxm-80gb",
        product="NVIDIA-A100-SXM4-80GB",
        vendor="nvidia",
        memory_gib=80,
        gpus_per_node=8,
        nodes=2,
        free_gpus=16,
        max_free_gpus_per_node=8,
        tolerations=[{"key": "gpu-team", "operator": "Equal", "value": "ai", "effect": "NoSchedule"}],
        node_selector={"nvidia.com/gpu.product": "NVIDIA-A100-SXM4-80GB"},
        source="nodes",
        resource_name="nvidia.com/gpu",
    )
    return Pool(**{**base, **kw})


def _by_kind(objs):
    return {o["kind"]: o for o in objs}


def test_dashboard_shape(make_plan):
    sr, isvc = render(make_plan())
    assert sr["metadata"]["name"] == isvc["metadata"]["name"] == isvc["spec"]["predictor"]["model"]["runtime"]
    for o in (sr, isvc):
        assert o["metadata"]["labels"]["opendatahub.io/dashboard"] == "true"
        assert o["metadata"]["labels"]["app.kubernetes.io/managed-by"] == "optiserve"
    ann = isvc["metadata"]["annotations"]
    assert ann["serving.kserve.io/deploymentMode"] == "RawDeployment"
    assert ann["opendatahub.io/model-type"] == "generative"
    assert ann["security.opendatahub.io/enable-auth"] == "false"
    sra = sr["metadata"]["annotations"]
    assert sra["opendatahub.io/template-name"] == "vllm-cuda-runtime-template"
    assert sra["opendatahub.io/runtime-version"] == "v0.21.0"
    assert sra["opendatahub.io/recommended-accelerators"] == '["nvidia.com/gpu"]'
    pred = isvc["spec"]["predictor"]
    assert pred["minReplicas"] == pred["maxReplicas"] == 1
    assert pred["model"]["modelFormat"] == {"name": "vLLM"}
    # writable caches for the random UID
    env = {e["name"]: e["value"] for e in sr["spec"]["containers"][0]["env"]}
    assert env["HF_HOME"].startswith("/cache") and env["HOME"] == "/cache" and "TRITON_CACHE_DIR" in env


@pytest.mark.parametrize(
    "acc,resource", [("a100-sxm-80gb", "nvidia.com/gpu"), ("mi300x", "amd.com/gpu"), ("gaudi2", "habana.ai/gaudi")]
)
def test_gpu_resource_by_vendor_and_count(make_plan, acc, resource):
    _, isvc = render(make_plan(accelerator=acc, tp=2, model="llama-3.1-8b-instruct"))
    res = isvc["spec"]["predictor"]["model"]["resources"]
    assert res["requests"][resource] == res["limits"][resource] == "2"
    others = {"nvidia.com/gpu", "amd.com/gpu", "habana.ai/gaudi"} - {resource}
    assert not others & set(res["limits"])


def test_cpu_runtime_requests_no_gpu(make_plan):
    _, isvc = render(make_plan(accelerator="cpu-x86-amx", model="llama-3.2-1b-instruct"))
    res = isvc["spec"]["predictor"]["model"]["resources"]
    assert set(res["limits"]) == {"cpu", "memory"} and "tolerations" not in isvc["spec"]["predictor"]


def test_memory_sized_for_the_model_and_shm_for_tp(make_plan):
    small = make_plan(model="llama-3.2-1b-instruct")
    big = make_plan(model="llama-3.1-70b-instruct", tp=4)
    gib = lambda p: int(p.resources.to_k8s()["requests"]["memory"][:-2])  # noqa: E731
    assert gib(big) > gib(small) >= 16
    sr, _ = render(big)
    shm = next(v for v in sr["spec"]["volumes"] if v["name"] == "shm")
    assert shm["emptyDir"] == {"medium": "Memory", "sizeLimit": "8Gi"}
    assert {"name": "shm", "mountPath": "/dev/shm"} in sr["spec"]["containers"][0]["volumeMounts"]


def test_startup_probe_covers_the_estimate(make_plan):
    plan = make_plan(model="llama-3.1-70b-instruct", tp=4, storage_uri="hf://meta-llama/Llama-3.1-70B-Instruct")
    _, isvc = render(plan)
    probe = isvc["spec"]["predictor"]["model"]["startupProbe"]
    s = plan.startup
    assert probe["periodSeconds"] * probe["failureThreshold"] >= s.download_s + s.load_s + s.compile_s
    assert probe["periodSeconds"] * probe["failureThreshold"] >= 600
    assert "livenessProbe" not in isvc["spec"]["predictor"]["model"]


def test_pool_tolerations_and_selector(make_plan):
    _, isvc = render(make_plan(pool=_pool()))
    pred = isvc["spec"]["predictor"]
    assert pred["tolerations"] == _pool().tolerations
    assert pred["nodeSelector"] == {"nvidia.com/gpu.product": "NVIDIA-A100-SXM4-80GB"}


def multinode_plan(make_plan, **kw):
    """llama-3.1-405b-instruct in fp8, TP 8 x PP 2 on 8-GPU H100 nodes: two nodes."""
    return make_plan(
        model="llama-3.1-405b-instruct",
        accelerator="h100-sxm-80gb",
        tp=8,
        pp=2,
        precision="fp8",
        pool=_pool(accelerator="h100-sxm-80gb", gpus_per_node=8),
        storage_uri="pvc://models-rwx/llama-405b",
        **kw,
    )


def test_multinode_worker_spec_when_pp_exceeds_a_node(make_plan):
    plan = multinode_plan(make_plan)
    sr, isvc = render(plan)
    ws = isvc["spec"]["predictor"]["workerSpec"]
    assert ws["pipelineParallelSize"] == 2 and ws["tensorParallelSize"] == 8
    assert ws["containers"][0]["resources"]["limits"]["nvidia.com/gpu"] == "8"
    assert sr["metadata"]["annotations"]["opendatahub.io/template-name"] == "vllm-multinode-runtime-template"
    assert isvc["metadata"]["annotations"]["serving.kserve.io/autoscalerClass"] == "none"
    assert not any("parallel-size" in a for a in isvc["spec"]["predictor"]["model"]["args"])
    # every rank gets the head's engine flags: KServe appends the ISVC's worker args to the runtime's
    head = isvc["spec"]["predictor"]["model"]["args"]
    assert "--max-model-len=" + str(plan.profile.max_model_len) in head
    assert ws["containers"][0]["args"] == head
    runtime_worker = sr["spec"]["workerSpec"]["containers"][0]["args"]
    merged = runtime_worker + ws["containers"][0]["args"]  # KServe's MergeRuntimeContainers
    assert "--headless" in merged and merged[-len(head) :] == head
    # pp on a node large enough stays one pod
    one = make_plan(model="llama-3.1-70b-instruct", tp=2, pp=2, pool=_pool(gpus_per_node=8))
    assert not one.multinode and "--pipeline-parallel-size=2" in one.engine.args


def test_storage_kinds(make_plan, catalog):
    oci = make_plan()  # catalog mirror of the same weights: exact modelcar string
    assert oci.storage.uri == "oci://registry.redhat.io/rhelai1/modelcar-granite-3-1-8b-instruct:1.5"
    variant = next(
        v
        for v in catalog.variants_for(catalog.find_model("llama-3.1-8b-instruct"))
        if v.oci_image and v.scheme == "fp8-dynamic"
    )
    pv = make_plan(model="llama-3.1-8b-instruct", accelerator="h100-sxm-80gb", precision="fp8", variant=variant.id)
    assert pv.storage.uri == f"oci://{variant.oci_image}"
    hf = render(make_plan(storage_uri="hf://ibm-granite/granite-3.1-8b-instruct", hf_token_secret="hf-token"))[1]
    model = hf["spec"]["predictor"]["model"]
    assert model["storageUri"] == "hf://ibm-granite/granite-3.1-8b-instruct"
    assert model["env"] == [
        {"name": "HF_TOKEN", "valueFrom": {"secretKeyRef": {"name": "hf-token", "key": "HF_TOKEN"}}}
    ]
    s3 = render(make_plan(storage_uri="s3://models/granite/8b", connection="my-bucket"))[1]
    assert s3["spec"]["predictor"]["model"]["storage"] == {"key": "my-bucket", "path": "granite/8b"}
    assert "storageUri" not in s3["spec"]["predictor"]["model"]
    assert (
        render(make_plan(storage_uri="pvc://models/granite"))[1]["spec"]["predictor"]["model"]["storageUri"]
        == "pvc://models/granite"
    )


@pytest.mark.parametrize(
    "uri",
    [
        "hf://hf_abcdefghijklmnopqrstuvwxyz123@org/model",
        "s3://AKIAABCDEFGHIJKLMNOP:x@b/p",
        "https://host/model?token=abc",
    ],
)
def test_inline_credentials_refused(make_plan, uri):
    with pytest.raises(InvalidInputError, match="credential"):
        make_plan(storage_uri=uri)


def test_auth_and_external_route(make_plan):
    objs = _by_kind(render(make_plan(auth=True, external=True)))
    isvc = objs["InferenceService"]
    assert isvc["metadata"]["labels"]["networking.kserve.io/visibility"] == "exposed"
    assert isvc["metadata"]["annotations"]["security.opendatahub.io/enable-auth"] == "true"
    assert objs["Role"]["rules"][0]["resourceNames"] == ["granite"]
    assert objs["RoleBinding"]["subjects"][0]["name"] == "granite-sa"
    assert objs["Secret"]["type"] == "kubernetes.io/service-account-token" and "data" not in objs["Secret"]


def test_llmisvc_target(make_plan):
    (obj,) = render(make_plan(target="llmisvc", tp=2))
    assert obj["kind"] == "LLMInferenceService" and obj["spec"]["parallelism"] == {"tensor": 2}
    main = obj["spec"]["template"]["containers"][0]
    assert main["name"] == "main"
    extra = next(e["value"] for e in main["env"] if e["name"] == "VLLM_ADDITIONAL_ARGS")
    assert "--max-model-len=8192" in extra and "--tensor-parallel-size" not in extra


def test_cluster_template_wins_over_catalog(make_plan, kube, conn):
    from jupyter_optiserve.testing.fakekube.seeds import vllm_runtime_template

    kube.seed([vllm_runtime_template(image="registry.example/vllm-cuda-rhel9:3.2", runtime_version="v0.10.1.1")])
    plan = make_plan(conn=conn)
    sr, _ = render(plan)
    assert sr["spec"]["containers"][0]["image"] == "registry.example/vllm-cuda-rhel9:3.2"
    assert sr["metadata"]["annotations"]["opendatahub.io/runtime-version"] == "v0.10.1.1"
    assert plan.body.source == "cluster:redhat-ods-applications"


PLANS = {
    "single-gpu": {},
    "tp4-pool": {"model": "llama-3.1-70b-instruct", "tp": 4, "pool": _pool()},
    "auth-external-hf": {
        "auth": True,
        "external": True,
        "storage_uri": "hf://ibm-granite/granite-3.1-8b-instruct",
        "hf_token_secret": "hf",
    },
    "s3": {"storage_uri": "s3://b/granite", "connection": "conn"},
    "amd": {"accelerator": "mi300x", "model": "llama-3.1-8b-instruct"},
    "gaudi": {"accelerator": "gaudi2", "model": "llama-3.1-8b-instruct"},
    "cpu": {"accelerator": "cpu-x86-amx", "model": "llama-3.2-1b-instruct"},
    "t4-half": {"accelerator": "t4", "model": "llama-3.2-1b-instruct"},
    "multinode": {
        "model": "llama-3.1-405b-instruct",
        "accelerator": "h100-sxm-80gb",
        "tp": 8,
        "pp": 2,
        "precision": "fp8",
        "storage_uri": "pvc://rwx/llama",
    },
    "llmisvc": {"target": "llmisvc", "tp": 2},
}


@needs_crds
@pytest.mark.parametrize("case", sorted(PLANS))
def test_every_manifest_validates_against_the_real_crds(make_plan, case):
    objs = render(make_plan(**PLANS[case]))
    found, checked = problems(objs)
    assert checked and found == []
    assert to_yaml(objs).count("\n---\n") == len(objs) - 1


@needs_crds
def test_validation_catches_a_broken_manifest(make_plan):
    _, isvc = render(make_plan())
    isvc["spec"]["predictor"]["minReplicas"] = "two"
    del isvc["spec"]["predictor"]["model"]["modelFormat"]["name"]
    isvc["spec"]["predictor"]["model"]["typo"] = 1
    found, _ = problems([isvc])
    text = "\n".join(found)
    assert "minReplicas" in text and "'name' is a required property" in text and "typo" in text
