"""RHOAI 2.x vs 3.x: each row of issue 14's table rendered under both conventions and checked
against the real KServe CRDs (kserve-rhoai.md §2, §4-§8)."""

import pytest

from jupyter_optiserve.deploy import conventions, render, run_preflight
from jupyter_optiserve.deploy.args import build_args
from jupyter_optiserve.deploy.deployer import Deployer
from jupyter_optiserve.deploy.template import from_catalog, from_template, unpinned
from jupyter_optiserve.deploy.validate import problems
from jupyter_optiserve.testing.fakekube import seeds
from tests.deploy.test_manifests import _pool, needs_crds

APP = "redhat-ods-applications"
A100_PROFILE = f"{APP}/nvidia-a100-80gb"
GENS = (2, 3)


def _kinds(objs):
    return {o["kind"]: o for o in objs}


def _valid(objs):
    found, checked = problems(objs)
    assert found == [], found
    return checked


def _checks(report):
    return {c.id: c for c in report.checks}


@pytest.fixture(autouse=True)
def _no_env(monkeypatch):
    monkeypatch.delenv(conventions.ENV, raising=False)


# -- detection -----------------------------------------------------------------------------------
def test_offline_default_is_3x_and_the_env_overrides(monkeypatch):
    assert conventions.detect(None).generation == 3
    monkeypatch.setenv(conventions.ENV, "2")
    assert conventions.detect(None).generation == 2 and conventions.detect(None).llmisvc_version == "v1alpha1"
    monkeypatch.setenv(conventions.ENV, "7")
    with pytest.raises(Exception, match="OPTISERVE_RHOAI=2"):
        conventions.detect(None)


def test_detected_from_the_datasciencecluster_release_then_the_apis(conn, kube):
    assert conventions.detect(conn).generation == 3  # infrastructure.opendatahub.io/v1 HardwareProfiles served
    kube.seed([seeds.data_science_cluster("2.25.2")])
    conv = conventions.detect(conn)
    assert conv.generation == 2 and "2.25.2" in conv.source


# -- row 1: hardware profile annotations, Kueue label ---------------------------------------------
@needs_crds
@pytest.mark.parametrize("gen", GENS)
def test_row1_hardware_profile_annotations(make_plan, gen):
    plan = make_plan(pool=_pool(profile=A100_PROFILE), rhoai=gen)
    sr, isvc = render(plan)
    ann, pred = isvc["metadata"]["annotations"], isvc["spec"]["predictor"]
    assert ann["opendatahub.io/hardware-profile-name"] == "nvidia-a100-80gb"
    assert ann["opendatahub.io/hardware-profile-namespace"] == APP
    if gen == 3:  # the webhook injects the profile's scheduling, as for the dashboard's deployments
        assert "tolerations" not in pred and "nodeSelector" not in pred
    else:  # 2.x dashboards wrote them themselves
        assert pred["tolerations"] == _pool().tolerations
    assert _valid([sr, isvc])


def test_row1_profile_read_from_the_cluster_has_its_resource_version(make_plan, conn, kube):
    kube.preset("full")
    plan = make_plan(conn=conn, pool=_pool(profile=None), rhoai=3)  # no ref: matched by product label
    assert plan.hardware_profile is not None and plan.hardware_profile.name == "nvidia-a100-80gb"
    ann = render(plan)[1]["metadata"]["annotations"]
    assert ann["opendatahub.io/hardware-profile-resource-version"]
    assert "kueue.x-k8s.io/queue-name" not in render(plan)[1]["metadata"]["labels"]


def test_row1_no_matching_profile_says_so_and_writes_the_pools_placement(make_plan, conn, kube):
    kube.preset("full")
    pool = _pool(accelerator="t4", product="Tesla-T4", node_selector={"nvidia.com/gpu.product": "Tesla-T4"})
    plan = make_plan(accelerator="t4", model="llama-3.2-1b-instruct", conn=conn, pool=pool, rhoai=3)
    assert plan.hardware_profile is None
    assert any("no HardwareProfile matches" in n for n in plan.notes)
    pred = render(plan)[1]["spec"]["predictor"]
    assert pred["tolerations"] == pool.tolerations and pred["nodeSelector"] == pool.node_selector


@pytest.mark.parametrize("with_queue", [True, False])
def test_row1_kueue_label_only_when_the_local_queue_exists(make_plan, conn, kube, with_queue):
    kube.seed(
        [seeds.queue_hardware_profile("a100-queued", "team-a"), seeds.cluster_queue("cq", gpus=8)]
        + ([seeds.local_queue("team-a", kube.namespace, "cq")] if with_queue else [])
    )
    plan = make_plan(conn=conn, pool=_pool(profile=f"{APP}/a100-queued"), namespace=kube.namespace)
    isvc = render(plan)[1]
    assert ("kueue.x-k8s.io/queue-name" in isvc["metadata"]["labels"]) is with_queue
    check = _checks(run_preflight(plan, render(plan), conn, dry_run=False))["kueue"]
    assert check.status == ("pass" if with_queue else "fail")
    assert ("8 nvidia.com/gpu of unused quota" in check.message) if with_queue else ("no LocalQueue" in check.message)


def test_row1_kueue_quota_is_respected_in_preflight(make_plan, conn, kube):
    kube.seed(
        [
            seeds.queue_hardware_profile("a100-queued", "team-a"),
            seeds.cluster_queue("cq", gpus=4, used=3),
            seeds.local_queue("team-a", kube.namespace, "cq"),
        ]
    )
    plan = make_plan(conn=conn, tp=2, pool=_pool(profile=f"{APP}/a100-queued"), namespace=kube.namespace)
    check = _checks(run_preflight(plan, render(plan), conn, dry_run=False))["kueue"]
    assert check.status == "fail" and "1 nvidia.com/gpu of unused quota" in check.message and "needs 2" in check.message


# -- row 2: the real multi-node Template, mp fallback, free GPUs per node --------------------------
MULTI = dict(
    model="llama-3.1-405b-instruct",
    accelerator="h100-sxm-80gb",
    tp=8,
    pp=2,
    precision="fp8",
    storage_uri="pvc://rwx/llama",
)


def test_row2_multinode_template_is_found_although_labelled_false(make_plan, conn, kube):
    kube.seed([seeds.vllm_runtime_template(APP), seeds.multinode_runtime_template(APP)])
    plan = make_plan(conn=conn, pool=_pool(accelerator="h100-sxm-80gb", gpus_per_node=8), **MULTI)
    assert plan.multinode and plan.body.template_name == "vllm-multinode-runtime-template"
    assert plan.body.source == f"cluster:{APP}" and "@sha256:" in plan.body.image
    sr = render(plan)[0]
    assert "--nnodes=$(PIPELINE_PARALLEL_SIZE)" in sr["spec"]["containers"][0]["args"]
    assert sr["spec"]["containers"][0]["image"] == plan.body.image and sr["spec"]["workerSpec"]["containers"]


@needs_crds
@pytest.mark.parametrize("gen", GENS)
def test_row2_catalog_fallback_mirrors_the_mp_template(make_plan, gen):
    plan = make_plan(pool=_pool(accelerator="h100-sxm-80gb", gpus_per_node=8), rhoai=gen, **MULTI)
    sr, isvc = render(plan)
    head = sr["spec"]["containers"][0]["args"]
    worker = sr["spec"]["workerSpec"]["containers"][0]["args"]
    assert "--distributed-executor-backend=mp" in head and "--node-rank=0" in head and "ray" not in str(head)
    assert "--headless" in worker and "--master-addr=$(HEAD_SVC).$(POD_NAMESPACE).svc.cluster.local" in worker
    assert not unpinned(sr["spec"]["containers"][0]["image"])
    assert isvc["spec"]["predictor"]["workerSpec"]["tolerations"]  # workers: no webhook, always written
    assert _valid([sr, isvc])


def _flags(args: list[str]) -> dict:
    return {a.split("=", 1)[0]: a for a in args}


def test_row2_catalog_fallback_matches_the_real_multinode_template(catalog):
    """Same command, flags, values, env and worker shape as the model controller's Template."""
    real = from_template(seeds.multinode_runtime_template(APP), APP).spec
    ours = from_catalog(catalog.get_runtime("vllm-cuda"), multinode=True).spec
    assert ours["annotations"]["multinode/executor-backend"] == real["annotations"]["multinode/executor-backend"]
    for side in (lambda s: s["containers"][0], lambda s: s["workerSpec"]["containers"][0]):
        r, o = side(real), side(ours)
        assert o["command"][:2] == r["command"][:2] and o["command"][-1] == r["command"][-1]
        assert _flags(o["args"]) == _flags(r["args"])
        assert {e["name"] for e in r["env"]} - {e["name"] for e in o["env"]} <= {"HOME", "POD_NAME"}
    assert {k: ours["workerSpec"][k] for k in ("pipelineParallelSize", "tensorParallelSize")} == {
        k: real["workerSpec"][k] for k in ("pipelineParallelSize", "tensorParallelSize")
    }


@pytest.mark.parametrize("nodes", [2, 4])
def test_row2_fallback_workers_find_their_node_rank(catalog, tmp_path, nodes):
    """The worker script, run with stand-ins for getent and vllm: rank = place among the worker IPs."""
    import os
    import subprocess

    ips = [f"10.0.0.{i}" for i in range(nodes - 1, 0, -1)]  # DNS order is not rank order
    (tmp_path / "getent").write_text("#!/bin/sh\n" + "".join(f"echo '{ip} {{svc}}'\n" for ip in ips))
    (tmp_path / "vllm").write_text('#!/bin/sh\necho "$@"\n')
    for f in ("getent", "vllm"):
        (tmp_path / f).chmod(0o755)
    worker = from_catalog(catalog.get_runtime("vllm-cuda"), multinode=True).spec["workerSpec"]["containers"][0]
    env = {**os.environ, "PATH": f"{tmp_path}:{os.environ['PATH']}", "WORKER_SVC": "w", "POD_IP": ips[0]}
    env["PIPELINE_PARALLEL_SIZE"] = str(nodes)
    out = subprocess.run([*worker["command"], "serve-args"], env=env, capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.split()[-2:] == ["serve-args", f"--node-rank={nodes - 1}"]


@pytest.mark.parametrize("per_node,status", [([8, 4], "fail"), ([8, 8, 2], "pass")])
def test_row2_preflight_checks_each_nodes_free_gpus(make_plan, per_node, status):
    pool = _pool(
        accelerator="h100-sxm-80gb",
        gpus_per_node=8,
        nodes=len(per_node),
        free_gpus=sum(per_node),
        max_free_gpus_per_node=max(per_node),
        free_gpus_by_node=per_node,
    )
    plan = make_plan(pool=pool, **MULTI)
    check = _checks(run_preflight(plan, render(plan)))["free-gpus"]
    assert check.status == status, check.message
    if status == "fail":
        assert "1 node(s)" in check.message and "cannot span nodes" in check.message


# -- row 3: LLMInferenceService version and auth ------------------------------------------------
@needs_crds
@pytest.mark.parametrize("gen,version", [(2, "v1alpha1"), (3, "v1alpha2")])
@pytest.mark.parametrize("auth", [False, True])
def test_row3_llmisvc_version_and_auth(make_plan, gen, version, auth):
    objs = render(make_plan(target="llmisvc", tp=2, rhoai=gen, auth=auth))
    llm = objs[0]
    assert llm["apiVersion"] == f"serving.kserve.io/{version}"
    assert llm["metadata"]["annotations"]["security.opendatahub.io/enable-auth"] == str(auth).lower()
    kinds = _kinds(objs)
    if auth:
        rule = kinds["Role"]["rules"][0]
        assert rule["resources"] == ["llminferenceservices"] and rule["resourceNames"] == ["granite"]
        assert kinds["RoleBinding"]["subjects"][0]["name"] == "granite-sa"
    else:
        assert set(kinds) == {"LLMInferenceService"}
    assert _valid(objs)


def test_row3_llmisvc_v1alpha2_is_created_at_its_own_version(make_plan, conn, kube):
    kube.server.registry.llmisvc = True
    objs = render(make_plan(target="llmisvc", rhoai=3, namespace=kube.namespace))
    from jupyter_optiserve.deploy.resources import kind_of

    assert (
        kind_of(objs[0]).version == "v1alpha2"
        and kind_of({**objs[0], "apiVersion": "serving.kserve.io/v1alpha1"}).version == "v1alpha1"
    )


# -- row 4: the project's platform label ---------------------------------------------------------
def test_row4_first_deploy_labels_the_project_and_preflight_checks_it(make_plan, conn, kube):
    plan = make_plan(conn=conn, namespace=kube.namespace)
    assert _checks(run_preflight(plan, render(plan), conn, dry_run=False))["project-platform"].status == "pass"
    Deployer(conn).apply(render(plan))
    ns = conn.get_json(conn.core.read_namespace, kube.namespace)
    assert ns["metadata"]["labels"]["modelmesh-enabled"] == "false"
    conn.get_json(
        conn.core.patch_namespace,
        kube.namespace,
        {"metadata": {"labels": {"modelmesh-enabled": "true"}}},
        _content_type="application/merge-patch+json",
    )
    check = _checks(run_preflight(plan, render(plan), conn, dry_run=False))["project-platform"]
    assert check.status == "fail" and "modelmesh-enabled=false --overwrite" in check.fix


# -- row 5: data connections -----------------------------------------------------------------------
@needs_crds
@pytest.mark.parametrize("gen", GENS)
def test_row5_connection_annotations(make_plan, gen):
    s3 = render(make_plan(storage_uri="s3://bucket/granite", connection="my-conn", rhoai=gen))[1]
    oci = render(make_plan(storage_uri="oci://quay.io/org/granite:1.0", pull_secret="pull", rhoai=gen))[1]
    s3_ann, oci_ann = s3["metadata"]["annotations"], oci["metadata"]["annotations"]
    # explicit fields stay on both: a cluster without the webhook still finds the weights
    assert s3["spec"]["predictor"]["model"]["storage"] == {"key": "my-conn", "path": "granite"}
    assert oci["spec"]["predictor"]["imagePullSecrets"] == [{"name": "pull"}]
    if gen == 3:
        assert (
            s3_ann["opendatahub.io/connections"] == "my-conn" and s3_ann["opendatahub.io/connection-path"] == "granite"
        )
        assert oci_ann["opendatahub.io/connections"] == "pull"
    else:
        assert "opendatahub.io/connections" not in s3_ann and "opendatahub.io/connections" not in oci_ann
    assert _valid([s3, oci])


# -- row 6: 2.x accelerator profiles, 3.x timeout, disabled Templates, runtime version ----------------
@needs_crds
@pytest.mark.parametrize("gen", GENS)
def test_row6_legacy_accelerator_profile_and_timeout(make_plan, gen):
    pool = _pool(profile=f"{APP}/migrated-gpu", source="accelerator-profile")
    sr, isvc = render(make_plan(pool=pool, rhoai=gen))
    ann, pred = isvc["metadata"]["annotations"], isvc["spec"]["predictor"]
    assert ann["opendatahub.io/legacy-hardware-profile-name"] == "migrated-gpu"
    assert ann["opendatahub.io/accelerator-name"] == "migrated-gpu"
    assert "opendatahub.io/hardware-profile-name" not in ann
    assert sr["metadata"]["annotations"]["opendatahub.io/accelerator-name"] == "migrated-gpu"
    assert pred["tolerations"]  # a legacy profile has no webhook: always written
    assert pred.get("timeout") == (600 if gen == 3 else None)
    assert _valid([sr, isvc])


def test_row6_disabled_templates_are_not_used(make_plan, conn, kube):
    kube.seed([seeds.vllm_runtime_template(APP), seeds.dashboard_config(["vllm-cuda-runtime-template"])])
    plan = make_plan(conn=conn)
    assert plan.body.source == "catalog"
    assert any("templateDisablement" in n for n in plan.body.notes)


def test_row6_runtime_version_comes_from_the_template(make_plan, conn, kube):
    kube.seed([seeds.vllm_runtime_template(APP, runtime_version="v0.21.0")])
    sr = render(make_plan(conn=conn))[0]
    assert sr["metadata"]["annotations"]["opendatahub.io/runtime-version"] == "v0.21.0"


# -- row 7: vLLM 0.8-0.9 V0 fallback with an fp8 KV cache -------------------------------------------
@pytest.mark.parametrize(
    "acc,version,explicit",
    [
        ("l40s", "0.9.2", True),
        ("l4", "0.8.5", True),
        ("a100-sxm-80gb", "0.9.0", True),
        ("h100-sxm-80gb", "0.9.0", False),
        ("l40s", "0.10.1", False),
        ("l40s", "0.21.0", False),
    ],
)
def test_row7_v0_fallback_gets_caching_flags(catalog, acc, version, explicit):
    from jupyter_optiserve.catalog import Profile

    a = catalog.accelerators.get(acc)
    p = Profile(
        model="granite-3.1-8b-instruct",
        accelerator=a.id,
        runtime="vllm-cuda",
        precision="bf16",
        tp=1,
        max_model_len=8192,
        kv_cache_dtype="fp8",
        engine_version=version,
    )
    model, _ = catalog.resolve_model("granite-3.1-8b-instruct")
    args = build_args(p, model, a, catalog.get_runtime("vllm-cuda"), engine_version=version).args
    assert ("--enable-prefix-caching" in args and "--enable-chunked-prefill" in args) is explicit


# -- row 8: pinned images ----------------------------------------------------------------------------
def test_row8_catalog_cuda_image_is_pinned_and_preflight_flags_moving_tags(catalog, make_plan):
    assert not unpinned(from_catalog(catalog.get_runtime("vllm-cuda")).image)
    assert not unpinned(from_catalog(catalog.get_runtime("vllm-cuda"), multinode=True).image)
    assert unpinned("quay.io/vllm/vllm-cuda:latest") and unpinned("quay.io/vllm/vllm-cuda")
    assert not unpinned("registry:5000/x/vllm@sha256:" + "0" * 64)
    assert _checks(run_preflight(make_plan(), render(make_plan())))["image-pinned"].status == "pass"
    rocm = make_plan(accelerator="mi300x", model="llama-3.1-8b-instruct")
    assert _checks(run_preflight(rocm, render(rocm)))["image-pinned"].status == "warn"


def test_row1_profile_whose_gpu_range_excludes_the_pod_is_not_recorded(make_plan, conn, kube):
    kube.seed([seeds.hardware_profile("a100-one", APP, "NVIDIA-A100-SXM4-80GB", (1, 1, 1))])
    plan = make_plan(conn=conn, tp=2, pool=_pool(profile=f"{APP}/a100-one"))
    assert plan.hardware_profile is None and any("allows 1-1 nvidia.com/gpu" in n for n in plan.notes)


def test_cli_rhoai_flag_selects_the_convention(capsys):
    from jupyter_optiserve.cli import main

    rc = main(
        [
            "render",
            "--model",
            "granite-3.1-8b-instruct",
            "--kpi",
            "latency",
            "--accelerator",
            "a100-sxm-80gb",
            "--namespace",
            "demo",
            "--offline",
            "--rhoai",
            "2",
            "--target",
            "llmisvc",
        ]
    )
    assert (
        rc in (0, None)
        and "apiVersion: serving.kserve.io/v1alpha1\nkind: LLMInferenceService" in capsys.readouterr().out
    )


def test_row2_multinode_yaml_has_no_aliases_and_names_the_multinode_runtime(make_plan):
    from jupyter_optiserve.deploy import to_yaml

    plan = make_plan(pool=_pool(accelerator="h100-sxm-80gb", gpus_per_node=8), **MULTI)
    text = to_yaml(render(plan))
    assert "&id" not in text and "*id" not in text
    assert plan.body.display_name == "vLLM Multi-Node ServingRuntime for KServe"
